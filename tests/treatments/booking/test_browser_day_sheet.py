"""The day sheet in a real browser: the front desk lands on it, checks a patient in, marks
yesterday's no-show and books from a free quarter hour, on a desktop; one list per
physiotherapist on a phone; axe-core on each."""

import os
import re
from datetime import date, time, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import OVERFLOWING, Accessibility, sign_in
from tests.factories import (
    INITIAL_ASSESSMENT,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_visit,
)
from tests.treatments.booking.test_browser import next_monday, spoken
from treatments.models import AppointmentRequest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]
# Set DAY_SHEET_SCREENSHOTS to a folder to keep a picture of each page, to look at.
SCREENSHOTS = os.environ.get("DAY_SHEET_SCREENSHOTS", "")


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"day-sheet-{name}.png"), full_page=True)


@pytest.fixture
def clinic(migrated_data):
    """Priya, and Fran at the front desk, as in test_browser.py."""
    make_front_desk(username="fran", first_name="Fran", last_name="Desk")
    return make_physiotherapist(username="priya", first_name="Priya", last_name="Physio")


@pytest.fixture
def day(clinic):
    """Two physiotherapists with visits today, yesterday and next Monday. The live server runs
    on the real clock, so the days are the real ones."""
    omar = make_physiotherapist(username="omar", first_name="Omar", last_name="Osei")
    today = timezone.localdate()
    okafor = make_course(make_patient(legal_first_name="Marguerite", legal_last_name="Okafor"),
                         clinic)  # fmt: skip
    make_visit(okafor, today, time(10))
    make_visit(None, today, time(9), kind=INITIAL_ASSESSMENT,
               patient=make_patient(legal_first_name="Bartholomew-Maximilian",
                                    legal_last_name="Okonkwo-Featherstonehaugh"),
               physiotherapist=omar)  # fmt: skip
    make_visit(make_course(physiotherapist=omar), today, time(11), kind="Re-assessment")
    make_visit(make_course(physiotherapist=clinic), today, time(14), status="cancelled")
    bea = make_course(make_patient(legal_first_name="Bea", legal_last_name="Brown"), omar)
    make_visit(bea, today - timedelta(days=1), time(10))
    make_visit(make_course(physiotherapist=clinic), next_monday(), time(9))
    AppointmentRequest.objects.create(
        first_name="Robin", last_name="Okafor", date_of_birth=date(1979, 4, 2),
        email="robin@example.com", phone="604-555-0142", problem="Sore neck",
        times_that_suit="Mornings",
    )  # fmt: skip
    return {"today": today, "omar": omar}


def test_the_front_desk_runs_the_day_from_the_day_sheet(live_server, desktop, day):
    page, accessibility = desktop, Accessibility(desktop)
    sign_in(page, live_server, "fran")
    expect(page.get_by_role("heading", level=1)).to_have_text("Day sheet")
    headers = page.get_by_role("columnheader")
    expect(headers.nth(1)).to_contain_text("Omar Osei")
    expect(headers.nth(2)).to_contain_text("Priya Physio")
    expect(page.get_by_text("No one has checked in yet today.")).to_be_visible()
    expect(page.get_by_role("link", name="1 new patient request to confirm")).to_be_visible()
    visit = page.locator("td.visit-purple")
    expect(visit).to_have_attribute("rowspan", "4")  # the hour-long assessment
    accessibility.check("day")
    screenshot(page, "day-1280")

    page.get_by_role("button", name="Check in Marguerite Okafor, 10:00-10:30").click()
    expect(page.get_by_role("status")).to_contain_text("Marguerite Okafor checked in at")
    arrivals = page.get_by_role("region", name="Today's arrivals")
    expect(arrivals.get_by_role("row")).to_have_count(2)
    expect(arrivals).to_contain_text("Marguerite Okafor")
    expect(page.get_by_role("button", name=re.compile("^Check in Marguerite"))).to_have_count(0)
    accessibility.check("day, checked in")
    screenshot(page, "day-checked-in-1280")

    page.get_by_role("link", name="Previous day").click()
    page.get_by_role("link", name="No-show for Bea Brown, 10:00-10:30").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Did Bea Brown miss the visit?")
    accessibility.check("no-show")
    page.get_by_role("button", name="Yes, mark it a no-show").click()
    expect(page.get_by_role("status")).to_contain_text("Bea Brown marked as a no-show.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Day sheet")

    page.get_by_role("link", name="Show the week").click()
    expect(page.get_by_role("columnheader", name=re.compile("^Omar Osei"))).to_have_count(7)
    accessibility.check("week")
    screenshot(page, "week-1280")

    monday = next_monday()
    page.goto(f"{live_server.url}{reverse('treatments:day-sheet')}?date={monday}")
    page.get_by_role("link", name=f"Book Omar Osei, {spoken(monday)}, at 09:00").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a visit")
    expect(page.get_by_text(f"{spoken(monday)} {monday.year} at 09:00 with Omar")).to_be_visible()
    assert accessibility.violations == {}


@pytest.mark.parametrize("view", ["day", "week"])
def test_a_phone_gets_one_list_per_physiotherapist(live_server, phone, day, view):
    page = phone
    sign_in(page, live_server, "fran")
    page.goto(f"{live_server.url}{reverse('treatments:day-sheet')}?view={view}")
    expect(page.get_by_role("table", name=re.compile("^Visits and free times"))).to_be_hidden()
    for name in ["Omar Osei", "Priya Physio"]:
        expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()
    omar = page.get_by_role("region", name="Omar Osei")
    expect(omar.get_by_role("link", name=re.compile("^Bartholomew-Maximilian"))).to_be_visible()
    expect(omar.locator("li.visit-purple")).to_have_count(1)
    priya = page.get_by_role("region", name="Priya Physio")
    expect(
        priya.get_by_role("button", name="Check in Marguerite Okafor, 10:00-10:30")
    ).to_be_visible()
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]
    screenshot(page, f"{view}-375")

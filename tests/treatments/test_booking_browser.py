"""The front desk books a weekly series from the calendar in a real browser, accepts the time
offered for the one week that clashes, and finds every session on the calendar."""

import re
from datetime import date, time, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.factories import (
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_session,
)
from treatments.models import ClinicHours

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]
# Every element (but the visually hidden) that ends right of the screen or starts left of it.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => { const box = el.getBoundingClientRect();
                      return box.width > 1 && (box.right > width + 0.5 || box.left < -0.5); })
    .map((el) => `${el.tagName}.${el.className}`);
}"""


def next_monday() -> date:
    # The live server runs in its own thread, so the real clock: next week, always ahead.
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def spoken(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


@pytest.fixture
def clinic(migrated_data):
    """The physiotherapist whose calendar is shown, and the front desk. The clinic is open
    Monday to Friday, 08:00-18:00, as after a fresh install."""
    assert ClinicHours.objects.count() == 5
    make_front_desk(username="fran", first_name="Fran", last_name="Desk")
    return make_physiotherapist(username="priya", first_name="Priya", last_name="Physio")


def test_the_front_desk_books_a_weekly_series_from_the_calendar(live_server, desktop, clinic):
    page, axe, violations = desktop, Axe(), {}

    def check_accessibility():
        result = axe.run(page)
        if result.violations_count:
            violations[page.url] = [v["id"] for v in result.response["violations"]]

    monday = next_monday()
    patient = make_patient(legal_first_name="Marguerite", legal_last_name="Okafor")
    make_course(patient, clinic, expected_length="extended")
    # Someone else has the physiotherapist at 10:00 in the fourth week.
    week_4 = monday + timedelta(weeks=3)
    make_session(make_course(practitioner=clinic), week_4, time(10, 0))

    sign_in(page, live_server, "fran")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar of Priya Physio")
    check_accessibility()
    page.get_by_role("link", name="Next week").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(f"^{monday.day} "))).to_be_visible()
    check_accessibility()

    page.get_by_role("link", name=f"Book {spoken(monday)} at 10:00", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a session")
    expect(page.get_by_text(f"{spoken(monday)} {monday.year} at 10:00 with Priya")).to_be_visible()
    page.get_by_label("Find the patient").fill("okaf")
    page.get_by_role("button", name="Search").click()
    course = page.get_by_role("radio", name=re.compile("Course with Priya Physio"))
    expect(course).to_be_checked()
    expect(page.get_by_label("Weeks")).to_have_value("12")  # an extended course: up to 12
    expect(page.get_by_label("Start time")).to_have_value("10:00")
    check_accessibility()
    page.get_by_label("Weeks").fill("6")
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly series for Marguerite Okafor")
    expect(page.get_by_text("5 of 6 weeks booked with Priya Physio.")).to_be_visible()
    expect(page.get_by_text("Priya Physio already has a session on")).to_be_visible()
    check_accessibility()
    page.get_by_role("button", name=f"Accept {spoken(week_4)} {week_4.year} at 09:30").click()

    expect(page.get_by_role("status")).to_contain_text("Session booked: Marguerite Okafor on")
    expect(page.get_by_text("6 of 6 weeks booked with Priya Physio.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Accept"))).to_have_count(0)

    page.get_by_role("link", name="Open the calendar at week 1").click()
    found = []
    for week in range(6):
        start = monday + timedelta(weeks=week)
        expect(page.get_by_role("heading", level=2)).to_contain_text(f"{start.day} {start:%B} to")
        sessions = page.locator(".calendar-session").filter(has_text="Marguerite Okafor")
        found.append(sessions.count())
        if week == 3:
            expect(sessions).to_contain_text("09:30-10:00")
        page.get_by_role("link", name="Next week").click()
    assert found == [1] * 6
    assert violations == {}


def test_the_calendar_shows_one_day_at_a_time_on_a_phone(live_server, phone, clinic):
    page = phone
    monday = next_monday()
    wednesday = monday + timedelta(days=2)
    # A long name must wrap, not push the page wider than the phone.
    patient = make_patient(
        legal_first_name="Bartholomew-Maximilian", legal_last_name="Okonkwo-Featherstonehaugh"
    )
    make_session(make_course(patient, clinic), wednesday, time(9, 0))

    sign_in(page, live_server, "fran")
    page.goto(f"{live_server.url}/treatments/calendar/?week={monday}")
    days = page.get_by_role("navigation", name="Days of the week")
    expect(days).to_be_visible()
    headers = page.get_by_role("columnheader")
    expect(headers).to_have_count(2)  # the times, and Monday
    expect(headers.nth(1)).to_contain_text(f"Mon {monday.day}")
    assert page.evaluate(OVERFLOWING) == []

    days.get_by_role("link", name=f"Wed {wednesday.day}", exact=True).click()
    expect(headers.nth(1)).to_contain_text(f"Wed {wednesday.day}")
    expect(page.get_by_role("link", name="Bartholomew-Maximilian")).to_be_visible()
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]

    page.get_by_role("link", name=re.compile(r"^Book .* at 11:00$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a session")
    assert page.evaluate(OVERFLOWING) == []

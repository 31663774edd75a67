"""The booking pages in a real browser: the front desk books a weekly series from the calendar
and finds it again after signing in again; the calendar on a phone; and axe-core on every
booking page, on a desktop and on a phone."""

import re
from datetime import date, time, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import OVERFLOWING, Accessibility, sign_in, sign_out
from tests.factories import (
    INITIAL_ASSESSMENT,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_visit,
    visit_type,
)
from treatments.booking.series import book_series
from treatments.models import ClinicHours

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


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


def test_the_front_desk_books_a_weekly_series_and_finds_it_after_signing_in_again(
    live_server, desktop, clinic
):
    page, accessibility = desktop, Accessibility(desktop)
    monday = next_monday()
    patient = make_patient(legal_first_name="Marguerite", legal_last_name="Okafor")
    make_course(patient, clinic, expected_length="extended")
    # Someone else has the physiotherapist at 10:00 in the fourth week.
    week_4 = monday + timedelta(weeks=3)
    make_visit(make_course(physiotherapist=clinic), week_4, time(10, 0))

    sign_in(page, live_server, "fran")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar of Priya Physio")
    page.get_by_role("link", name="Next week").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(f"^{monday.day} "))).to_be_visible()
    accessibility.check("calendar")

    page.get_by_role("link", name=f"Book {spoken(monday)} at 10:00", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a visit")
    expect(page.get_by_text(f"{spoken(monday)} {monday.year} at 10:00 with Priya")).to_be_visible()
    page.get_by_label("Find the patient").fill("okaf")
    page.get_by_role("button", name="Search").click()
    course = page.get_by_role("radio", name=re.compile("In the course with Priya Physio"))
    expect(course).to_be_checked()
    expect(page.get_by_label("Start time")).to_have_value("10:00")
    page.get_by_label("Visit type").select_option(label="IMS treatment, 30 minutes")
    page.get_by_label("Weeks").fill("6")
    accessibility.check("booking")
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly series for Marguerite Okafor")
    expect(page.get_by_text("5 of 6 weeks booked with Priya Physio")).to_be_visible()
    expect(page.get_by_text("Priya Physio already has a visit on")).to_be_visible()
    accessibility.check("series")
    series = page.url

    # Signing out and in again loses nothing: the series is listed where bookings are made.
    sign_out(page)
    sign_in(page, live_server, "fran")
    page.goto(f"{live_server.url}{reverse('treatments:book')}")
    open_series = page.get_by_role("status").filter(has_text="not finished with")
    open_series.get_by_role("link", name=re.compile("^Marguerite Okafor, booked")).click()
    expect(page).to_have_url(series)
    expect(page.get_by_text("5 of 6 weeks booked with Priya Physio")).to_be_visible()
    page.get_by_role("button", name=f"Accept {spoken(week_4)} {week_4.year} at 09:30").click()

    expect(page.get_by_role("status")).to_contain_text("Visit booked: Marguerite Okafor on")
    expect(page.get_by_text("6 of 6 weeks booked with Priya Physio")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Accept"))).to_have_count(0)

    sign_out(page)
    sign_in(page, live_server, "fran")
    page.goto(series)
    expect(page.get_by_text("6 of 6 weeks booked with Priya Physio")).to_be_visible()

    page.get_by_role("link", name="Open the calendar at week 1").click()
    found = []
    for week in range(6):
        start = monday + timedelta(weeks=week)
        expect(page.get_by_role("heading", level=2)).to_contain_text(f"{start.day} {start:%B} to")
        visits = page.locator(".calendar-visit").filter(has_text="Marguerite Okafor")
        found.append(visits.count())
        if week == 3:
            expect(visits).to_contain_text("09:30-10:00 · IMS treatment")
        page.get_by_role("link", name="Next week").click()
    assert found == [1] * 6
    assert accessibility.violations == {}


def test_the_calendar_shows_one_day_at_a_time_on_a_phone(live_server, phone, clinic):
    page = phone
    monday = next_monday()
    wednesday = monday + timedelta(days=2)
    # A long name must wrap, not push the page wider than the phone.
    patient = make_patient(
        legal_first_name="Bartholomew-Maximilian", legal_last_name="Okonkwo-Featherstonehaugh"
    )
    make_visit(None, wednesday, time(9, 0), kind=INITIAL_ASSESSMENT, patient=patient,
               physiotherapist=clinic)  # fmt: skip

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
    visit = page.get_by_role("link", name="Bartholomew-Maximilian")
    expect(visit).to_be_visible()
    # The hour-long assessment fills four quarter-hour rows.
    cell = page.locator("td", has=visit)
    expect(cell).to_have_attribute("rowspan", "4")
    expect(cell).to_have_class(re.compile("visit-purple"))
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]

    page.get_by_role("link", name=re.compile(r"^Book .* at 11:00$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a visit")
    expect(page.get_by_text(f"{spoken(wednesday)} {wednesday.year} at 11:00")).to_be_visible()
    assert page.evaluate(OVERFLOWING) == []


@pytest.fixture
def every_page(clinic):
    """A visit for each booking page to show: one ahead to move or cancel, one passed and
    not marked, one attended, a series with a week not booked; and a busy week."""
    fran = get_user_model().objects.get(username="fran")
    monday, today = next_monday(), timezone.localdate()
    course = make_course(make_patient(legal_first_name="Marguerite", legal_last_name="Okafor"),
                         clinic, expected_length="extended")  # fmt: skip
    make_visit(make_course(physiotherapist=clinic), monday + timedelta(weeks=2), time(10))
    series = book_series(
        patient=course.patient, course=course, physiotherapist=clinic, visit_type=visit_type(),
        first_day=monday, start_time=time(10), weeks=3, booked_by=fran,
    )  # fmt: skip
    others = [make_course(make_patient(legal_first_name=name), clinic)
              for name in ("Alex", "Bea", "Cy", "Dee")]  # fmt: skip
    ahead = make_visit(others[0], monday + timedelta(days=1), time(14))
    passed = make_visit(others[1], today - timedelta(days=1), time(10))
    attended = make_visit(others[2], today - timedelta(days=8), time(10), status="attended")
    # The busy day: every type, and a cancelled visit and a no-show, greyed.
    wednesday = monday + timedelta(days=2)
    make_visit(None, wednesday, time(8), kind=INITIAL_ASSESSMENT, patient=make_patient(),
               physiotherapist=clinic)  # fmt: skip
    make_visit(others[3], wednesday, time(9, 15), kind="Re-assessment")
    make_visit(others[3], wednesday, time(11), kind="Follow-up without needling")
    make_visit(others[2], wednesday, time(13), status="cancelled")
    make_visit(others[1], wednesday, time(15), status="no_show")
    return {"course": course, "series": series, "ahead": ahead, "passed": passed,
            "attended": attended, "wednesday": wednesday}  # fmt: skip


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_every_booking_page_passes_axe(live_server, request, every_page, screen):
    page = request.getfixturevalue(screen)
    accessibility = Accessibility(page)
    site = live_server.url
    wednesday, course = every_page["wednesday"], every_page["course"]

    def visit(path: str, name: str, heading: str) -> None:
        page.goto(f"{site}{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        accessibility.check(name)

    sign_in(page, live_server, "fran")
    calendar = reverse("treatments:calendar")
    visit(calendar, "calendar this week", "Calendar of Priya Physio")
    visit(f"{calendar}?week={wednesday}&day={wednesday}", "calendar, a busy day", "Calendar of")
    visit(f"{calendar}?week=9999-99-99", "calendar, a bad address", "Calendar of")
    book = reverse("treatments:book")
    visit(book, "booking", "Book a visit")
    visit(f"{book}?q=Okafor", "booking, a patient found", "Book a visit")
    slot = f"physiotherapist={course.physiotherapist_id}&date={wednesday}&time=09:00"
    visit(f"{book}?course={course.pk}&{slot}", "booking from a slot", "Book a visit")
    # One visit over the re-assessment at 09:15: refused, with times offered.
    page.get_by_label("Weeks").fill("1")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Free times nearby that keep every rule")).to_be_visible()
    accessibility.check("booking, refused")
    visit(f"{book}?physiotherapist=abc&date=2020-01-01&time=25:00", "booking, a bad link", "Book")
    visit(every_page["series"].get_absolute_url(), "series", "Weekly series for")
    ahead = every_page["ahead"]
    visit(reverse("treatments:visit-move", args=[ahead.pk]), "move", "Move the visit")
    page.get_by_label("Date").fill("2020-01-01")
    page.get_by_role("button", name="Move the visit").click()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    accessibility.check("move, refused")
    visit(reverse("treatments:visit-cancel", args=[ahead.pk]), "cancel", "Cancel the visit")
    page.get_by_role("button", name="Cancel the visit").click()
    expect(page.get_by_text("Give the reason the visit was cancelled.")).to_be_visible()
    accessibility.check("cancel, refused")
    passed, attended = every_page["passed"], every_page["attended"]
    visit(reverse("treatments:visit-no-show", args=[passed.pk]), "no-show", "miss the visit?")
    visit(reverse("treatments:visit-detail", args=[passed.pk]), "visit, passed", "Visit of")
    visit(reverse("treatments:visit-undo", args=[attended.pk]), "undo", "back to booked")
    page.get_by_role("button", name="Undo attended").click()
    expect(page.get_by_text("Say why: the reason is kept")).to_be_visible()
    accessibility.check("undo, refused")
    assert accessibility.violations == {}

"""The week calendar: one physiotherapist's visits and free slots, Monday to Sunday."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from treatments.booking_views import booking_url

from tests.factories import (
    TODAY,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_visit,
)
from tests.treatments.helpers import page_text
from treatments.models import ClinicHours, DayOff, WorkingHours

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
URL = reverse("treatments:calendar")
MONDAY = TODAY - timedelta(days=1)  # 9 March 2026
NEXT_MONDAY = MONDAY + timedelta(days=7)
HOSTILE = ["2024-13-45", "abc", "9" * 10_000, "<script>alert(1)</script>", "-1", "0", "\x00"]


def day_headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col" class="calendar-day[^"]*"[^>]*>\s*([^<]+?)\s*<', html)


def row_times(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="calendar-time">([\d:]+)</th>', html)


def book_links(html: str, day) -> list[str]:
    return re.findall(rf"date={day.isoformat()}(?:&amp;|&)time=([\d%A]+)", html)


# Who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_shows_the_calendar_to_staff_who_book(client, request, physiotherapist, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_it_sends_a_visitor_to_sign_in(client):
    response = client.get(URL + "?week=2026-03-16")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_it_refuses_staff_who_do_not_book(client, request, physiotherapist, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(URL).status_code == 403


# The week -------------------------------------------------------------------------------


def test_it_shows_this_week_of_the_signed_in_physiotherapist(client, physiotherapist):
    make_physiotherapist(first_name="Aaron", last_name="Adams")  # first in the list
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    assert "<h1>Calendar of Priya Physio</h1>" in html
    assert day_headers(html) == [
        "Mon 9 Mar", "Tue 10 Mar", "Wed 11 Mar", "Thu 12 Mar", "Fri 13 Mar", "Sat 14 Mar",
        "Sun 15 Mar",
    ]  # fmt: skip
    assert "9 March to 15 March 2026" in html
    # The clinic is open 08:00-18:00 (the default hours): rows of 30 minutes.
    assert row_times(html) == [f"{h:02}:{m:02}" for h in range(8, 18) for m in (0, 30)]


def test_it_marks_today(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    today = re.search(r'<th scope="col" class="calendar-day[^"]*"[^>]*aria-current="date"', html)
    assert today and "is-today" in today.group()
    assert html.count('aria-current="date"') == 1
    assert "Tue 10 Mar <span" in html and ">Today</span>" in html


def test_it_shows_the_first_physiotherapist_to_the_front_desk(client, physiotherapist, front_desk):
    adams = make_physiotherapist(first_name="Aaron", last_name="Adams")
    client.force_login(front_desk)
    html = page_text(client.get(URL))
    assert "<h1>Calendar of Aaron Adams</h1>" in html
    assert f'<option value="{adams.pk}" selected>Aaron Adams</option>' in html
    assert f'<option value="{physiotherapist.pk}">Priya Physio</option>' in html


def test_it_shows_the_physiotherapist_asked_for(client, physiotherapist, front_desk):
    make_physiotherapist(first_name="Aaron", last_name="Adams")
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"physiotherapist": physiotherapist.pk}))
    assert "<h1>Calendar of Priya Physio</h1>" in html


def test_it_shows_the_week_of_any_date_in_it(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL, {"week": "2026-03-19"}).content.decode()
    assert day_headers(html)[0] == "Mon 16 Mar" and day_headers(html)[-1] == "Sun 22 Mar"
    previous = (
        f'physiotherapist={physiotherapist.pk}&amp;week=2026-03-09&amp;day=2026-03-12" rel="prev"'
    )
    following = (
        f'physiotherapist={physiotherapist.pk}&amp;week=2026-03-23&amp;day=2026-03-26" rel="next"'
    )
    assert previous in html and following in html
    assert 'aria-current="date"' not in html
    assert 'name="week" class="form-control" value="2026-03-19"' in html


def test_it_shows_each_visit_with_its_status_in_words(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    visits = [
        make_visit(course, MONDAY, at=time(9, 0), status="attended"),
        make_visit(course, MONDAY, at=time(10, 0), status="no_show"),
        make_visit(
            make_course(physiotherapist=physiotherapist), TODAY, at=time(14, 0), status="cancelled",
            cancellation_reason="Sick",
        ),
        make_visit(make_course(physiotherapist=physiotherapist), TODAY, at=time(14, 0)),
    ]  # fmt: skip
    someone_elses = make_visit(make_course(), TODAY, at=time(15, 0))
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    for visit in visits:
        assert f'href="{visit.get_absolute_url()}">{visit.patient}</a>' in html
    assert someone_elses.get_absolute_url() not in html
    for status in ["Attended", "No-show", "Cancelled", "Booked"]:
        assert f"{status}</span>" in html
    assert 'status-cancelled is-muted"' in html and 'status-no_show is-muted"' in html
    assert "14:00-14:30" in html
    # Nothing clinical: the course's region is not on the calendar.
    assert "Right low back" not in html


def test_it_offers_each_free_slot_from_now_on(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    make_visit(course, TODAY, at=time(14, 0), duration_minutes=60)
    make_visit(
        make_course(physiotherapist=physiotherapist),
        TODAY,
        at=time(16, 0),
        status="cancelled",
        cancellation_reason="Sick",
    )
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert book_links(html, MONDAY) == []  # yesterday
    today = book_links(html, TODAY)
    # It is noon: 12:30 is the first free slot; 14:00-15:00 is taken; a cancelled one is not.
    assert today[0] == "12%3A30" and "14%3A00" not in today and "14%3A30" not in today
    assert "16%3A00" in today and len(today) == 9
    assert len(book_links(html, TODAY + timedelta(days=1))) == 20
    assert book_links(html, TODAY + timedelta(days=4)) == []  # Saturday
    link = booking_url(physiotherapist.pk, TODAY + timedelta(days=1), time(8, 0)).replace(
        "&", "&amp;"
    )
    assert f'href="{link}">Book<span class="visually-hidden"> Wednesday 11 March at 08:00' in html


def test_it_says_when_the_clinic_is_closed_or_the_physiotherapist_away(client, physiotherapist):
    DayOff.objects.create(physiotherapist=physiotherapist, date=TODAY + timedelta(days=1))
    for weekday in (1, 2, 3):  # works Tuesday to Thursday, 13:00-17:00
        WorkingHours.objects.create(
            physiotherapist=physiotherapist, weekday=weekday, starts_at=time(13), ends_at=time(17)
        )
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    notes = re.findall(
        r'calendar-day[^>]*>\s*([^<]+?)\s*(?:<span class="badge[^<]*</span>\s*)?'
        r'(?:<span class="d-block small fw-normal">([^<]*)</span>)?\s*</th>',
        html,
    )
    assert notes == [
        ("Mon 9 Mar", "Not working"), ("Tue 10 Mar", ""), ("Wed 11 Mar", "Day off"),
        ("Thu 12 Mar", ""), ("Fri 13 Mar", "Not working"), ("Sat 14 Mar", "Clinic closed"),
        ("Sun 15 Mar", "Clinic closed"),
    ]  # fmt: skip
    assert book_links(html, TODAY + timedelta(days=1)) == []
    thursday = book_links(html, TODAY + timedelta(days=2))
    assert thursday[0] == "13%3A00" and len(thursday) == 8


def test_it_widens_the_rows_for_a_visit_outside_the_hours(client, physiotherapist):
    make_visit(make_course(physiotherapist=physiotherapist), TODAY, at=time(7, 15))
    make_visit(make_course(physiotherapist=physiotherapist), NEXT_MONDAY, at=time(18, 30))
    client.force_login(physiotherapist)
    times = row_times(client.get(URL).content.decode())
    assert times[0] == "07:00" and times[-1] == "17:30"
    times = row_times(client.get(URL, {"week": NEXT_MONDAY}).content.decode())
    assert times[0] == "08:00" and times[-1] == "18:30"


def test_it_says_when_the_clinic_has_no_hours(client, physiotherapist):
    ClinicHours.objects.all().delete()
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert "The clinic has no opening hours yet" in html
    assert "<table" not in html


def test_it_says_when_there_is_no_physiotherapist(client):
    client.force_login(make_front_desk())
    html = client.get(URL).content.decode()
    assert "There is no physiotherapist to show yet." in html


# One day at a time on a narrow screen ---------------------------------------------------


def shown_columns(html: str) -> list[str]:
    """The day headers a narrow screen shows (the others are hidden below 768 px)."""
    return re.findall(r'<th scope="col" class="calendar-day(?! d-none)[^"]*"[^>]*>\s*([^<]+?)\s*<',
                      html)  # fmt: skip


def test_a_narrow_screen_shows_today_by_default(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert shown_columns(html) == ["Tue 10 Mar"]
    assert html.count('<td class="d-none d-md-table-cell') == 6 * 20


def test_a_narrow_screen_shows_the_day_asked_for(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL, {"week": "2026-03-16", "day": "2026-03-19"}).content.decode()
    assert shown_columns(html) == ["Thu 19 Mar"]
    assert 'href="/treatments/calendar/?physiotherapist=' in html
    assert 'day=2026-03-19" aria-current="page">Thu 19</a>' in html


def test_a_narrow_screen_shows_monday_of_another_week(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL, {"week": "2026-03-16"}).content.decode()
    assert shown_columns(html) == ["Mon 16 Mar"]


def test_the_day_alone_chooses_its_week(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL, {"day": "2026-03-26"}).content.decode()
    assert day_headers(html)[0] == "Mon 23 Mar"
    assert shown_columns(html) == ["Thu 26 Mar"]


# Addresses that cannot be read ----------------------------------------------------------


@pytest.mark.parametrize("value", [*HOSTILE, "9999-12-31", "0001-01-01", "1950-01-02"])
@pytest.mark.parametrize("param", ["week", "day"])
def test_it_falls_back_to_this_week_when_the_date_is_wrong(client, physiotherapist, param, value):
    client.force_login(physiotherapist)
    response = client.get(URL, {param: value})
    assert response.status_code == 400
    html = page_text(response)
    assert "Part of this calendar's address could not be read" in html
    assert ("Give the" in html) or ("Choose a date within 10 years of today." in html)
    assert day_headers(html)[0] == "Mon 9 Mar"
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("value", [*HOSTILE, "99999", "9" * 30])
def test_it_falls_back_to_the_usual_physiotherapist_when_the_one_asked_for_is_wrong(
    client, physiotherapist, value
):
    client.force_login(physiotherapist)
    response = client.get(URL, {"physiotherapist": value, "week": "2026-03-16"})
    assert response.status_code == 400
    html = page_text(response)
    assert "Choose a physiotherapist from the list." in html
    assert "<h1>Calendar of Priya Physio</h1>" in html
    assert day_headers(html)[0] == "Mon 16 Mar"  # what could be read is kept


def test_it_shows_only_physiotherapists(client, physiotherapist, front_desk, outsider):
    client.force_login(physiotherapist)
    for someone in (front_desk, outsider):
        response = client.get(URL, {"physiotherapist": someone.pk})
        assert response.status_code == 400
        assert "<h1>Calendar of Priya Physio</h1>" in page_text(response)


def test_empty_parameters_mean_the_defaults(client, physiotherapist):
    client.force_login(physiotherapist)
    response = client.get(URL, {"physiotherapist": "", "week": "", "day": ""})
    assert response.status_code == 200
    assert day_headers(page_text(response))[0] == "Mon 9 Mar"


# A fixed number of queries --------------------------------------------------------------


def fill_week(physiotherapist, how_many: int) -> None:
    """`how_many` visits of different patients next week, of every status."""
    statuses = ["booked", "booked", "attended", "cancelled", "no_show"]
    for n in range(how_many):
        day, slot = NEXT_MONDAY + timedelta(days=n % 5), n // 5
        status = statuses[n % len(statuses)]
        extra = {"cancellation_reason": "Sick"} if status == "cancelled" else {}
        course = make_course(make_patient(), physiotherapist)
        make_visit(course, day, at=time(8 + slot // 2, 30 * (slot % 2)), status=status, **extra)


@pytest.mark.parametrize("how_many", [3, 60])
def test_it_runs_the_same_queries_however_full_the_week(
    client, physiotherapist, django_assert_num_queries, how_many
):
    fill_week(physiotherapist, how_many)
    WorkingHours.objects.create(
        physiotherapist=physiotherapist, weekday=0, starts_at=time(8), ends_at=time(18)
    )
    DayOff.objects.create(physiotherapist=physiotherapist, date=NEXT_MONDAY + timedelta(days=4))
    client.force_login(physiotherapist)
    # Visit, user (with roles and two-step device), physiotherapists, clinic hours, working hours,
    # days off, the visits that take time, and the visits to show with their patients.
    with django_assert_num_queries(8):
        response = client.get(URL, {"week": NEXT_MONDAY})
    assert response.content.decode().count('class="calendar-visit') == how_many

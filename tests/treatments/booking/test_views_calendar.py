"""The week calendar page: one physiotherapist's visits and free quarter hours, Monday to
Sunday, or one day at a time on a phone."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_visit,
)
from tests.treatments.helpers import page_text
from treatments.booking.calendar import booking_url
from treatments.models import ClinicHours, DayOff, VisitType, WorkingHours

pytestmark = pytest.mark.django_db
URL = reverse("treatments:calendar")
MONDAY = TODAY - timedelta(days=1)  # 9 March 2026; the clock says Tuesday 10 March, noon
WEDNESDAY = TODAY + timedelta(days=1)
NEXT_MONDAY = MONDAY + timedelta(days=7)
RE_ASSESSMENT = "Re-assessment"
FOLLOW_UP = "Follow-up without needling"
HOSTILE = ["2024-13-45", "abc", "9" * 10_000, "<script>alert(1)</script>", "-1", "0", "\x00"]
QUARTERS = [f"{h:02}:{m:02}" for h in range(8, 18) for m in (0, 15, 30, 45)]


def day_headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col" class="calendar-day[^"]*"[^>]*>\s*([^<]+?)\s*<', html)


def row_times(html: str) -> list[str]:
    """Every row's time; the quarter past and to the hour are there for screen readers only."""
    return re.findall(
        r'<th scope="row" class="calendar-time">(?:<span class="visually-hidden">)?([\d:]+)<', html
    )


def book_links(html: str, day) -> list[str]:
    return [
        found.replace("%3A", ":")
        for found in re.findall(rf"date={day.isoformat()}(?:&amp;|&)time=([\d%A]+)", html)
    ]


def cell_of(html: str, visit) -> str:
    """The opening tag of the cell a visit fills."""
    at = html.index(f'href="{visit.get_absolute_url()}"')
    return html[html.rindex("<td", 0, at) : html.index(">", html.rindex("<td", 0, at)) + 1]


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


def test_it_shows_this_week_of_the_signed_in_physiotherapist_in_quarter_hours(
    client, physiotherapist
):
    make_physiotherapist(first_name="Aaron", last_name="Adams")  # first in the list
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    assert "<h1>Calendar of Priya Physio</h1>" in html
    assert day_headers(html) == [
        "Mon 9 Mar", "Tue 10 Mar", "Wed 11 Mar", "Thu 12 Mar", "Fri 13 Mar", "Sat 14 Mar",
        "Sun 15 Mar",
    ]  # fmt: skip
    assert "9 March to 15 March 2026" in html
    # The clinic is open 08:00-18:00 (the default hours): a row each quarter hour, the time
    # written on the hour and the half hour.
    assert row_times(html) == QUARTERS
    assert '<th scope="row" class="calendar-time">08:30</th>' in html
    assert '<span class="visually-hidden">08:15</span>' in html


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


# Visits ---------------------------------------------------------------------------------


def test_it_shows_each_visit_at_its_real_length_in_its_types_colour(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    assessment = make_visit(None, WEDNESDAY, time(9), kind=INITIAL_ASSESSMENT,
                            patient=course.patient, physiotherapist=physiotherapist)  # fmt: skip
    re_assessment = make_visit(course, WEDNESDAY, time(11), kind=RE_ASSESSMENT)
    ims = make_visit(course, WEDNESDAY + timedelta(days=7), time(14))
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    hidden = "d-none d-md-table-cell"  # Wednesday, which a phone does not show today
    assert cell_of(html, assessment) == f'<td rowspan="4" class="{hidden} visit-purple">'
    assert cell_of(html, re_assessment) == f'<td rowspan="3" class="{hidden} visit-teal">'
    assert "09:00-10:00 · Initial assessment" in html
    assert "11:00-11:45 · Re-assessment" in html
    # The rows the visits span hold no cell of their own that day: 40 rows, 7 days.
    assert html.count("<td") == 40 * 7 - 3 - 2
    html = page_text(client.get(URL, {"week": "2026-03-18"}))
    assert cell_of(html, ims) == '<td rowspan="2" class=" visit-blue">'
    assert "14:00-14:30 · IMS treatment" in html


def test_it_shows_each_visit_with_its_status_in_words(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    visits = [
        make_visit(course, MONDAY, at=time(9, 0), status="attended"),
        make_visit(course, MONDAY, at=time(10, 0), status="no_show"),
        make_visit(make_course(physiotherapist=physiotherapist), TODAY, at=time(14, 0),
                   status="cancelled", cancellation_reason="Sick"),
        make_visit(make_course(physiotherapist=physiotherapist), TODAY, at=time(14, 0)),
    ]  # fmt: skip
    someone_elses = make_visit(make_course(), TODAY, at=time(15, 0))
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    for visit in visits:
        assert f'href="{visit.get_absolute_url()}">{visit.patient}</a>' in html
    assert someone_elses.get_absolute_url() not in html
    for status in ["Attended", "Booked"]:
        assert f"{status}</span>" in html
    assert "14:00-14:30 · Cancelled</span>" in html and "10:00-10:30 · No-show</span>" in html
    # Nothing clinical: the course's region is not on the calendar.
    assert "Right low back" not in html


def test_cancelled_and_no_show_visits_are_greyed_in_their_start_cell(client, physiotherapist):
    cancelled = make_visit(make_course(physiotherapist=physiotherapist), WEDNESDAY, time(10),
                           kind=INITIAL_ASSESSMENT, status="cancelled")  # fmt: skip
    missed = make_visit(make_course(physiotherapist=physiotherapist), MONDAY, time(9),
                        status="no_show")  # fmt: skip
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    for visit in (cancelled, missed):
        at = html.index(visit.get_absolute_url())
        assert html.rindex('<div class="calendar-visit', 0, at) == html.rindex(
            f'<div class="calendar-visit status-{visit.status} is-muted">', 0, at
        )
        assert 'class="text-break link-secondary"' in html[at - 60 : at]
        # They fill one quarter hour, in no type's colour, and hold no time.
        assert "rowspan" not in cell_of(html, visit) and "visit-" not in cell_of(html, visit)
    assert book_links(html, WEDNESDAY)[8:13] == ["10:00", "10:15", "10:30", "10:45", "11:00"]


def test_it_offers_each_free_quarter_hour_from_now_on(client, physiotherapist):
    make_visit(make_course(physiotherapist=physiotherapist), TODAY, at=time(14, 0),
               duration_minutes=60)  # fmt: skip
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert book_links(html, MONDAY) == []  # yesterday
    # It is noon: 12:15 is the first free time; 14:00-15:00 is taken, and a 30-minute visit
    # (the shortest type) no longer fits at 13:45 or 17:45.
    assert book_links(html, TODAY) == [
        "12:15", "12:30", "12:45", "13:00", "13:15", "13:30", "15:00", "15:15", "15:30",
        "15:45", "16:00", "16:15", "16:30", "16:45", "17:00", "17:15", "17:30",
    ]  # fmt: skip
    assert book_links(html, WEDNESDAY) == QUARTERS[:-1]
    assert book_links(html, TODAY + timedelta(days=4)) == []  # Saturday
    link = booking_url(physiotherapist.pk, WEDNESDAY, time(8, 0)).replace("&", "&amp;")
    spoken = '<span class="visually-hidden"> Wednesday 11 March at</span> 08:00'
    assert f'href="{link}">Book{spoken}' in html


def test_it_offers_a_free_quarter_hour_only_where_the_shortest_offered_type_fits(
    client, physiotherapist
):
    make_visit(make_course(physiotherapist=physiotherapist), WEDNESDAY, at=time(10))
    # Only the 60- and 45-minute types are offered.
    VisitType.objects.filter(length_minutes__lt=45).update(is_active=False)
    client.force_login(physiotherapist)
    links = book_links(client.get(URL).content.decode(), WEDNESDAY)
    # 10:00-10:30 is taken: 45 minutes fit from 09:15, not from 09:30.
    assert links[:7] == ["08:00", "08:15", "08:30", "08:45", "09:00", "09:15", "10:30"]
    assert links[-1] == "17:15"


def test_it_says_when_the_clinic_is_closed_or_the_physiotherapist_away(client, physiotherapist):
    DayOff.objects.create(physiotherapist=physiotherapist, date=WEDNESDAY)
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
    assert book_links(html, WEDNESDAY) == []
    thursday = book_links(html, TODAY + timedelta(days=2))
    assert thursday[0] == "13:00" and thursday[-1] == "16:30" and len(thursday) == 15
    # The days nothing can be booked are shaded; the others are not.
    assert html.count(" is-closed") == 40 * 5


def test_it_widens_the_rows_for_a_visit_outside_the_hours(client, physiotherapist):
    early = make_visit(make_course(physiotherapist=physiotherapist), TODAY, at=time(7, 10))
    make_visit(make_course(physiotherapist=physiotherapist), NEXT_MONDAY, at=time(18, 30),
               kind=RE_ASSESSMENT)  # fmt: skip
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    times = row_times(html)
    assert times[0] == "07:00" and times[-1] == "17:45" and len(times) == 44
    assert cell_of(html, early).startswith('<td rowspan="3"')
    times = row_times(client.get(URL, {"week": NEXT_MONDAY}).content.decode())
    assert times[0] == "08:00" and times[-1] == "19:00"


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


# One day at a time on a phone -----------------------------------------------------------


def shown_columns(html: str) -> list[str]:
    """The day headers a narrow screen shows (the others are hidden below 768 px)."""
    return re.findall(r'<th scope="col" class="calendar-day(?! d-none)[^"]*"[^>]*>\s*([^<]+?)\s*<',
                      html)  # fmt: skip


def test_a_phone_shows_today_by_default(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert shown_columns(html) == ["Tue 10 Mar"]
    assert html.count('<td class="d-none d-md-table-cell') == 6 * 40


def test_a_phone_shows_the_visits_of_the_day_it_shows(client, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(15),
                       kind=INITIAL_ASSESSMENT)  # fmt: skip
    hidden = make_visit(make_course(physiotherapist=physiotherapist), WEDNESDAY, time(15))
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert cell_of(html, visit) == '<td rowspan="4" class=" is-today visit-purple">'
    assert cell_of(html, hidden).startswith('<td rowspan="2" class="d-none d-md-table-cell')


def test_a_phone_shows_the_day_asked_for(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL, {"week": "2026-03-16", "day": "2026-03-19"}).content.decode()
    assert shown_columns(html) == ["Thu 19 Mar"]
    assert 'href="/treatments/calendar/?physiotherapist=' in html
    assert 'day=2026-03-19" aria-current="page">Thu 19</a>' in html


def test_a_phone_shows_monday_of_another_week(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL, {"week": "2026-03-16"}).content.decode()
    assert shown_columns(html) == ["Mon 16 Mar"]


def test_the_day_alone_chooses_its_week(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL, {"day": "2026-03-26"}).content.decode()
    assert day_headers(html)[0] == "Mon 23 Mar"
    assert shown_columns(html) == ["Thu 26 Mar"]


def test_the_week_links_keep_the_day_a_phone_shows(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL, {"day": "2026-03-12"}).content.decode()
    assert "week=2026-03-16&amp;day=2026-03-19" in html  # next week, same weekday
    assert "week=2026-03-02&amp;day=2026-03-05" in html


# Addresses that cannot be read ----------------------------------------------------------


@pytest.mark.parametrize("value", [*HOSTILE, "9999-12-31", "0001-01-01", "1950-01-02"])
@pytest.mark.parametrize("param", ["week", "day"])
def test_it_falls_back_to_this_week_when_the_date_is_wrong(client, physiotherapist, param, value):
    client.force_login(physiotherapist)
    response = client.get(URL, {param: value})
    assert response.status_code == 400
    html = page_text(response)
    assert html.count("Part of this calendar's address could not be read") == 1
    assert ("Give the" in html) or ("Choose a date within 10 years of today." in html)
    assert day_headers(html)[0] == "Mon 9 Mar"
    assert shown_columns(html) == ["Tue 10 Mar"]
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("value", [*HOSTILE, "99999", "9" * 30])
def test_it_falls_back_to_the_usual_physiotherapist_when_the_one_asked_for_is_wrong(
    client, physiotherapist, value
):
    client.force_login(physiotherapist)
    response = client.get(URL, {"physiotherapist": value, "week": "2026-03-16"})
    assert response.status_code == 400
    html = page_text(response)
    assert html.count("Choose a physiotherapist from the list.") == 1
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
    """`how_many` visits of different patients next week, of every status and type."""
    statuses = ["booked", "booked", "attended", "cancelled", "no_show"]
    kinds = ["IMS treatment", INITIAL_ASSESSMENT, RE_ASSESSMENT, FOLLOW_UP]
    for n in range(how_many):
        day, slot = NEXT_MONDAY + timedelta(days=n % 5), n // 5
        course = make_course(make_patient(), physiotherapist)
        make_visit(course, day, at=time(8 + slot // 2, 30 * (slot % 2)), duration_minutes=30,
                   status=statuses[n % len(statuses)], kind=kinds[n % len(kinds)])  # fmt: skip


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
    # Session, user (with roles and two-step device), the open locations, physiotherapists,
    # clinic hours, working hours, days off, the visits that take time, the visits to show with
    # their patients and types, and the shortest type offered.
    with django_assert_num_queries(10):
        response = client.get(URL, {"week": NEXT_MONDAY})
    assert response.content.decode().count('class="calendar-visit') == how_many

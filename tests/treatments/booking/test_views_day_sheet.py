"""The day sheet: every physiotherapist side by side for a day or a week, where the front desk
books from the free time, checks patients in, marks no-shows and sees today's arrivals; one
list per physiotherapist on a phone. (There are no locations yet: it shows every active
physiotherapist.)"""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    make_course,
    make_patient,
    make_physiotherapist,
    make_visit,
)
from tests.treatments.helpers import page_text
from treatments.booking import services
from treatments.booking.calendar import booking_url
from treatments.models import DayOff, Visit

pytestmark = pytest.mark.django_db
URL = reverse("treatments:day-sheet")
MONDAY = TODAY - timedelta(days=1)  # the clock says Tuesday 10 March 2026, noon
NEXT_MONDAY = MONDAY + timedelta(days=7)
HOSTILE = ["2024-13-45", "abc", "9" * 10_000, "<script>alert(1)</script>", "-1", "\x00",
           "9999-12-31", "0001-01-01"]  # fmt: skip


def person_headers(html: str) -> list[str]:
    """The names heading the grid's columns."""
    return re.findall(r'class="calendar-day day-sheet-person[^"]*">\s*([^<]+?)\s*<', html)


def grid(html: str) -> str:
    return html[html.index('<table class="table table-bordered calendar day-sheet') :]


def lists(html: str) -> str:
    return html[html.index('<div class="d-md-none day-sheet-lists">') :]


def cell_of(html: str, visit) -> str:
    """The opening tag of the grid cell a visit fills."""
    html = grid(html)
    at = html.index(f'href="{visit.get_absolute_url()}"')
    start = html.rindex("<td", 0, at)
    return html[start : html.index(">", start) + 1]


def check_in_url(visit) -> str:
    return reverse("treatments:day-sheet-check-in", args=[visit.pk])


def no_show_url(visit) -> str:
    return reverse("treatments:day-sheet-no-show", args=[visit.pk])


@pytest.fixture
def omar(db):
    return make_physiotherapist(username="omar", first_name="Omar", last_name="Osei")


# Who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_shows_the_day_sheet_to_staff_who_book(client, request, physiotherapist, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(URL)
    assert response.status_code == 200
    assert "<h1>Day sheet</h1>" in page_text(response)


def test_it_sends_a_visitor_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_it_refuses_staff_who_do_not_book(client, request, physiotherapist, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(URL).status_code == 403
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(14))
    assert client.post(check_in_url(visit)).status_code == 403
    assert client.post(no_show_url(visit)).status_code == 403
    visit.refresh_from_db()
    assert visit.checked_in_at is None and visit.status == "booked"


def test_the_front_desk_lands_on_it_after_signing_in(client, front_desk):
    client.force_login(front_desk)
    response = client.get(reverse("staff-home"), follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "<h1>Day sheet</h1>" in page_text(response)


# The day ---------------------------------------------------------------------------------


def test_it_shows_every_physiotherapist_side_by_side_today(
    client, front_desk, physiotherapist, omar
):
    client.force_login(front_desk)
    html = page_text(client.get(URL))
    assert person_headers(grid(html)) == ["Omar Osei", "Priya Physio"]
    assert "Tuesday 10 March 2026" in html
    # The clinic is open 08:00-18:00: 40 quarter hours, one cell each per physiotherapist.
    assert grid(html).count("<td") == 40 * 2


def test_it_shows_each_visit_at_its_real_length_in_its_types_colour(
    client, front_desk, physiotherapist, omar
):
    assessment = make_visit(None, TODAY, time(14), kind=INITIAL_ASSESSMENT,
                            patient=make_patient(), physiotherapist=omar)  # fmt: skip
    ims = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(15))
    client.force_login(front_desk)
    html = page_text(client.get(URL))
    assert cell_of(html, assessment) == '<td rowspan="4" class=" visit-purple">'
    assert cell_of(html, ims) == '<td rowspan="2" class=" visit-blue">'
    assert "14:00-15:00 · Initial assessment" in html
    assert "15:00-15:30 · IMS treatment" in html
    # Omar's column: his visit is in the row of 14:00, before Priya's free quarter hour then.
    row = grid(html)[grid(html).index(">14:00<") :]
    row = row[: row.index("</tr>")]
    assert row.index(str(assessment.patient)) < row.index(
        booking_url(physiotherapist.pk, TODAY, time(14))
    )


def test_each_free_quarter_hour_from_now_on_links_to_the_booking_page(
    client, front_desk, physiotherapist, omar
):
    make_visit(make_course(physiotherapist=omar), TODAY, time(13))
    client.force_login(front_desk)
    html = page_text(client.get(URL))
    for person in (physiotherapist, omar):
        assert booking_url(person.pk, TODAY, time(16, 15)) in grid(html)
    # A phone's list links each stretch of free time from its first quarter hour.
    assert booking_url(physiotherapist.pk, TODAY, time(12, 15)) in lists(html)
    assert booking_url(omar.pk, TODAY, time(13, 30)) in lists(html)
    assert "Free 12:15-13:00" in lists(html) and "Free 13:30-18:00" in lists(html)
    # Noon has passed; Omar is busy at 13:00.
    assert booking_url(physiotherapist.pk, TODAY, time(11, 45)) not in html
    assert booking_url(omar.pk, TODAY, time(13)) not in html
    assert booking_url(physiotherapist.pk, TODAY, time(13)) in html


def test_it_says_when_a_physiotherapist_is_away(client, front_desk, physiotherapist, omar):
    DayOff.objects.create(physiotherapist=omar, date=TODAY)
    client.force_login(front_desk)
    html = page_text(client.get(URL))
    assert "Day off" in grid(html) and "Day off" in lists(html)
    assert f"physiotherapist={omar.pk}" not in html


def test_it_shows_another_day_and_its_neighbours(client, front_desk, physiotherapist):
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"date": "2026-03-12"}))
    assert "Thursday 12 March 2026" in html
    assert f'href="{URL}?date=2026-03-11" rel="prev"' in html
    assert f'href="{URL}?date=2026-03-13" rel="next"' in html
    assert "Today's arrivals" not in html


def test_it_shows_only_active_physiotherapists(client, front_desk, physiotherapist, omar, outsider):
    omar.is_active = False
    omar.save()
    client.force_login(front_desk)
    assert person_headers(grid(page_text(client.get(URL)))) == ["Priya Physio"]


def test_it_says_when_there_is_no_physiotherapist(client, front_desk):
    client.force_login(front_desk)
    response = client.get(URL)
    assert response.status_code == 200
    assert "There is no physiotherapist to show yet." in page_text(response)


# The week --------------------------------------------------------------------------------


def test_the_week_shows_each_day_with_every_physiotherapist(
    client, front_desk, physiotherapist, omar
):
    wednesday = make_visit(make_course(physiotherapist=omar), TODAY + timedelta(days=1), time(9))
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"date": "2026-03-11", "view": "week"}))
    assert "9 March to 15 March 2026" in html
    assert html.count('scope="colgroup" colspan="2"') == 7
    assert person_headers(grid(html)) == ["Omar Osei", "Priya Physio"] * 7
    assert grid(html).count('aria-current="date"') == 1
    assert cell_of(html, wednesday) == '<td rowspan="2" class=" visit-blue">'
    assert f'href="{URL}?date=2026-03-04&view=week" rel="prev"' in html
    # On a phone: each physiotherapist's list, day by day.
    assert lists(html).count("<h3") == 7 * 2


# On a phone ------------------------------------------------------------------------------


def test_a_phone_gets_one_list_per_physiotherapist_in_time_order(
    client, front_desk, physiotherapist, omar
):
    course = make_course(physiotherapist=physiotherapist)
    later = make_visit(course, TODAY, time(16))
    earlier = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(13))
    cancelled = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(14),
                           status="cancelled")  # fmt: skip
    client.force_login(front_desk)
    html = lists(page_text(client.get(URL)))
    names = re.findall(r'<h2 class="h5 day-sheet-list-name"[^>]*>([^<]+)</h2>', html)
    assert names == ["Omar Osei", "Priya Physio"]
    priya = html[html.index("Priya Physio</h2>") :]
    order = [priya.index(v.get_absolute_url()) for v in (earlier, cancelled, later)]
    assert order == sorted(order)
    assert "Free 13:30-16:00" in priya and "Free 16:30-18:00" in priya
    assert "14:00-14:30 · Cancelled" in priya


# Bad addresses -------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("param", ["date", "view"])
def test_it_shows_today_when_the_address_cannot_be_read(
    client, front_desk, physiotherapist, param, value
):
    client.force_login(front_desk)
    response = client.get(URL, {param: value})
    assert response.status_code == 400
    html = page_text(response)
    assert "Part of this page's address could not be read" in html
    assert any(
        message in html
        for message in ["Give the date as a date", "Choose a date within 10 years of today.",
                        "Choose to show the day or the week."]
    )  # fmt: skip
    assert "Tuesday 10 March 2026" in html
    assert "<script>alert" not in response.content.decode()


def test_empty_parameters_mean_today(client, front_desk, physiotherapist):
    client.force_login(front_desk)
    response = client.get(URL, {"date": "", "view": ""})
    assert response.status_code == 200
    assert "Tuesday 10 March 2026" in page_text(response)


@pytest.mark.parametrize("name", ["treatments:day-sheet-check-in", "treatments:day-sheet-no-show"])
def test_a_visit_that_does_not_exist_is_not_found(client, front_desk, name):
    client.force_login(front_desk)
    assert client.post(reverse(name, args=[999_999])).status_code == 404


# Checking in -----------------------------------------------------------------------------


def test_the_front_desk_checks_a_patient_in_and_sees_them_among_todays_arrivals(
    client, front_desk, physiotherapist
):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(12, 30))
    client.force_login(front_desk)
    html = page_text(client.get(URL))
    assert "No one has checked in yet today." in html
    assert html.count(f'action="{check_in_url(visit)}"') == 2  # on the grid and in the list
    response = client.post(check_in_url(visit), {"view": "day"}, follow=True)
    assert response.redirect_chain == [(f"{URL}?date=2026-03-10", 302)]
    html = page_text(response)
    assert f"{visit.patient} checked in at 12:00." in html
    visit.refresh_from_db()
    assert visit.status == "booked" and visit.checked_in_at is not None
    arrivals = html[html.index("Today's arrivals") :]
    arrivals = arrivals[: arrivals.index("</section>")]
    assert "<td>12:00</td>" in arrivals and str(visit.patient) in arrivals
    assert "Priya Physio" in arrivals
    assert "Checked in 12:00" in html
    assert f'action="{check_in_url(visit)}"' not in html
    assert visit.history.first().history_change_reason == "Checked in"


def test_checking_in_from_the_week_goes_back_to_the_week(client, front_desk, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(14))
    client.force_login(front_desk)
    response = client.post(check_in_url(visit), {"view": "week"})
    assert response["Location"] == f"{URL}?date=2026-03-10&view=week"


def test_a_patient_checked_in_is_not_offered_a_no_show(client, front_desk, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(11))
    client.force_login(front_desk)
    assert no_show_url(visit) in page_text(client.get(URL))
    client.post(check_in_url(visit))
    assert no_show_url(visit) not in page_text(client.get(URL))
    # Posted all the same: the rule holds, and says why.
    response = client.post(no_show_url(visit), follow=True)
    assert "The patient has checked in for this visit" in page_text(response)
    visit.refresh_from_db()
    assert visit.status == "booked"


@pytest.mark.parametrize(
    "day, status, message",
    [
        (TODAY + timedelta(days=1), "booked", "A patient is checked in on the day of their visit"),
        (TODAY - timedelta(days=1), "booked", "A patient is checked in on the day of their visit"),
        (TODAY, "cancelled", "Only a booked visit can be checked in."),
        (TODAY, "no_show", "Only a booked visit can be checked in."),
        (TODAY, "attended", "Only a booked visit can be checked in."),
    ],
)
def test_only_a_booked_visit_on_its_day_is_checked_in(
    client, front_desk, physiotherapist, day, status, message
):
    visit = make_visit(make_course(physiotherapist=physiotherapist), day, time(10), status=status)
    client.force_login(front_desk)
    response = client.post(check_in_url(visit), follow=True)
    assert message in page_text(response)
    visit.refresh_from_db()
    assert visit.checked_in_at is None and visit.status == status


def test_a_patient_is_checked_in_once(client, front_desk, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(14))
    services.check_in(visit)
    client.force_login(front_desk)
    response = client.post(check_in_url(visit), follow=True)
    assert f"{visit.patient} checked in at 12:00 already." in page_text(response)


def test_the_visit_page_says_when_the_patient_checked_in(client, front_desk, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(14))
    client.force_login(front_desk)
    assert "Checked in" not in page_text(client.get(visit.get_absolute_url()))
    services.check_in(visit)
    text = page_text(client.get(visit.get_absolute_url()))
    assert re.search(r"<dt[^>]*>Checked in</dt><dd[^>]*>12:00</dd>", text)


def test_checking_in_takes_a_post(client, front_desk, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(14))
    client.force_login(front_desk)
    assert client.get(check_in_url(visit)).status_code == 405
    visit.refresh_from_db()
    assert visit.checked_in_at is None


# No-shows -------------------------------------------------------------------------------


def test_the_front_desk_marks_a_no_show_after_confirming(client, front_desk, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(10))
    ahead = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(15))
    client.force_login(front_desk)
    html = page_text(client.get(URL))
    assert html.count(f'href="{no_show_url(visit)}"') == 2
    assert no_show_url(ahead) not in html  # it has not begun
    confirm = page_text(client.get(no_show_url(visit)))
    assert f"Did {visit.patient} miss the visit?" in confirm
    assert f'href="{URL}?date=2026-03-10">No, back to the day sheet' in confirm
    visit.refresh_from_db()
    assert visit.status == "booked"
    response = client.post(no_show_url(visit), follow=True)
    assert response.redirect_chain == [(f"{URL}?date=2026-03-10", 302)]
    assert f"{visit.patient} marked as a no-show." in page_text(response)
    visit.refresh_from_db()
    assert visit.status == "no_show"


def test_a_visit_not_begun_is_not_marked_a_no_show(client, front_desk, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(15))
    client.force_login(front_desk)
    response = client.post(no_show_url(visit), follow=True)
    assert "A visit is marked attended or missed only once it has started." in page_text(response)
    visit.refresh_from_db()
    assert visit.status == "booked"


# A fixed number of queries --------------------------------------------------------------


def fill_the_week(physiotherapists: list, how_many: int) -> None:
    """`how_many` visits for each physiotherapist this week, of every status and type."""
    statuses = ["booked", "booked", "attended", "cancelled", "no_show"]
    kinds = ["IMS treatment", INITIAL_ASSESSMENT, "Re-assessment", "Follow-up without needling"]
    for person in physiotherapists:
        for n in range(how_many):
            day, slot = MONDAY + timedelta(days=n % 5), n // 5
            course = make_course(make_patient(), person)
            status = statuses[n % len(statuses)]
            if day > TODAY and status in ("attended", "no_show"):
                status = "booked"
            at = time(8 + slot // 2, 30 * (slot % 2))
            kind = kinds[n % len(kinds)]
            visit = make_visit(course, day, at, duration_minutes=30, status=status, kind=kind)
            if day == TODAY and status == "booked" and n % 2:
                Visit.objects.filter(pk=visit.pk).update(checked_in_at=visit.starts_at)


@pytest.mark.parametrize("view", ["day", "week"])
@pytest.mark.parametrize("people, how_many", [(1, 2), (4, 20)])
def test_it_runs_the_same_queries_however_many_physiotherapists_and_visits(
    client, front_desk, django_assert_num_queries, view, people, how_many
):
    physiotherapists = [make_physiotherapist() for _ in range(people)]
    fill_the_week(physiotherapists, how_many)
    DayOff.objects.create(physiotherapist=physiotherapists[0], date=TODAY + timedelta(days=2))
    client.force_login(front_desk)
    # Session, user (with roles), the open locations, physiotherapists, clinic hours, working
    # hours, days off, the visits with their patients, types and physiotherapists, the
    # shortest type offered, and the count of new patients' requests waiting (one more since
    # the sheet links to them).
    with django_assert_num_queries(10):
        response = client.get(URL, {"date": TODAY, "view": view})
    shown = Visit.objects.all() if view == "week" else Visit.objects.filter(date=TODAY)
    visits = shown.count()
    assert visits >= people
    # Each visit once on the grid and once in the lists.
    assert response.content.decode().count('<div class="calendar-visit') == 2 * visits

"""A weekly series' results page: what became of each week, kept in the database for the staff
member who booked it until they are done with it, and the times offered for the weeks that
could not be booked."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_course, make_front_desk, make_patient, make_visit
from tests.treatments.booking.test_views_book import booking, messages_of
from tests.treatments.helpers import page_text
from treatments.models import BookingSeries, Visit

pytestmark = pytest.mark.django_db
BOOK = reverse("treatments:book")
MONDAY = date(2026, 3, 16)  # next Monday; the clock says Tuesday 10 March, noon
WEEK_4 = MONDAY + timedelta(weeks=3)  # Monday 6 April 2026
HUGE = "9" * 10_000
OPEN_SERIES = "Weekly series you have not finished with:"


@pytest.fixture
def course(physiotherapist):
    patient = make_patient(legal_first_name="Marguerite", legal_last_name="Okafor")
    return make_course(patient, physiotherapist, started_on=date(2026, 2, 2))


def url(name: str, series: BookingSeries) -> str:
    return reverse(f"treatments:{name}", args=[series.pk])


def series_with_a_clash(client, course):
    """Book 6 weeks at 10:00 while the physiotherapist is busy at 10:00 in week 4."""
    make_visit(make_course(physiotherapist=course.physiotherapist), WEEK_4, time(10))
    response = client.post(BOOK, booking(course, weeks="6"), follow=True)
    return BookingSeries.objects.get(), response


def booked_in(course) -> int:
    return Visit.objects.filter(course=course).count()


# The outcome ----------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_books_a_weekly_series_and_shows_each_week(client, request, course, person):
    client.force_login(request.getfixturevalue(person))
    response = client.post(BOOK, booking(course, weeks="4"), follow=True)
    series = BookingSeries.objects.get()
    assert response.redirect_chain == [(url("series-results", series), 302)]
    visits = list(Visit.objects.order_by("date"))
    assert [v.date for v in visits] == [MONDAY + timedelta(weeks=n) for n in range(4)]
    html = page_text(response)
    assert html.count("<h1") == 1
    assert "<h1>Weekly series for Marguerite Okafor</h1>" in html
    assert "4 of 4 weeks booked with Priya Physio: IMS treatment." in html
    for visit in visits:
        assert f'href="{visit.get_absolute_url()}">Booked: {visit.date:%A} ' in html
    assert "Accept" not in html
    # Every week booked: nothing is left to deal with.
    assert series.handled_at is not None
    assert "I am done with this series" not in html


def test_it_shows_the_week_that_clashes_with_the_time_offered(client, front_desk, course):
    client.force_login(front_desk)
    series, response = series_with_a_clash(client, course)
    html = page_text(response)
    assert "5 of 6 weeks booked with Priya Physio: IMS treatment." in html
    assert html.count(
        "Not booked</span> Priya Physio already has a visit on Monday 6 April 2026 from 10:00 "
        "to 10:30."
    ) == 1  # fmt: skip
    assert 'Accept Monday 6 April 2026 at 09:30<span class="visually-hidden"> for week 4' in html
    assert "I am done with this series" in html
    assert booked_in(course) == 5 and series.handled_at is None


def test_a_series_is_kept_after_signing_out_and_in_again(client, front_desk, course):
    """Fault 6: the results lived in the signed-in session, and were lost with it."""
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    client.post(reverse("logout"))
    assert client.get(url("series-results", series)).status_code == 302  # signed out
    signed_in = client.post(reverse("login"), {"username": "fran", "password": PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session

    response = client.get(url("series-results", series))
    assert response.status_code == 200
    html = page_text(response)
    assert "5 of 6 weeks booked with Priya Physio" in html
    assert "Accept Monday 6 April 2026 at 09:30" in html
    # And it is listed on the booking page, where it is found again.
    booking_page = page_text(client.get(BOOK))
    assert OPEN_SERIES in booking_page
    assert (
        f'<a class="alert-link" href="{url("series-results", series)}">Marguerite Okafor, booked '
        in booking_page
    )

    response = client.post(url("series-accept", series), {"week": "4"}, follow=True)
    assert booked_in(course) == 6
    assert "6 of 6 weeks booked" in page_text(response)


def test_a_series_is_listed_on_the_booking_page_until_it_is_finished(client, front_desk, course):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    html = page_text(client.get(BOOK))
    assert html.count(OPEN_SERIES) == 1
    assert html.count(url("series-results", series)) == 1

    response = client.post(url("series-finish", series), follow=True)
    calendar = reverse("treatments:calendar")
    physiotherapist = course.physiotherapist_id
    assert response.redirect_chain == [
        (f"{calendar}?physiotherapist={physiotherapist}&week=2026-03-10", 302)
    ]
    assert messages_of(response) == ["The series for Marguerite Okafor is finished."]
    assert OPEN_SERIES not in page_text(client.get(BOOK))
    # Its page stays, as a record, with nothing more to accept.
    html = page_text(client.get(url("series-results", series)))
    assert "This series is finished with." in html
    assert "Accept" not in html and "I am done with this series" not in html
    response = client.post(url("series-accept", series), {"week": "4"}, follow=True)
    assert messages_of(response) == [
        "Week 4 was not booked: There is no time to accept for that week."
    ]
    assert booked_in(course) == 5


def test_finishing_twice_changes_nothing(client, front_desk, course):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    client.post(url("series-finish", series))
    finished = BookingSeries.objects.get().handled_at
    client.post(url("series-finish", series))
    assert BookingSeries.objects.get().handled_at == finished


def test_the_booking_page_lists_only_ones_own_open_series(client, front_desk, course):
    client.force_login(front_desk)
    series_with_a_clash(client, course)
    client.force_login(make_front_desk())
    assert OPEN_SERIES not in page_text(client.get(BOOK))


# Accepting the time offered -------------------------------------------------------------


def test_accepting_the_time_offered_books_it_and_returns_to_the_series(client, front_desk, course):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    results = url("series-results", series)
    response = client.post(url("series-accept", series), {"week": "4"}, follow=True)
    assert response.redirect_chain == [(results, 302)]
    accepted = Visit.objects.get(course=course, date=WEEK_4)
    assert accepted.start_time == time(9, 30)
    assert messages_of(response) == [f"Visit booked: {accepted}."]
    html = page_text(response)
    assert f'href="{accepted.get_absolute_url()}">Booked: Monday 6 April 2026 at 09:30' in html
    assert "6 of 6 weeks booked" in html
    assert "Accept" not in html
    # Every week is booked now: it is no longer open.
    assert BookingSeries.objects.get().handled_at is not None
    assert OPEN_SERIES not in page_text(client.get(BOOK))

    # Accepting again books nothing more.
    response = client.post(url("series-accept", series), {"week": "4"}, follow=True)
    assert messages_of(response) == [
        "Week 4 was not booked: There is no time to accept for that week."
    ]
    assert booked_in(course) == 6


def test_it_offers_another_time_when_the_one_offered_was_taken_meanwhile(
    client, front_desk, course
):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    make_visit(make_course(physiotherapist=course.physiotherapist), WEEK_4, at=time(9, 30))
    response = client.post(url("series-accept", series), {"week": "4"}, follow=True)
    [message] = messages_of(response)
    assert message.startswith(
        "Week 4 was not booked: Priya Physio already has a visit on Monday 6 April 2026 from "
        "09:30 to 10:00."
    )
    assert booked_in(course) == 5
    html = page_text(response)
    assert "Accept Monday 6 April 2026 at 09:00" in html
    assert "Accept Monday 6 April 2026 at 09:30" not in html
    # The new time is kept too.
    client.post(reverse("logout"))
    client.force_login(front_desk)
    assert "Accept Monday 6 April 2026 at 09:00" in page_text(
        client.get(url("series-results", series))
    )


@pytest.mark.parametrize(
    "week", ["1", "0", "7", "-1", "", "abc", HUGE, "9" * 30, "<script>", "²", "4\x00"]
)
def test_it_accepts_nothing_for_a_week_without_a_time_offered(client, front_desk, course, week):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    response = client.post(url("series-accept", series), {"week": week}, follow=True)
    assert response.redirect_chain == [(url("series-results", series), 302)]
    [message] = messages_of(response)
    assert message.startswith("Week ")
    assert message.endswith(" was not booked: There is no time to accept for that week.")
    assert "<script>" not in response.content.decode()
    assert booked_in(course) == 5


def test_accepting_and_finishing_need_a_post(client, front_desk, course):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    assert client.get(url("series-accept", series)).status_code == 405
    assert client.get(url("series-finish", series)).status_code == 405
    assert booked_in(course) == 5
    assert BookingSeries.objects.get().handled_at is None


def test_accepting_warns_when_the_physiotherapists_authorization_will_have_expired(
    client, front_desk, course
):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    course.physiotherapist.physiotherapist_profile.authorization_expires = MONDAY
    course.physiotherapist.physiotherapist_profile.save()
    response = client.post(url("series-accept", series), {"week": "4"}, follow=True)
    assert messages_of(response)[1] == (
        "Priya Physio's needling authorization will have expired by Monday 6 April 2026. "
        "Renew it before this IMS treatment, or it cannot be charted."
    )


def test_booking_a_series_warns_when_the_authorization_will_have_expired(
    client, front_desk, course
):
    profile = course.physiotherapist.physiotherapist_profile
    profile.authorization_expires = MONDAY + timedelta(weeks=2)
    profile.save()
    client.force_login(front_desk)
    response = client.post(BOOK, booking(course, weeks="4"), follow=True)
    assert booked_in(course) == 4
    # Once, for the first week it will have expired by.
    assert messages_of(response) == [
        "Priya Physio's needling authorization will have expired by Monday 6 April 2026. "
        "Renew it before this IMS treatment, or it cannot be charted."
    ]


# Only for whoever booked it -------------------------------------------------------------


@pytest.mark.parametrize("someone", ["physiotherapist", "another_front_desk"])
def test_a_series_is_not_found_by_anyone_else(client, request, front_desk, course, someone):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    other = make_front_desk() if someone == "another_front_desk" else course.physiotherapist
    client.force_login(other)
    assert client.get(url("series-results", series)).status_code == 404
    assert client.post(url("series-accept", series), {"week": "4"}).status_code == 404
    assert client.post(url("series-finish", series)).status_code == 404
    assert OPEN_SERIES not in page_text(client.get(BOOK))
    assert booked_in(course) == 5
    assert BookingSeries.objects.get().handled_at is None


@pytest.mark.parametrize("pk", ["99999", "99999999999999999999", "0"])
def test_a_series_that_does_not_exist_is_not_found(client, front_desk, pk):
    client.force_login(front_desk)
    for page in ("", "accept/", "finish/"):
        target = f"/treatments/book/series/{pk}/{page}"
        response = client.post(target) if page else client.get(target)
        assert response.status_code == 404


@pytest.mark.parametrize("pk", ["abc", "-1", "%3Cscript%3E", "1.5"])
def test_an_address_that_is_no_series_is_not_found(client, front_desk, pk):
    client.force_login(front_desk)
    assert client.get(f"/treatments/book/series/{pk}/").status_code == 404


def test_the_series_pages_send_visitors_to_sign_in(client, front_desk, course):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    client.logout()
    for response in [
        client.get(url("series-results", series)),
        client.post(url("series-accept", series), {"week": "4"}),
        client.post(url("series-finish", series)),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert booked_in(course) == 5


@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_the_series_pages_refuse_staff_who_do_not_book(client, request, front_desk, course, person):
    client.force_login(front_desk)
    series, _ = series_with_a_clash(client, course)
    client.force_login(request.getfixturevalue(person))
    assert client.get(url("series-results", series)).status_code == 403
    assert client.post(url("series-accept", series), {"week": "4"}).status_code == 403
    assert client.post(url("series-finish", series)).status_code == 403
    assert booked_in(course) == 5
    assert BookingSeries.objects.get().handled_at is None


# A fixed number of queries --------------------------------------------------------------


@pytest.mark.parametrize("weeks", [2, 12])
def test_the_results_page_takes_the_same_queries_however_many_weeks(
    client, front_desk, course, django_assert_num_queries, weeks
):
    course.expected_length = "extended"
    course.save()
    client.force_login(front_desk)
    client.post(BOOK, booking(course, weeks=str(weeks)))
    series = BookingSeries.objects.get()
    # Session, user, the series with its patient, physiotherapist and type, its visits.
    with django_assert_num_queries(4):
        response = client.get(url("series-results", series))
    assert response.content.decode().count(">Booked: ") == weeks


@pytest.mark.parametrize("size", [1, 20])
def test_booking_a_series_takes_the_same_queries_however_long_the_records(
    client, front_desk, course, django_assert_num_queries, size
):
    """The patient and the physiotherapist have `size` visits of record already."""
    for week in range(1, size + 1):
        make_visit(course, MONDAY - timedelta(weeks=week), status="attended")
        make_visit(make_course(make_patient(), course.physiotherapist), MONDAY,
                   at=time(8 + week // 3, week % 3 * 20), duration_minutes=10)  # fmt: skip
    client.force_login(front_desk)
    data = booking(course, start_time="17:00", weeks="12")
    # Session, user, what was posted (patient, course, type, physiotherapist); the series'
    # savepoint; for each week the 12 queries of one booking (test_views_book.py); the series
    # saved, the savepoint released; its visits and the authorization read for a warning.
    with django_assert_num_queries(6 + 1 + 12 * 12 + 2 + 2):
        client.post(BOOK, data)
    assert Visit.objects.filter(course=course, status="booked").count() == 12

"""Booking, showing, moving, cancelling and restoring sessions, and marking them attended or
missed."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    make_course,
    make_front_desk,
    make_physiotherapist,
    make_session,
    ready_for_needling,
)
from tests.treatments.conftest import TODAY
from tests.treatments.helpers import chart_session, page_text
from treatments.models import Session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
NEXT_WEEK = TODAY + timedelta(days=7)
BOOKING = {"date": str(NEXT_WEEK), "start_time": "14:30", "duration_minutes": "30"}


def book_url(course) -> str:
    return reverse("treatments:session-create", args=[course.pk])


def url(name: str, session) -> str:
    return reverse(f"treatments:{name}", args=[session.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Booking --------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physio", "front_desk"])
def test_it_books_a_session_for_staff_who_book(client, request, physio, person):
    course = make_course(practitioner=physio)
    client.force_login(request.getfixturevalue(person))
    form = client.get(book_url(course))
    assert form.status_code == 200
    html = form.content.decode()
    assert html.count("<h1") == 1
    assert 'type="date"' in html and 'type="time"' in html
    assert 'name="duration_minutes" value="30"' in html
    assert f'<option value="{physio.pk}" selected>Priya Physio</option>' in html
    response = client.post(book_url(course), {**BOOKING, "practitioner": physio.pk}, follow=True)
    session = Session.objects.get()
    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert (session.date, session.start_time, session.status) == (NEXT_WEEK, time(14, 30), "booked")
    assert (session.patient, session.practitioner) == (course.patient, physio)
    assert messages_of(response) == [f"Session booked: {session}."]


def test_it_refuses_a_second_session_six_days_after_the_first(client, physio, front_desk):
    course = make_course(practitioner=physio)
    first = make_session(course, NEXT_WEEK, at=time(9, 0))
    client.force_login(front_desk)
    six_days_later = str(NEXT_WEEK + timedelta(days=6))
    data = {**BOOKING, "date": six_days_later, "practitioner": physio.pk}
    response = client.post(book_url(course), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "IMS is given at most once a week." in text
    assert (
        f"{course.patient} already has a session booked on Tuesday 17 March 2026 at 09:00" in text
    )
    assert "(6 days apart)" in text
    assert "The nearest allowed dates are Tuesday 10 March 2026 or earlier" in text
    assert "and Tuesday 24 March 2026 or later." in text
    assert list(Session.objects.all()) == [first]


def test_it_books_a_session_a_week_after_the_last(client, physio):
    course = make_course(practitioner=physio)
    make_session(course, TODAY, at=time(9, 0))
    client.force_login(physio)
    client.post(book_url(course), {**BOOKING, "practitioner": physio.pk})
    assert Session.objects.count() == 2


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"date": "2026-03-09"}, "This date has passed: choose today or a later date."),
        ({"date": "2026-03-10", "start_time": "11:59"}, "This time has passed"),
        ({"date": "2024-02-30"}, "Enter a valid date."),
        ({"date": ""}, "This field is required."),
        ({"date": "next tuesday"}, "Enter a valid date."),
        ({"date": "2" * 10_000}, "Enter a valid date."),
        ({"start_time": "25:99"}, "Enter a valid time."),
        ({"start_time": "<script>alert(1)</script>"}, "Enter a valid time."),
        ({"duration_minutes": "0"}, "A session lasts from 5 to 240 minutes."),
        ({"duration_minutes": "241"}, "A session lasts from 5 to 240 minutes."),
        ({"duration_minutes": "half an hour"}, "Enter a whole number."),
        ({"practitioner": "999999"}, "Select a valid choice."),
        ({"practitioner": ""}, "This field is required."),
    ],
)
def test_it_explains_bad_booking_input_and_books_nothing(client, physio, changes, message):
    course = make_course(practitioner=physio)
    client.force_login(physio)
    response = client.post(book_url(course), {**BOOKING, "practitioner": physio.pk, **changes})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html
    assert not Session.objects.exists()


def test_it_refuses_front_desk_staff_as_the_sessions_physiotherapist(client, physio, front_desk):
    client.force_login(front_desk)
    data = {**BOOKING, "practitioner": front_desk.pk}
    response = client.post(book_url(make_course(practitioner=physio)), data)
    assert "Select a valid choice" in response.content.decode()
    assert not Session.objects.exists()


def test_it_refuses_to_book_in_an_ended_course_or_for_an_archived_patient(client, physio):
    ended = make_course(practitioner=physio, status="completed", ended_on=TODAY)
    archived = make_course(practitioner=physio)
    archived.patient.archive()
    client.force_login(physio)
    data = {**BOOKING, "practitioner": physio.pk}
    ended_page = client.post(book_url(ended), data).content.decode()
    assert "This course has ended. Open a new course to book more sessions." in ended_page
    archived_page = page_text(client.post(book_url(archived), data))
    assert "This patient's record is archived. Restore it before booking." in archived_page
    assert not Session.objects.exists()


def test_booking_sends_visitors_to_sign_in(client):
    target = book_url(make_course())
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"


@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_booking_refuses_staff_who_do_not_book(client, request, physio, person):
    client.force_login(request.getfixturevalue(person))
    course = make_course(practitioner=physio)
    assert client.get(book_url(course)).status_code == 403
    assert client.post(book_url(course), {**BOOKING, "practitioner": physio.pk}).status_code == 403
    assert not Session.objects.exists()


def test_booking_gives_404_for_a_course_that_does_not_exist(client, front_desk):
    client.force_login(front_desk)
    assert client.get(reverse("treatments:session-create", args=[999_999])).status_code == 404


# The session page -----------------------------------------------------------------------

CLINICAL_WORDS = [
    "Secret clinical note",
    "Muscle 1",
    "Pain before",
    "Session note",
    "Needled sites",
    "Versions of the chart",
    "Lying face down",
    "Consent",
    "Right low back",
]


def charted_session(physio, *, sites: int = 1):
    course = ready_for_needling(practitioner=physio)
    session = make_session(course, TODAY - timedelta(days=1), status="attended")
    chart_session(session, physio, sites=sites, note="Secret clinical note")
    return session


def test_the_physiotherapist_sees_the_booking_and_the_chart(client, physio):
    session = charted_session(physio, sites=2)
    client.force_login(physio)
    response = client.get(url("session-detail", session))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count("<h1") == 1
    for words in CLINICAL_WORDS:
        assert words in html
    assert "Muscle 2" in html
    assert "Confirmed by the patient" in html
    assert "Priya Physio" in html
    assert "Amend the chart" in html


def test_the_front_desk_sees_the_booking_but_none_of_the_chart(client, physio, front_desk):
    session = charted_session(physio, sites=2)
    client.force_login(front_desk)
    response = client.get(url("session-detail", session))
    assert response.status_code == 200
    html = page_text(response)
    assert str(session.patient) in html
    assert "Monday 9 March 2026" in html and "10:00" in html
    assert "Priya Physio" in html and "Attended" in html
    for words in CLINICAL_WORDS:
        assert words not in html
    assert url("session-chart", session) not in html
    assert "chart" not in response.context


def test_it_shows_the_reason_a_session_was_cancelled(client, physio, front_desk):
    course = make_course(practitioner=physio)
    session = make_session(
        course, NEXT_WEEK, status="cancelled", cancellation_reason="<b>Snowed in</b>"
    )
    client.force_login(front_desk)
    html = client.get(url("session-detail", session)).content.decode()
    assert "&lt;b&gt;Snowed in&lt;/b&gt;" in html
    assert url("session-restore", session) in html
    assert url("session-move", session) not in html


@pytest.mark.parametrize(
    "status,shown,hidden",
    [
        (
            "booked",
            ["session-move", "session-cancel", "session-attended", "session-no-show"],
            ["session-restore"],
        ),
        ("attended", [], ["session-move", "session-cancel", "session-attended", "session-restore"]),
        ("no_show", [], ["session-move", "session-attended", "session-restore"]),
    ],
)
def test_it_offers_the_actions_that_fit_the_status(client, physio, status, shown, hidden):
    session = make_session(make_course(practitioner=physio), TODAY, status=status)
    client.force_login(physio)
    html = client.get(url("session-detail", session)).content.decode()
    for name in shown:
        assert url(name, session) in html
    for name in hidden:
        assert url(name, session) not in html


@pytest.mark.parametrize("sites", [1, 6])
def test_the_session_page_takes_the_same_queries_however_big_the_chart(
    client, physio, front_desk, django_assert_num_queries, sites
):
    session = charted_session(physio, sites=sites)
    client.force_login(physio)
    # session, user (with roles and two-step device); the session with its chart; sites; adverse
    # events; versions; the audit entry
    with django_assert_num_queries(7):
        client.get(url("session-detail", session))
    client.force_login(front_desk)
    with django_assert_num_queries(4):
        client.get(url("session-detail", session))


def test_the_session_page_sends_visitors_to_sign_in_and_refuses_admins(client, clinic_admin):
    session = make_session(make_course(), TODAY)
    target = url("session-detail", session)
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"
    client.force_login(clinic_admin)
    assert client.get(target).status_code == 403


def test_the_session_page_gives_404_for_a_session_that_does_not_exist(client, front_desk):
    client.force_login(front_desk)
    assert client.get(reverse("treatments:session-detail", args=[999_999])).status_code == 404


# Moving ---------------------------------------------------------------------------------


def test_it_moves_a_session(client, physio, front_desk):
    session = make_session(make_course(practitioner=physio), NEXT_WEEK)
    client.force_login(front_desk)
    form = client.get(url("session-move", session)).content.decode()
    assert 'value="2026-03-17"' in form and 'value="10:00"' in form
    data = {"date": "2026-03-18", "start_time": "16:15"}
    response = client.post(url("session-move", session), data, follow=True)
    session.refresh_from_db()
    assert (str(session.date), session.start_time) == ("2026-03-18", time(16, 15))
    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert messages_of(response) == [f"Session moved: {session}."]


def test_it_refuses_to_move_a_session_within_a_week_of_another(client, physio):
    course = make_course(practitioner=physio)
    make_session(course, TODAY - timedelta(days=1), status="attended")
    session = make_session(course, NEXT_WEEK)
    client.force_login(physio)
    response = client.post(
        url("session-move", session), {"date": "2026-03-12", "start_time": "9:00"}
    )
    text = page_text(response)
    assert "already has a session attended on Monday 9 March 2026 at 10:00 (3 days apart)" in text
    assert "Now on Tuesday 17 March 2026" in text  # the page shows the session as it still is
    session.refresh_from_db()
    assert session.date == NEXT_WEEK


@pytest.mark.parametrize(
    "data,message",
    [
        ({"date": "2026-03-01", "start_time": "10:00"}, "This date has passed"),
        ({"date": "2024-02-30", "start_time": "10:00"}, "Enter a valid date."),
        ({"date": "2026-03-20", "start_time": "25:99"}, "Enter a valid time."),
        ({"date": "", "start_time": ""}, "This field is required."),
    ],
)
def test_it_explains_bad_move_input_and_keeps_the_session(client, physio, data, message):
    session = make_session(make_course(practitioner=physio), NEXT_WEEK)
    client.force_login(physio)
    response = client.post(url("session-move", session), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    session.refresh_from_db()
    assert (session.date, session.start_time) == (NEXT_WEEK, time(10, 0))


def test_it_refuses_to_move_a_session_that_is_not_booked(client, physio):
    session = make_session(make_course(practitioner=physio), TODAY, status="attended")
    client.force_login(physio)
    response = client.post(
        url("session-move", session), {"date": "2026-03-20", "start_time": "9:00"}
    )
    assert "Only a booked session can be moved." in response.content.decode()
    session.refresh_from_db()
    assert session.date == TODAY


# Cancelling -----------------------------------------------------------------------------


def test_it_cancels_a_session_with_a_reason(client, physio, front_desk):
    session = make_session(make_course(practitioner=physio), NEXT_WEEK)
    client.force_login(front_desk)
    assert client.get(url("session-cancel", session)).status_code == 200
    response = client.post(
        url("session-cancel", session), {"cancellation_reason": "  Has the flu  "}, follow=True
    )
    session.refresh_from_db()
    assert (session.status, session.cancellation_reason) == ("cancelled", "Has the flu")
    assert session.cancelled_at is not None
    assert messages_of(response) == [f"Session cancelled: {session}."]
    assert "Has the flu" in response.content.decode()


@pytest.mark.parametrize(
    "reason,message",
    [
        ("", "Give the reason the session was cancelled."),
        ("    ", "Give the reason the session was cancelled."),
        ("x" * 10_000, "Ensure this value has at most 500 characters"),
    ],
)
def test_it_needs_a_reason_to_cancel(client, physio, reason, message):
    session = make_session(make_course(practitioner=physio), NEXT_WEEK)
    client.force_login(physio)
    response = client.post(url("session-cancel", session), {"cancellation_reason": reason})
    assert message in response.content.decode()
    session.refresh_from_db()
    assert session.status == "booked"


def test_it_refuses_to_cancel_a_session_that_is_not_booked(client, physio):
    session = make_session(make_course(practitioner=physio), TODAY, status="no_show")
    client.force_login(physio)
    response = client.post(url("session-cancel", session), {"cancellation_reason": "Sick"})
    assert "Only a booked session can be cancelled." in response.content.decode()
    session.refresh_from_db()
    assert session.status == "no_show" and session.cancellation_reason == ""


# Restoring, attended, no-show -----------------------------------------------------------


def test_it_restores_a_cancelled_session(client, physio, front_desk):
    session = make_session(
        make_course(practitioner=physio), NEXT_WEEK, status="cancelled", cancellation_reason="Flu"
    )
    client.force_login(front_desk)
    response = client.post(url("session-restore", session), follow=True)
    session.refresh_from_db()
    assert (session.status, session.cancellation_reason) == ("booked", "")
    assert messages_of(response) == ["Session restored: it is booked again."]


def test_it_refuses_to_restore_a_session_into_a_week_already_taken(client, physio):
    course = make_course(practitioner=physio)
    cancelled = make_session(course, NEXT_WEEK, status="cancelled", cancellation_reason="Flu")
    make_session(course, NEXT_WEEK + timedelta(days=2))
    client.force_login(physio)
    response = client.post(url("session-restore", cancelled), follow=True)
    assert response.redirect_chain == [(cancelled.get_absolute_url(), 302)]
    [message] = messages_of(response)
    assert message.startswith("IMS is given at most once a week.")
    assert "(2 days apart)" in message
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"


def test_it_marks_a_session_attended(client, physio, front_desk):
    session = make_session(make_course(practitioner=physio), TODAY)
    client.force_login(front_desk)
    response = client.post(url("session-attended", session), follow=True)
    session.refresh_from_db()
    assert session.status == "attended"
    assert messages_of(response) == ["Session marked attended."]


def test_it_refuses_to_mark_a_future_session_attended(client, physio):
    session = make_session(make_course(practitioner=physio), NEXT_WEEK)
    client.force_login(physio)
    response = client.post(url("session-attended", session), follow=True)
    assert messages_of(response) == ["A session in the future cannot be marked attended."]
    assert 'class="alert alert-danger" role="alert"' in response.content.decode()
    session.refresh_from_db()
    assert session.status == "booked"


def test_it_marks_a_missed_session_as_a_no_show(client, physio, front_desk):
    session = make_session(make_course(practitioner=physio), TODAY)
    client.force_login(front_desk)
    response = client.post(url("session-no-show", session), follow=True)
    session.refresh_from_db()
    assert session.status == "no_show"
    assert messages_of(response) == ["Session marked as a no-show."]


def test_a_no_show_frees_the_week_for_another_booking(client, physio):
    course = make_course(practitioner=physio)
    missed = make_session(course, TODAY, at=time(9, 0))
    client.force_login(physio)
    client.post(url("session-no-show", missed))
    data = {**BOOKING, "date": str(TODAY + timedelta(days=2)), "practitioner": physio.pk}
    client.post(book_url(course), data)
    assert Session.objects.filter(status="booked").count() == 1


@pytest.mark.parametrize(
    "name,status,message",
    [
        ("session-no-show", "attended", "Only a booked session can be marked as a no-show."),
        ("session-no-show", "booked", "A session in the future cannot be marked as a no-show."),
        ("session-attended", "cancelled", "Only a booked session can be marked attended."),
        ("session-restore", "booked", "Only a cancelled session can be restored."),
    ],
)
def test_it_explains_a_status_change_that_does_not_fit(client, physio, name, status, message):
    day = NEXT_WEEK if status == "booked" else TODAY
    reason = "Flu" if status == "cancelled" else ""
    session = make_session(
        make_course(practitioner=physio), day, status=status, cancellation_reason=reason
    )
    client.force_login(physio)
    response = client.post(url(name, session), follow=True)
    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert messages_of(response) == [message]
    session.refresh_from_db()
    assert session.status == status


@pytest.mark.parametrize("name", ["session-restore", "session-attended", "session-no-show"])
def test_status_changes_are_posted_only(client, physio, name):
    session = make_session(make_course(practitioner=physio), TODAY)
    client.force_login(physio)
    assert client.get(url(name, session)).status_code == 405
    session.refresh_from_db()
    assert session.status == "booked"


# Who may change a session ---------------------------------------------------------------

CHANGES = [
    ("session-move", {"date": "2026-03-20", "start_time": "09:00"}),
    ("session-cancel", {"cancellation_reason": "Sick"}),
    ("session-restore", {}),
    ("session-attended", {}),
    ("session-no-show", {}),
]


@pytest.mark.parametrize("name,data", CHANGES)
def test_changing_a_session_sends_visitors_to_sign_in(client, physio, name, data):
    session = make_session(make_course(practitioner=physio), TODAY)
    target = url(name, session)
    assert client.post(target, data)["Location"] == f"/accounts/login/?next={target}"
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"


@pytest.mark.parametrize("name,data", CHANGES)
@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_changing_a_session_is_refused_to_staff_who_do_not_book(
    client, request, physio, person, name, data
):
    session = make_session(make_course(practitioner=physio), TODAY)
    before = Session.objects.values().get()
    client.force_login(request.getfixturevalue(person))
    assert client.post(url(name, session), data).status_code == 403
    assert Session.objects.values().get() == before


@pytest.mark.parametrize("name,data", CHANGES)
def test_changing_a_session_that_does_not_exist_gives_404(client, front_desk, name, data):
    client.force_login(front_desk)
    assert client.post(reverse(f"treatments:{name}", args=[999_999]), data).status_code == 404


def test_the_front_desk_can_book_with_any_physiotherapist(client, physio):
    colleague = make_physiotherapist(first_name="Cole", last_name="League")
    client.force_login(make_front_desk())
    course = make_course(practitioner=physio)
    client.post(book_url(course), {**BOOKING, "practitioner": colleague.pk})
    assert Session.objects.get().practitioner == colleague

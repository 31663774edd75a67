"""Booking, showing, moving, cancelling and restoring visits, and marking them attended or
missed."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    TODAY,
    chart_visit,
    make_course,
    make_front_desk,
    make_physiotherapist,
    make_visit,
    ready_for_needling,
)
from tests.treatments.helpers import page_text
from treatments.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
NEXT_WEEK = TODAY + timedelta(days=7)
BOOKING = {"date": str(NEXT_WEEK), "start_time": "14:30", "duration_minutes": "30"}


def book_url(course) -> str:
    return reverse("treatments:visit-create", args=[course.pk])


def url(name: str, visit) -> str:
    return reverse(f"treatments:{name}", args=[visit.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Booking --------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_books_a_visit_for_staff_who_book(client, request, physiotherapist, person):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(request.getfixturevalue(person))
    form = client.get(book_url(course))
    assert form.status_code == 200
    html = form.content.decode()
    assert html.count("<h1") == 1
    assert 'type="date"' in html and 'type="time"' in html
    assert 'name="duration_minutes" value="30"' in html
    assert f'<option value="{physiotherapist.pk}" selected>Priya Physio</option>' in html
    response = client.post(
        book_url(course), {**BOOKING, "physiotherapist": physiotherapist.pk}, follow=True
    )
    visit = Visit.objects.get()
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert (visit.date, visit.start_time, visit.status) == (NEXT_WEEK, time(14, 30), "booked")
    assert (visit.patient, visit.physiotherapist) == (course.patient, physiotherapist)
    assert messages_of(response) == [f"Visit booked: {visit}."]


def test_it_refuses_a_second_visit_six_days_after_the_first(client, physiotherapist, front_desk):
    course = make_course(physiotherapist=physiotherapist)
    first = make_visit(course, NEXT_WEEK, at=time(9, 0))
    client.force_login(front_desk)
    six_days_later = str(NEXT_WEEK + timedelta(days=6))
    data = {**BOOKING, "date": six_days_later, "physiotherapist": physiotherapist.pk}
    response = client.post(book_url(course), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "IMS is given at most once a week." in text
    assert f"{course.patient} already has a visit booked on Tuesday 17 March 2026 at 09:00" in text
    assert "(6 days apart)" in text
    assert "The nearest allowed dates are Tuesday 10 March 2026 or earlier" in text
    assert "and Tuesday 24 March 2026 or later." in text
    assert list(Visit.objects.all()) == [first]


def test_it_books_a_visit_a_week_after_the_last(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    make_visit(course, TODAY, at=time(9, 0))
    client.force_login(physiotherapist)
    client.post(book_url(course), {**BOOKING, "physiotherapist": physiotherapist.pk})
    assert Visit.objects.count() == 2


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
        ({"duration_minutes": "0"}, "A visit lasts from 5 to 240 minutes."),
        ({"duration_minutes": "241"}, "A visit lasts from 5 to 240 minutes."),
        ({"duration_minutes": "half an hour"}, "Enter a whole number."),
        ({"physiotherapist": "999999"}, "Select a valid choice."),
        ({"physiotherapist": ""}, "This field is required."),
    ],
)
def test_it_explains_bad_booking_input_and_books_nothing(client, physiotherapist, changes, message):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(
        book_url(course), {**BOOKING, "physiotherapist": physiotherapist.pk, **changes}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html
    assert not Visit.objects.exists()


def test_it_refuses_front_desk_staff_as_the_visits_physiotherapist(
    client, physiotherapist, front_desk
):
    client.force_login(front_desk)
    data = {**BOOKING, "physiotherapist": front_desk.pk}
    response = client.post(book_url(make_course(physiotherapist=physiotherapist)), data)
    assert "Select a valid choice" in response.content.decode()
    assert not Visit.objects.exists()


def test_it_refuses_to_book_in_an_ended_course_or_for_an_archived_patient(client, physiotherapist):
    ended = make_course(physiotherapist=physiotherapist, status="completed", ended_on=TODAY)
    archived = make_course(physiotherapist=physiotherapist)
    archived.patient.archive()
    client.force_login(physiotherapist)
    data = {**BOOKING, "physiotherapist": physiotherapist.pk}
    ended_page = client.post(book_url(ended), data).content.decode()
    assert "This course has ended. Open a new course to book more visits." in ended_page
    archived_page = page_text(client.post(book_url(archived), data))
    assert "This patient's record is archived. Restore it before booking." in archived_page
    assert not Visit.objects.exists()


def test_booking_sends_visitors_to_sign_in(client):
    target = book_url(make_course())
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"


@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_booking_refuses_staff_who_do_not_book(client, request, physiotherapist, person):
    client.force_login(request.getfixturevalue(person))
    course = make_course(physiotherapist=physiotherapist)
    assert client.get(book_url(course)).status_code == 403
    assert (
        client.post(
            book_url(course), {**BOOKING, "physiotherapist": physiotherapist.pk}
        ).status_code
        == 403
    )
    assert not Visit.objects.exists()


def test_booking_gives_404_for_a_course_that_does_not_exist(client, front_desk):
    client.force_login(front_desk)
    assert client.get(reverse("treatments:visit-create", args=[999_999])).status_code == 404


# The visit page -----------------------------------------------------------------------

CLINICAL_WORDS = [
    "Secret clinical note",
    "Muscle 1",
    "Pain before",
    "Visit note",
    "Needled sites",
    "Versions of the chart",
    "Lying face down",
    "Consent",
    "Right low back",
]


def charted_visit(physiotherapist, *, sites: int = 1):
    course = ready_for_needling(physiotherapist=physiotherapist)
    visit = make_visit(course, TODAY - timedelta(days=1), status="attended")
    chart_visit(visit, physiotherapist, sites=sites, note="Secret clinical note")
    return visit


def test_the_physiotherapist_sees_the_booking_and_the_chart(client, physiotherapist):
    visit = charted_visit(physiotherapist, sites=2)
    client.force_login(physiotherapist)
    response = client.get(url("visit-detail", visit))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count("<h1") == 1
    for words in CLINICAL_WORDS:
        assert words in html
    assert "Muscle 2" in html
    assert "Confirmed by the patient" in html
    assert "Priya Physio" in html
    assert "Amend the chart" in html


def test_the_front_desk_sees_the_booking_but_none_of_the_chart(client, physiotherapist, front_desk):
    visit = charted_visit(physiotherapist, sites=2)
    client.force_login(front_desk)
    response = client.get(url("visit-detail", visit))
    assert response.status_code == 200
    html = page_text(response)
    assert str(visit.patient) in html
    assert "Monday 9 March 2026" in html and "10:00" in html
    assert "Priya Physio" in html and "Attended" in html
    for words in CLINICAL_WORDS:
        assert words not in html
    assert url("visit-chart", visit) not in html
    assert "chart" not in response.context


def test_it_shows_the_reason_a_visit_was_cancelled(client, physiotherapist, front_desk):
    course = make_course(physiotherapist=physiotherapist)
    visit = make_visit(
        course, NEXT_WEEK, status="cancelled", cancellation_reason="<b>Snowed in</b>"
    )
    client.force_login(front_desk)
    html = client.get(url("visit-detail", visit)).content.decode()
    assert "&lt;b&gt;Snowed in&lt;/b&gt;" in html
    assert url("visit-restore", visit) in html
    assert url("visit-move", visit) not in html


@pytest.mark.parametrize(
    "status,shown,hidden",
    [
        (
            "booked",
            ["visit-move", "visit-cancel", "visit-attended", "visit-no-show"],
            ["visit-restore"],
        ),
        ("attended", [], ["visit-move", "visit-cancel", "visit-attended", "visit-restore"]),
        ("no_show", [], ["visit-move", "visit-attended", "visit-restore"]),
    ],
)
def test_it_offers_the_actions_that_fit_the_status(client, physiotherapist, status, shown, hidden):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, status=status)
    client.force_login(physiotherapist)
    html = client.get(url("visit-detail", visit)).content.decode()
    for name in shown:
        assert url(name, visit) in html
    for name in hidden:
        assert url(name, visit) not in html


@pytest.mark.parametrize("sites", [1, 6])
def test_the_visit_page_takes_the_same_queries_however_big_the_chart(
    client, physiotherapist, front_desk, django_assert_num_queries, sites
):
    visit = charted_visit(physiotherapist, sites=sites)
    client.force_login(physiotherapist)
    # session, user (with roles and two-step device); the visit with its chart; sites; adverse
    # events; versions; the audit entry
    with django_assert_num_queries(7):
        client.get(url("visit-detail", visit))
    client.force_login(front_desk)
    with django_assert_num_queries(4):
        client.get(url("visit-detail", visit))


def test_the_visit_page_sends_visitors_to_sign_in_and_refuses_admins(client, clinic_admin):
    visit = make_visit(make_course(), TODAY)
    target = url("visit-detail", visit)
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"
    client.force_login(clinic_admin)
    assert client.get(target).status_code == 403


def test_the_visit_page_gives_404_for_a_visit_that_does_not_exist(client, front_desk):
    client.force_login(front_desk)
    assert client.get(reverse("treatments:visit-detail", args=[999_999])).status_code == 404


# Moving ---------------------------------------------------------------------------------


def test_it_moves_a_visit(client, physiotherapist, front_desk):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    client.force_login(front_desk)
    form = client.get(url("visit-move", visit)).content.decode()
    assert 'value="2026-03-17"' in form and 'value="10:00"' in form
    data = {"date": "2026-03-18", "start_time": "16:15"}
    response = client.post(url("visit-move", visit), data, follow=True)
    visit.refresh_from_db()
    assert (str(visit.date), visit.start_time) == ("2026-03-18", time(16, 15))
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == [f"Visit moved: {visit}."]


def test_it_refuses_to_move_a_visit_within_a_week_of_another(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    make_visit(course, TODAY - timedelta(days=1), status="attended")
    visit = make_visit(course, NEXT_WEEK)
    client.force_login(physiotherapist)
    response = client.post(url("visit-move", visit), {"date": "2026-03-12", "start_time": "9:00"})
    text = page_text(response)
    assert "already has a visit attended on Monday 9 March 2026 at 10:00 (3 days apart)" in text
    assert "Now on Tuesday 17 March 2026" in text  # the page shows the visit as it still is
    visit.refresh_from_db()
    assert visit.date == NEXT_WEEK


@pytest.mark.parametrize(
    "data,message",
    [
        ({"date": "2026-03-01", "start_time": "10:00"}, "This date has passed"),
        ({"date": "2024-02-30", "start_time": "10:00"}, "Enter a valid date."),
        ({"date": "2026-03-20", "start_time": "25:99"}, "Enter a valid time."),
        ({"date": "", "start_time": ""}, "This field is required."),
    ],
)
def test_it_explains_bad_move_input_and_keeps_the_visit(client, physiotherapist, data, message):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    client.force_login(physiotherapist)
    response = client.post(url("visit-move", visit), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    visit.refresh_from_db()
    assert (visit.date, visit.start_time) == (NEXT_WEEK, time(10, 0))


def test_it_refuses_to_move_a_visit_that_is_not_booked(client, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, status="attended")
    client.force_login(physiotherapist)
    response = client.post(url("visit-move", visit), {"date": "2026-03-20", "start_time": "9:00"})
    assert "Only a booked visit can be moved." in response.content.decode()
    visit.refresh_from_db()
    assert visit.date == TODAY


# Cancelling -----------------------------------------------------------------------------


def test_it_cancels_a_visit_with_a_reason(client, physiotherapist, front_desk):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    client.force_login(front_desk)
    assert client.get(url("visit-cancel", visit)).status_code == 200
    response = client.post(
        url("visit-cancel", visit), {"cancellation_reason": "  Has the flu  "}, follow=True
    )
    visit.refresh_from_db()
    assert (visit.status, visit.cancellation_reason) == ("cancelled", "Has the flu")
    assert visit.cancelled_at is not None
    assert messages_of(response) == [f"Visit cancelled: {visit}."]
    assert "Has the flu" in response.content.decode()


@pytest.mark.parametrize(
    "reason,message",
    [
        ("", "Give the reason the visit was cancelled."),
        ("    ", "Give the reason the visit was cancelled."),
        ("x" * 10_000, "Ensure this value has at most 500 characters"),
    ],
)
def test_it_needs_a_reason_to_cancel(client, physiotherapist, reason, message):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    client.force_login(physiotherapist)
    response = client.post(url("visit-cancel", visit), {"cancellation_reason": reason})
    assert message in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "booked"


def test_it_refuses_to_cancel_a_visit_that_is_not_booked(client, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, status="no_show")
    client.force_login(physiotherapist)
    response = client.post(url("visit-cancel", visit), {"cancellation_reason": "Sick"})
    assert "Only a booked visit can be cancelled." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "no_show" and visit.cancellation_reason == ""


# Restoring, attended, no-show -----------------------------------------------------------


def test_it_restores_a_cancelled_visit(client, physiotherapist, front_desk):
    visit = make_visit(
        make_course(physiotherapist=physiotherapist),
        NEXT_WEEK,
        status="cancelled",
        cancellation_reason="Flu",
    )
    client.force_login(front_desk)
    response = client.post(url("visit-restore", visit), follow=True)
    visit.refresh_from_db()
    assert (visit.status, visit.cancellation_reason) == ("booked", "")
    assert messages_of(response) == ["Visit restored: it is booked again."]


def test_it_refuses_to_restore_a_visit_into_a_week_already_taken(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    cancelled = make_visit(course, NEXT_WEEK, status="cancelled", cancellation_reason="Flu")
    make_visit(course, NEXT_WEEK + timedelta(days=2))
    client.force_login(physiotherapist)
    response = client.post(url("visit-restore", cancelled), follow=True)
    assert response.redirect_chain == [(cancelled.get_absolute_url(), 302)]
    [message] = messages_of(response)
    assert message.startswith("IMS is given at most once a week.")
    assert "(2 days apart)" in message
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"


def test_it_marks_a_visit_attended(client, physiotherapist, front_desk):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY)
    client.force_login(front_desk)
    response = client.post(url("visit-attended", visit), follow=True)
    visit.refresh_from_db()
    assert visit.status == "attended"
    assert messages_of(response) == ["Visit marked attended."]


def test_it_refuses_to_mark_a_future_visit_attended(client, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    client.force_login(physiotherapist)
    response = client.post(url("visit-attended", visit), follow=True)
    assert messages_of(response) == ["A visit in the future cannot be marked attended."]
    assert 'class="alert alert-danger" role="alert"' in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "booked"


def test_it_marks_a_missed_visit_as_a_no_show(client, physiotherapist, front_desk):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY)
    client.force_login(front_desk)
    response = client.post(url("visit-no-show", visit), follow=True)
    visit.refresh_from_db()
    assert visit.status == "no_show"
    assert messages_of(response) == ["Visit marked as a no-show."]


def test_a_no_show_frees_the_week_for_another_booking(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    missed = make_visit(course, TODAY, at=time(9, 0))
    client.force_login(physiotherapist)
    client.post(url("visit-no-show", missed))
    data = {
        **BOOKING,
        "date": str(TODAY + timedelta(days=2)),
        "physiotherapist": physiotherapist.pk,
    }
    client.post(book_url(course), data)
    assert Visit.objects.filter(status="booked").count() == 1


@pytest.mark.parametrize(
    "name,status,message",
    [
        ("visit-no-show", "attended", "Only a booked visit can be marked as a no-show."),
        ("visit-no-show", "booked", "A visit in the future cannot be marked as a no-show."),
        ("visit-attended", "cancelled", "Only a booked visit can be marked attended."),
        ("visit-restore", "booked", "Only a cancelled visit can be restored."),
    ],
)
def test_it_explains_a_status_change_that_does_not_fit(
    client, physiotherapist, name, status, message
):
    day = NEXT_WEEK if status == "booked" else TODAY
    reason = "Flu" if status == "cancelled" else ""
    visit = make_visit(
        make_course(physiotherapist=physiotherapist), day, status=status, cancellation_reason=reason
    )
    client.force_login(physiotherapist)
    response = client.post(url(name, visit), follow=True)
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == [message]
    visit.refresh_from_db()
    assert visit.status == status


@pytest.mark.parametrize("name", ["visit-restore", "visit-attended", "visit-no-show"])
def test_status_changes_are_posted_only(client, physiotherapist, name):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY)
    client.force_login(physiotherapist)
    assert client.get(url(name, visit)).status_code == 405
    visit.refresh_from_db()
    assert visit.status == "booked"


# Who may change a visit ---------------------------------------------------------------

CHANGES = [
    ("visit-move", {"date": "2026-03-20", "start_time": "09:00"}),
    ("visit-cancel", {"cancellation_reason": "Sick"}),
    ("visit-restore", {}),
    ("visit-attended", {}),
    ("visit-no-show", {}),
]


@pytest.mark.parametrize("name,data", CHANGES)
def test_changing_a_visit_sends_visitors_to_sign_in(client, physiotherapist, name, data):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY)
    target = url(name, visit)
    assert client.post(target, data)["Location"] == f"/accounts/login/?next={target}"
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"


@pytest.mark.parametrize("name,data", CHANGES)
@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_changing_a_visit_is_refused_to_staff_who_do_not_book(
    client, request, physiotherapist, person, name, data
):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY)
    before = Visit.objects.values().get()
    client.force_login(request.getfixturevalue(person))
    assert client.post(url(name, visit), data).status_code == 403
    assert Visit.objects.values().get() == before


@pytest.mark.parametrize("name,data", CHANGES)
def test_changing_a_visit_that_does_not_exist_gives_404(client, front_desk, name, data):
    client.force_login(front_desk)
    assert client.post(reverse(f"treatments:{name}", args=[999_999]), data).status_code == 404


def test_the_front_desk_can_book_with_any_physiotherapist(client, physiotherapist):
    colleague = make_physiotherapist(first_name="Cole", last_name="League")
    client.force_login(make_front_desk())
    course = make_course(physiotherapist=physiotherapist)
    client.post(book_url(course), {**BOOKING, "physiotherapist": colleague.pk})
    assert Visit.objects.get().physiotherapist == colleague

"""The once-a-week rule and the booking functions every path goes through."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_course, make_patient, make_session
from treatments.models import Session
from treatments.scheduling import (
    BookingRefused,
    book_session,
    cancel_session,
    mark_attended,
    move_session,
    nearest_allowed_dates,
    restore_session,
)

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


@pytest.fixture
def course():
    return make_course(started_on=date(2030, 1, 1))


def book(course, day, at=time(10, 0)):
    return book_session(course=course, practitioner=course.practitioner, day=day, start_time=at)


def test_it_books_monday_after_monday(course):
    book(course, MONDAY)
    book(course, MONDAY + timedelta(days=7))
    assert Session.objects.filter(course=course).count() == 2


def test_it_rejects_a_session_six_days_after_the_last(course):
    tuesday = MONDAY + timedelta(days=1)
    book(course, tuesday)
    with pytest.raises(BookingRefused) as error:
        book(course, tuesday + timedelta(days=6))
    message = error.value.messages[0]
    assert "at most once a week" in message
    assert "Tuesday 5 March 2030 at 10:00 (6 days apart)" in message
    assert "Tuesday 26 February 2030 or earlier, and Tuesday 12 March 2030 or later" in message
    assert Session.objects.filter(course=course).count() == 1
    # The alternatives offered keep the weekly rule and fall in opening hours.
    assert error.value.alternatives
    for moment in error.value.alternatives:
        assert abs((moment.date() - tuesday).days) >= 7
        assert moment.weekday() < 5 and time(8) <= moment.time() < time(18)


def test_it_rejects_a_session_six_days_before_the_next(course):
    book(course, MONDAY)
    with pytest.raises(ValidationError, match="6 days apart"):
        book(course, MONDAY - timedelta(days=6))


def test_it_rejects_two_sessions_on_one_day_at_different_times(course):
    book(course, MONDAY, time(9, 0))
    with pytest.raises(ValidationError, match="the same day"):
        book(course, MONDAY, time(16, 0))


def test_the_nearest_dates_skip_over_a_run_of_weekly_sessions():
    taken = [MONDAY + timedelta(weeks=k) for k in range(4)]
    before, after = nearest_allowed_dates(taken, MONDAY + timedelta(days=10))
    assert before == MONDAY - timedelta(days=7)
    assert after == MONDAY + timedelta(weeks=4)


def test_cancelled_and_no_show_sessions_do_not_count(course):
    make_session(course, MONDAY, status=Session.Status.NO_SHOW)
    cancelled = book(course, MONDAY + timedelta(days=14))
    cancel_session(cancelled, reason="Flu")
    book(course, MONDAY + timedelta(days=3))
    book(course, MONDAY + timedelta(days=10))
    assert Session.objects.counting().filter(course=course).count() == 2


def test_the_rule_is_per_patient(course):
    other = make_course(make_patient(), course.practitioner, started_on=date(2030, 1, 1))
    book(course, MONDAY)
    book(other, MONDAY + timedelta(days=1))


def test_the_rule_counts_sessions_of_every_course_of_the_patient(course):
    second_course = make_course(course.patient, course.practitioner, region="Left neck")
    book(course, MONDAY)
    with pytest.raises(ValidationError, match="once a week"):
        book(second_course, MONDAY + timedelta(days=2))


def test_moving_a_session_rechecks_the_rule(course):
    book(course, MONDAY)
    later = book(course, MONDAY + timedelta(days=14))
    with pytest.raises(ValidationError, match="4 days apart"):
        move_session(later, day=MONDAY + timedelta(days=4), start_time=time(11, 0))
    later.refresh_from_db()
    assert later.date == MONDAY + timedelta(days=14)
    move_session(later, day=MONDAY + timedelta(days=7), start_time=time(11, 0))
    later.refresh_from_db()
    assert (later.date, later.start_time) == (MONDAY + timedelta(days=7), time(11, 0))


def test_restoring_a_cancelled_session_rechecks_the_rule(course):
    first = book(course, MONDAY)
    cancel_session(first, reason="Car broke down")
    book(course, MONDAY + timedelta(days=3))
    with pytest.raises(ValidationError, match="3 days apart"):
        restore_session(first)
    first.refresh_from_db()
    assert first.status == Session.Status.CANCELLED


def test_a_session_moved_onto_its_own_date_does_not_conflict_with_itself(course):
    session = book(course, MONDAY)
    move_session(session, day=MONDAY, start_time=time(15, 0))


def test_cancelling_needs_a_reason_and_keeps_the_session(course):
    session = book(course, MONDAY)
    with pytest.raises(ValidationError, match="reason"):
        cancel_session(session, reason="   ")
    cancel_session(session, reason="Patient asked")
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancelled_at is not None


def test_it_refuses_to_book_for_an_archived_patient(course):
    course.patient.archive()
    with pytest.raises(ValidationError, match="archived"):
        book(course, MONDAY)


def test_it_refuses_to_book_on_a_course_that_has_ended(course):
    course.status, course.ended_on, course.end_reason = "discontinued", date(2030, 2, 1), "Moved"
    course.save()
    with pytest.raises(ValidationError, match="course has ended"):
        book(course, MONDAY)


def test_a_session_in_the_future_cannot_be_marked_attended(course):
    session = book(course, date.today() + timedelta(days=3))
    with pytest.raises(ValidationError, match="future"):
        mark_attended(session)


def test_a_session_before_the_patients_birth_is_refused(course):
    with pytest.raises(ValidationError, match="before the patient's date of birth"):
        book(course, date(1970, 1, 1))


def test_the_time_of_a_session_is_kept_in_the_clinics_time_zone(course):
    session = book(course, date(2030, 7, 1), time(9, 30))
    session.refresh_from_db()
    assert session.starts_at == datetime(2030, 7, 1, 16, 30, tzinfo=UTC)  # 09:30 in Vancouver
    assert session.ends_at - session.starts_at == timedelta(minutes=30)

"""The once-a-week rule and the booking functions every path goes through."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_course, make_patient, make_visit
from treatments.models import Visit
from treatments.scheduling import (
    BookingRefused,
    book_visit,
    cancel_visit,
    mark_attended,
    move_visit,
    nearest_allowed_dates,
    restore_visit,
)

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


@pytest.fixture
def course():
    return make_course(started_on=date(2030, 1, 1))


def book(course, day, at=time(10, 0)):
    return book_visit(course=course, physiotherapist=course.physiotherapist, day=day, start_time=at)


def test_it_books_monday_after_monday(course):
    book(course, MONDAY)
    book(course, MONDAY + timedelta(days=7))
    assert Visit.objects.filter(course=course).count() == 2


def test_it_rejects_a_visit_six_days_after_the_last(course):
    tuesday = MONDAY + timedelta(days=1)
    book(course, tuesday)
    with pytest.raises(BookingRefused) as error:
        book(course, tuesday + timedelta(days=6))
    message = error.value.messages[0]
    assert "at most once a week" in message
    assert "Tuesday 5 March 2030 at 10:00 (6 days apart)" in message
    assert "Tuesday 26 February 2030 or earlier, and Tuesday 12 March 2030 or later" in message
    assert Visit.objects.filter(course=course).count() == 1
    # The alternatives offered keep the weekly rule and fall in opening hours.
    assert error.value.alternatives
    for moment in error.value.alternatives:
        assert abs((moment.date() - tuesday).days) >= 7
        assert moment.weekday() < 5 and time(8) <= moment.time() < time(18)


def test_it_rejects_a_visit_six_days_before_the_next(course):
    book(course, MONDAY)
    with pytest.raises(ValidationError, match="6 days apart"):
        book(course, MONDAY - timedelta(days=6))


def test_it_rejects_two_visits_on_one_day_at_different_times(course):
    book(course, MONDAY, time(9, 0))
    with pytest.raises(ValidationError, match="the same day"):
        book(course, MONDAY, time(16, 0))


def test_the_nearest_dates_skip_over_a_run_of_weekly_visits():
    taken = [MONDAY + timedelta(weeks=k) for k in range(4)]
    before, after = nearest_allowed_dates(taken, MONDAY + timedelta(days=10))
    assert before == MONDAY - timedelta(days=7)
    assert after == MONDAY + timedelta(weeks=4)


def test_cancelled_and_no_show_visits_do_not_count(course):
    make_visit(course, MONDAY, status=Visit.Status.NO_SHOW)
    cancelled = book(course, MONDAY + timedelta(days=14))
    cancel_visit(cancelled, reason="Flu")
    book(course, MONDAY + timedelta(days=3))
    book(course, MONDAY + timedelta(days=10))
    assert Visit.objects.counting().filter(course=course).count() == 2


def test_the_rule_is_per_patient(course):
    other = make_course(make_patient(), course.physiotherapist, started_on=date(2030, 1, 1))
    book(course, MONDAY)
    book(other, MONDAY + timedelta(days=1))


def test_the_rule_counts_visits_of_every_course_of_the_patient(course):
    second_course = make_course(course.patient, course.physiotherapist, region="Left neck")
    book(course, MONDAY)
    with pytest.raises(ValidationError, match="once a week"):
        book(second_course, MONDAY + timedelta(days=2))


def test_moving_a_visit_rechecks_the_rule(course):
    book(course, MONDAY)
    later = book(course, MONDAY + timedelta(days=14))
    with pytest.raises(ValidationError, match="4 days apart"):
        move_visit(later, day=MONDAY + timedelta(days=4), start_time=time(11, 0))
    later.refresh_from_db()
    assert later.date == MONDAY + timedelta(days=14)
    move_visit(later, day=MONDAY + timedelta(days=7), start_time=time(11, 0))
    later.refresh_from_db()
    assert (later.date, later.start_time) == (MONDAY + timedelta(days=7), time(11, 0))


def test_restoring_a_cancelled_visit_rechecks_the_rule(course):
    first = book(course, MONDAY)
    cancel_visit(first, reason="Car broke down")
    book(course, MONDAY + timedelta(days=3))
    with pytest.raises(ValidationError, match="3 days apart"):
        restore_visit(first)
    first.refresh_from_db()
    assert first.status == Visit.Status.CANCELLED


def test_a_visit_moved_onto_its_own_date_does_not_conflict_with_itself(course):
    visit = book(course, MONDAY)
    move_visit(visit, day=MONDAY, start_time=time(15, 0))


def test_cancelling_needs_a_reason_and_keeps_the_visit(course):
    visit = book(course, MONDAY)
    with pytest.raises(ValidationError, match="reason"):
        cancel_visit(visit, reason="   ")
    cancel_visit(visit, reason="Patient asked")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.cancelled_at is not None


def test_it_refuses_to_book_for_an_archived_patient(course):
    course.patient.archive()
    with pytest.raises(ValidationError, match="archived"):
        book(course, MONDAY)


def test_it_refuses_to_book_on_a_course_that_has_ended(course):
    course.status, course.ended_on, course.end_reason = "discontinued", date(2030, 2, 1), "Moved"
    course.save()
    with pytest.raises(ValidationError, match="course has ended"):
        book(course, MONDAY)


def test_a_visit_in_the_future_cannot_be_marked_attended(course):
    visit = book(course, date.today() + timedelta(days=3))
    with pytest.raises(ValidationError, match="future"):
        mark_attended(visit)


def test_a_visit_before_the_patients_birth_is_refused(course):
    with pytest.raises(ValidationError, match="before the patient's date of birth"):
        book(course, date(1970, 1, 1))


def test_the_time_of_a_visit_is_kept_in_the_clinics_time_zone(course):
    visit = book(course, date(2030, 7, 1), time(9, 30))
    visit.refresh_from_db()
    assert visit.starts_at == datetime(2030, 7, 1, 16, 30, tzinfo=UTC)  # 09:30 in Vancouver
    assert visit.ends_at - visit.starts_at == timedelta(minutes=30)

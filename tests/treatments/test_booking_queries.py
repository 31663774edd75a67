"""Booking takes the same number of queries however long the patient's and the
physiotherapist's records are (the benchmark's target: one session in 15 or fewer)."""

from datetime import date, time, timedelta

import pytest

from tests.factories import make_course, make_patient, make_physiotherapist, make_session
from treatments.models import Session
from treatments.scheduling import book_series, book_session

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


@pytest.fixture
def records():
    """A course whose patient and physiotherapist have `size` sessions of record already."""

    def arrange(size: int):
        physio = make_physiotherapist()
        course = make_course(practitioner=physio, started_on=date(2029, 1, 1))
        for week in range(1, size + 1):
            make_session(course, MONDAY - timedelta(weeks=week), status="attended")
            other = make_course(make_patient(), physio)
            make_session(other, MONDAY, at=time(8 + week // 3, week % 3 * 20), duration_minutes=10)
        return course

    return arrange


@pytest.mark.parametrize("size", [1, 20])
def test_one_session_is_booked_in_twelve_queries(records, django_assert_num_queries, size):
    course = records(size)
    # Clinic hours, working hours, days off; a savepoint; the patient and physiotherapist
    # locked; the patient's sessions; a clash; the session, its history and audit entry;
    # the savepoint released.
    with django_assert_num_queries(12):
        book_session(
            course=course, practitioner=course.practitioner, day=MONDAY, start_time=time(17)
        )
    assert Session.objects.filter(course=course, status="booked").count() == 1


@pytest.mark.parametrize("size", [1, 20])
def test_a_weekly_series_takes_twelve_queries_a_week(records, django_assert_num_queries, size):
    course = records(size)
    with django_assert_num_queries(2 + 12 * 12):  # the series' savepoint, then each week
        plan = book_series(
            course=course, practitioner=course.practitioner, first_day=MONDAY,
            start_time=time(17), weeks=12,
        )  # fmt: skip
    assert all(week.session for week in plan)

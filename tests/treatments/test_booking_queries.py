"""Booking takes the same number of queries however long the patient's and the
physiotherapist's records are (the benchmark's target: one visit in 15 or fewer)."""

from datetime import date, time, timedelta

import pytest

from tests.factories import make_course, make_patient, make_physiotherapist, make_visit
from treatments.models import Visit
from treatments.scheduling import book_series, book_visit

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


@pytest.fixture
def records():
    """A course whose patient and physiotherapist have `size` visits of record already."""

    def arrange(size: int):
        physiotherapist = make_physiotherapist()
        course = make_course(physiotherapist=physiotherapist, started_on=date(2029, 1, 1))
        for week in range(1, size + 1):
            make_visit(course, MONDAY - timedelta(weeks=week), status="attended")
            other = make_course(make_patient(), physiotherapist)
            make_visit(other, MONDAY, at=time(8 + week // 3, week % 3 * 20), duration_minutes=10)
        return course

    return arrange


@pytest.mark.parametrize("size", [1, 20])
def test_one_visit_is_booked_in_twelve_queries(records, django_assert_num_queries, size):
    course = records(size)
    # Clinic hours, working hours, days off; a savepoint; the patient and physiotherapist
    # locked; the patient's visits; a clash; the visit, its history and audit entry;
    # the savepoint released.
    with django_assert_num_queries(12):
        book_visit(
            course=course, physiotherapist=course.physiotherapist, day=MONDAY, start_time=time(17)
        )
    assert Visit.objects.filter(course=course, status="booked").count() == 1


@pytest.mark.parametrize("size", [1, 20])
def test_a_weekly_series_takes_twelve_queries_a_week(records, django_assert_num_queries, size):
    course = records(size)
    with django_assert_num_queries(2 + 12 * 12):  # the series' savepoint, then each week
        plan = book_series(
            course=course, physiotherapist=course.physiotherapist, first_day=MONDAY,
            start_time=time(17), weeks=12,
        )  # fmt: skip
    assert all(week.visit for week in plan)

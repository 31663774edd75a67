"""Opening hours, working hours, days off, double booking, alternatives and weekly series."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from treatments.scheduling import BookingRefused, book_series, book_visit, remaining_visits

from tests.factories import make_course, make_patient, make_physiotherapist, make_visit
from treatments import scheduling
from treatments.models import ClinicHours, DayOff, Visit, WorkingHours

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


def course_for(physiotherapist, **fields):
    return make_course(make_patient(), physiotherapist, started_on=date(2030, 1, 1), **fields)


def book(course, day, at, minutes=30):
    return book_visit(course=course, physiotherapist=course.physiotherapist, day=day, start_time=at,
                        duration_minutes=minutes)  # fmt: skip


def test_a_physiotherapist_cannot_have_two_visits_at_once(physiotherapist):
    book(course_for(physiotherapist), MONDAY, time(10, 0))
    with pytest.raises(BookingRefused) as refused:
        book(course_for(physiotherapist), MONDAY, time(10, 15))
    assert refused.value.messages == [
        "Priya Singh already has a visit on Monday 4 March 2030 from 10:00 to 10:30."
    ]
    assert [moment.time() for moment in refused.value.alternatives[:2]] == [
        time(10, 30),
        time(9, 30),
    ]


def test_back_to_back_visits_are_fine(physiotherapist):
    book(course_for(physiotherapist), MONDAY, time(10, 0))
    book(course_for(physiotherapist), MONDAY, time(10, 30))
    book(course_for(make_physiotherapist()), MONDAY, time(10, 0))
    assert Visit.objects.count() == 3


def test_a_cancelled_visit_frees_its_slot(physiotherapist):
    first = book(course_for(physiotherapist), MONDAY, time(10, 0))
    scheduling.cancel_visit(first, reason="Patient is ill")
    book(course_for(physiotherapist), MONDAY, time(10, 0))


@pytest.mark.parametrize(
    "day,at,minutes,message",
    [
        (MONDAY, time(7, 30), 30, "The clinic is open 08:00-18:00 on Mondays."),
        (MONDAY, time(17, 45), 30, "The clinic is open 08:00-18:00 on Mondays."),
        (MONDAY + timedelta(days=5), time(10), 30, "The clinic is closed on Saturdays."),
    ],
)
def test_a_booking_outside_the_clinics_hours_is_refused(physiotherapist, day, at, minutes, message):
    with pytest.raises(BookingRefused, match=message):
        book(course_for(physiotherapist), day, at, minutes)
    assert not Visit.objects.exists()


def test_a_booking_outside_the_physiotherapists_hours_is_refused(physiotherapist):
    WorkingHours.objects.create(
        physiotherapist=physiotherapist, weekday=0, starts_at=time(9), ends_at=time(12)
    )
    course = course_for(physiotherapist)
    with pytest.raises(BookingRefused, match=r"Priya Singh works 09:00-12:00 on Mondays\."):
        book(course, MONDAY, time(13, 0))
    with pytest.raises(BookingRefused, match=r"Priya Singh does not work on Tuesdays\."):
        book(course, MONDAY + timedelta(days=1), time(10, 0))
    book(course, MONDAY, time(11, 30))


def test_a_booking_on_a_day_off_is_refused(physiotherapist):
    DayOff.objects.create(physiotherapist=physiotherapist, date=MONDAY, reason="Course")
    with pytest.raises(BookingRefused, match=r"Priya Singh is off on Monday 4 March 2030\."):
        book(course_for(physiotherapist), MONDAY, time(10, 0))


def test_the_clinic_admin_can_close_a_weekday(physiotherapist):
    ClinicHours.objects.filter(weekday=0).delete()
    with pytest.raises(BookingRefused, match="closed on Mondays"):
        book(course_for(physiotherapist), MONDAY, time(10, 0))


def test_a_series_books_each_week_and_offers_an_alternative_for_a_conflict(physiotherapist):
    course = course_for(physiotherapist)
    week_four = MONDAY + timedelta(weeks=3)
    make_visit(course_for(physiotherapist), week_four, time(10, 0))  # another patient has that slot
    weeks = book_series(course=course, physiotherapist=physiotherapist, first_day=MONDAY,
                        start_time=time(10, 0), weeks=6)  # fmt: skip
    assert [bool(week.visit) for week in weeks] == [True, True, True, False, True, True]
    conflict = weeks[3]
    assert "Priya Singh already has a visit" in conflict.problem
    assert conflict.alternative.date() == week_four
    assert conflict.alternative.time() in (time(9, 30), time(10, 30))
    book(course, conflict.alternative.date(), conflict.alternative.time())
    assert Visit.objects.counting().filter(course=course).count() == 6


def test_a_visit_between_two_series_weeks_conflicts_with_both(physiotherapist):
    course = course_for(physiotherapist)
    make_visit(course, MONDAY + timedelta(weeks=3, days=2))  # a Wednesday
    weeks = book_series(course=course, physiotherapist=physiotherapist, first_day=MONDAY,
                        start_time=time(10, 0), weeks=6)  # fmt: skip
    assert [bool(week.visit) for week in weeks] == [True, True, True, False, False, True]
    assert all("at most once a week" in week.problem for week in weeks[3:5])


@pytest.mark.parametrize("weeks", [0, 53, 200, -1])
def test_a_series_of_zero_or_too_many_weeks_is_refused(physiotherapist, weeks):
    with pytest.raises(ValidationError, match="from 1 to 52 weeks"):
        book_series(
            course=course_for(physiotherapist),
            physiotherapist=physiotherapist,
            first_day=MONDAY,
            start_time=time(10, 0),
            weeks=weeks,
        )
    assert not Visit.objects.exists()


def test_a_series_is_not_half_saved_by_an_unexpected_error(physiotherapist, monkeypatch):
    real_book, calls = scheduling.book_visit, []

    def fail_on_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_book(**kwargs)

    monkeypatch.setattr(scheduling, "book_visit", fail_on_third)
    with pytest.raises(RuntimeError):
        book_series(
            course=course_for(physiotherapist),
            physiotherapist=physiotherapist,
            first_day=MONDAY,
            start_time=time(10, 0),
            weeks=6,
        )
    assert not Visit.objects.exists()


def test_a_series_defaults_to_the_rest_of_the_courses_expected_range(physiotherapist):
    course = course_for(physiotherapist, expected_length="extended")
    make_visit(course, MONDAY - timedelta(weeks=1), status="attended")
    assert remaining_visits(course) == 11
    assert remaining_visits(course_for(physiotherapist)) == 3


def test_a_late_cancellation_is_one_less_than_24_hours_ahead(physiotherapist):
    visit = book(course_for(physiotherapist), MONDAY, time(10, 0))
    visit.cancelled_at = visit.starts_at - timedelta(hours=23)
    assert visit.is_late_cancellation
    visit.cancelled_at = visit.starts_at - timedelta(hours=25)
    assert not visit.is_late_cancellation


@pytest.mark.postgresql
def test_the_database_refuses_overlapping_visits_of_one_physiotherapist(physiotherapist):
    make_visit(course_for(physiotherapist), MONDAY, time(10, 0))
    with pytest.raises(IntegrityError, match="visit_no_double_booking"), transaction.atomic():
        make_visit(course_for(physiotherapist), MONDAY, time(10, 10))


def test_a_refusal_at_the_end_of_the_calendar_offers_nothing_instead_of_failing(physiotherapist):
    with pytest.raises(BookingRefused) as refused:
        book(course_for(physiotherapist), date(9999, 12, 30), time(7, 0))
    assert refused.value.alternatives == []

"""A weekly series (treatments/booking/series.py): each week booked on its own, what became of
each kept for whoever booked it, and the times offered for the weeks that could not be booked.

The clock stands at Tuesday 10 March 2026, noon; MONDAY is the 16th.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import (
    IMS_TREATMENT,
    INITIAL_ASSESSMENT,
    TODAY,
    make_course,
    make_patient,
    make_visit,
    visit_type,
)
from tests.treatments.booking.helpers import MONDAY, book
from treatments.booking import series, services
from treatments.booking.rules import BookingRefused
from treatments.booking.series import accept_alternative, finish, remaining_treatments, weeks_of
from treatments.models import BookingSeries, Visit

pytestmark = pytest.mark.django_db


def week(n: int) -> date:
    """The Monday of the series' nth week."""
    return MONDAY + timedelta(weeks=n - 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def book_series(course, weeks: int = 6, kind: str = IMS_TREATMENT, booked_by=None, **fields):
    fields = {"first_day": MONDAY, "start_time": time(10), **fields}
    return series.book_series(
        patient=course.patient, course=course, physiotherapist=course.physiotherapist,
        visit_type=visit_type(kind), weeks=weeks, booked_by=booked_by or course.physiotherapist,
        **fields,
    )  # fmt: skip


def booked(outcome: BookingSeries) -> list[bool]:
    return [week.visit is not None for week in weeks_of(outcome)]


@pytest.fixture
def taken_in_week_four(physiotherapist):
    """Another patient has Priya from 10:00 to 10:30 on the fourth Monday."""
    return make_visit(make_course(make_patient(), physiotherapist), week(4), time(10))


# Booking a series --------------------------------------------------------------------------


def test_it_books_every_week_that_keeps_the_rules(course, front_desk):
    outcome = book_series(course, weeks=6, booked_by=front_desk)
    assert booked(outcome) == [True] * 6
    assert list(course.visits.values_list("date", flat=True)) == [week(n) for n in range(1, 7)]
    assert outcome.handled_at is not None  # nothing left to deal with
    assert not BookingSeries.objects.open_for(front_desk).exists()


def test_a_week_that_clashes_is_kept_with_its_problem_and_a_time_that_day(
    course, taken_in_week_four
):
    outcome = book_series(course, weeks=6)
    assert booked(outcome) == [True, True, True, False, True, True]
    fourth = weeks_of(outcome)[3]
    assert (fourth.number, fourth.day, fourth.start_time) == (4, week(4), time(10))
    assert fourth.problem == (
        "Priya Physio already has a visit on Monday 6 April 2026 from 10:00 to 10:30."
    )
    assert fourth.alternative == at(week(4), 9, 30)
    assert outcome.handled_at is None


def test_a_visit_between_two_weeks_clashes_with_both(course):
    make_visit(course, week(4) + timedelta(days=2))  # an IMS treatment on a Wednesday
    outcome = book_series(course, weeks=6)
    assert booked(outcome) == [True, True, True, False, False, True]
    for refused in weeks_of(outcome)[3:5]:
        assert "IMS is given at most once a week" in refused.problem
        # Every day within 3 days is within a week of a needling visit: nothing to offer.
        assert refused.alternative is None


def test_the_time_offered_is_within_three_days_and_keeps_the_weekly_rule(course):
    thursday = week(2) + timedelta(days=3)
    make_visit(course, thursday)  # an IMS treatment
    outcome = book_series(course, weeks=1, first_day=thursday + timedelta(days=5))  # Tuesday
    # The first day a week after that Thursday, at the start of the day: the nearest to 10:00
    # on the Tuesday.
    assert weeks_of(outcome)[0].alternative == at(thursday + timedelta(days=7), 8)


def test_no_time_is_offered_when_none_within_three_days_keeps_the_rules(course):
    thursday = week(2) + timedelta(days=3)
    make_visit(course, thursday)
    outcome = book_series(course, weeks=1, first_day=thursday - timedelta(days=3))  # Monday
    refused = weeks_of(outcome)[0]
    assert "at most once a week" in refused.problem
    assert refused.alternative is None


def test_a_series_of_visits_without_needling_ignores_the_weekly_rule(course):
    make_visit(course, week(2) + timedelta(days=2))  # an IMS treatment on a Wednesday
    outcome = book_series(course, weeks=3, kind="Follow-up without needling")
    assert booked(outcome) == [True, True, True]


def test_a_series_runs_at_the_types_length(course, taken_in_week_four):
    outcome = book_series(course, weeks=4, kind=INITIAL_ASSESSMENT, start_time=time(9, 15))
    fourth = weeks_of(outcome)[3]
    assert "from 10:00 to 10:30" in fourth.problem
    assert fourth.alternative == at(week(4), 9)  # 60 minutes, ending as the other visit starts
    assert all(visit.duration_minutes == 60 for visit in course.visits.all())


@pytest.mark.parametrize("weeks", [0, 53, 200, -1])
def test_a_series_of_zero_or_too_many_weeks_is_refused(course, weeks):
    with pytest.raises(ValidationError) as refused:
        book_series(course, weeks=weeks)
    assert refused.value.messages == ["A weekly series is from 1 to 52 weeks."]
    assert not Visit.objects.exists()
    assert not BookingSeries.objects.exists()


@pytest.mark.parametrize("weeks", [1, 52])
def test_a_series_is_from_one_to_52_weeks(course, weeks):
    outcome = book_series(course, weeks=weeks, kind="Follow-up without needling")
    assert booked(outcome) == [True] * weeks


def test_a_series_is_not_half_saved_by_an_unexpected_error(course, monkeypatch):
    real_book, calls = services.book_visit, []

    def fail_on_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_book(**kwargs)

    monkeypatch.setattr(services, "book_visit", fail_on_third)
    with pytest.raises(RuntimeError):
        book_series(course, weeks=6)
    assert not Visit.objects.exists()
    assert not BookingSeries.objects.exists()


# The outcome, kept for whoever booked it ---------------------------------------------------


def test_the_outcome_is_kept_for_whoever_booked_it_until_handled(
    course, front_desk, physiotherapist, taken_in_week_four
):
    outcome = book_series(course, weeks=6, booked_by=front_desk)
    assert list(BookingSeries.objects.open_for(front_desk)) == [outcome]
    assert not BookingSeries.objects.open_for(physiotherapist).exists()
    kept = weeks_of(BookingSeries.objects.get(pk=outcome.pk))
    assert [w.visit for w in kept if w.visit] == list(course.visits.order_by("date"))
    assert kept[3].problem.startswith("Priya Physio already has a visit")
    assert kept[3].alternative == at(week(4), 9, 30)


def test_accepting_the_time_offered_books_it(course, front_desk, taken_in_week_four):
    outcome = book_series(course, weeks=6, booked_by=front_desk)
    visit = accept_alternative(outcome, 4)
    assert (visit.date, visit.start_time, visit.status) == (week(4), time(9, 30), "booked")
    outcome.refresh_from_db()
    fourth = weeks_of(outcome)[3]
    assert (fourth.visit, fourth.problem, fourth.alternative) == (visit, "", None)
    # Every week is booked now: the series is no longer open.
    assert outcome.handled_at is not None
    assert not BookingSeries.objects.open_for(front_desk).exists()


def test_a_time_taken_since_is_offered_again_and_the_refusal_raised(
    course, physiotherapist, taken_in_week_four
):
    outcome = book_series(course, weeks=6)
    make_visit(make_course(make_patient(), physiotherapist), week(4), time(9, 30))
    with pytest.raises(BookingRefused, match="from 09:30 to 10:00"):
        accept_alternative(outcome, 4)
    outcome.refresh_from_db()
    fourth = weeks_of(outcome)[3]
    assert fourth.visit is None
    assert fourth.problem == (
        "Priya Physio already has a visit on Monday 6 April 2026 from 09:30 to 10:00."
    )
    assert fourth.alternative == at(week(4), 9)
    assert outcome.handled_at is None
    assert accept_alternative(outcome, 4).start_time == time(9)


@pytest.mark.parametrize(
    "number", [1, 2, 7, -1], ids=["booked", "nothing offered", "after the last", "no such week"]
)
def test_only_a_week_with_a_time_offered_can_be_accepted(course, taken_in_week_four, number):
    make_visit(course, week(2) + timedelta(days=2))  # weeks 2 and 3 clash, nothing offered
    outcome = book_series(course, weeks=6)
    kept = outcome.weeks
    with pytest.raises(ValidationError) as refused:
        accept_alternative(outcome, number)
    assert refused.value.messages == ["There is no time to accept for that week."]
    assert course.visits.counting().count() == 4
    assert BookingSeries.objects.get(pk=outcome.pk).weeks == kept


def test_a_finished_series_offers_nothing_to_accept(course, taken_in_week_four):
    outcome = book_series(course, weeks=6)
    finish(outcome)
    with pytest.raises(ValidationError, match="There is no time to accept"):
        accept_alternative(outcome, 4)
    assert course.visits.count() == 5


def test_finishing_a_series_closes_it_once(course, front_desk, taken_in_week_four, clock):
    outcome = book_series(course, weeks=6, booked_by=front_desk)
    finish(outcome)
    finished_at = outcome.handled_at
    assert finished_at == timezone.now()
    clock.shift(timedelta(hours=1))
    finish(BookingSeries.objects.get(pk=outcome.pk))
    assert BookingSeries.objects.get(pk=outcome.pk).handled_at == finished_at
    assert not BookingSeries.objects.open_for(front_desk).exists()
    assert course.visits.count() == 5  # finishing books and cancels nothing


# The default length of a series ------------------------------------------------------------


def test_a_series_defaults_to_the_rest_of_the_courses_ims_treatments(course, patient):
    extended = make_course(patient, course.physiotherapist, expected_length="extended")
    make_visit(extended, TODAY - timedelta(weeks=2), status=Visit.Status.ATTENDED)
    make_visit(extended, TODAY - timedelta(weeks=1), status=Visit.Status.NO_SHOW)
    make_visit(extended, TODAY - timedelta(days=3), kind=INITIAL_ASSESSMENT, status="attended")
    make_visit(extended, MONDAY, kind="Follow-up without needling")
    book(extended, MONDAY + timedelta(days=1))
    assert remaining_treatments(extended) == 12 - 2
    assert remaining_treatments(course) == 3


def test_a_series_defaults_to_one_week_when_the_course_has_had_its_treatments(course):
    for n in range(4):
        make_visit(course, TODAY - timedelta(weeks=n + 1), status=Visit.Status.ATTENDED)
    assert remaining_treatments(course) == 1

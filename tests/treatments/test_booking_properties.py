"""Random runs of bookings, moves, cancellations, restorations, attendances and no-shows
never leave two booked or attended visits of one patient less than 7 days apart.

Hypothesis calls the real scheduling functions in random order, for three patients and two
physiotherapists over four weeks. A plain-Python model of the clinic says what each call must
do: the weekly rule, one visit at a time per physiotherapist, the clinic's hours (Monday to
Friday, 08:00-18:00, from the data migration 0004_default_hours) and which changes of status
are allowed. After every step the service must have agreed with the model (done, or refused
for a reason the model expected), and the database, read back, must hold what the model holds
and keep the weekly rule. On PostgreSQL, where the exclusion constraints hold the rules too.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from tests.factories import TODAY, make_course, make_patient, make_physiotherapist
from treatments import scheduling
from treatments.models import Visit

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

WEEK = 7  # days between two visits of one patient, at least
LENGTH = timedelta(minutes=30)
OPENS, CLOSES = time(8), time(18)
FIRST_DAY = TODAY - timedelta(days=TODAY.weekday() + 7)  # the Monday of last week
# Two weeks, mostly weekdays and mostly around 10:00, so that visits meet often.
WEEKS = [FIRST_DAY + timedelta(days=n) for n in range(14)]
DAYS = st.sampled_from([day for day in WEEKS if day.weekday() < 5]) | st.sampled_from(WEEKS)
STARTS = st.sampled_from([time(10), time(10, 15), time(10, 30)]) | st.sampled_from(
    [time(7, 30), time(8), time(17, 30), time(17, 45)]
)
REASONS = st.just("Called in sick") | st.sampled_from(["", "  "])
COUNTING = {Visit.Status.BOOKED, Visit.Status.ATTENDED}

# What the service's refusal says, for each reason the model can expect.
SAYS = {
    "closed": ["The clinic is closed", "The clinic is open"],
    "weekly": ["at most once a week"],
    "double": ["already has a visit on"],
    "status": ["Only a booked visit", "Only a cancelled visit"],
    "future": ["A visit in the future cannot be marked"],
    "reason": ["Give the reason the visit was cancelled"],
}


@dataclass
class Booking:
    patient: int
    physiotherapist: int
    day: date
    start: time
    status: str = Visit.Status.BOOKED

    @property
    def counts(self) -> bool:
        return self.status in COUNTING

    def overlaps(self, day: date, start: time) -> bool:
        starts, other = datetime.combine(self.day, self.start), datetime.combine(day, start)
        return starts < other + LENGTH and other < starts + LENGTH


class ClinicModel:
    """The oracle: visits by primary key, and why a change would be refused."""

    def __init__(self):
        self.visits: dict[int, Booking] = {}

    def problems_with_time(
        self, patient: int, physiotherapist: int, day: date, start: time, pk: int | None = None
    ) -> set[str]:
        problems = set()
        ends = (datetime.combine(day, start) + LENGTH).time()
        if day.weekday() >= 5 or start < OPENS or ends > CLOSES:
            problems.add("closed")
        for other_pk, other in self.visits.items():
            if other_pk == pk or not other.counts:
                continue
            if other.patient == patient and abs((other.day - day).days) < WEEK:
                problems.add("weekly")
            if other.physiotherapist == physiotherapist and other.overlaps(day, start):
                problems.add("double")
        return problems

    def problems_with_move(self, pk: int, day: date, start: time) -> set[str]:
        visit = self.visits[pk]
        if visit.status != Visit.Status.BOOKED:
            return {"status"}
        return self.problems_with_time(visit.patient, visit.physiotherapist, day, start, pk)

    def problems_with_cancelling(self, pk: int, reason: str) -> set[str]:
        if self.visits[pk].status != Visit.Status.BOOKED:
            return {"status"}
        return set() if reason.strip() else {"reason"}

    def problems_with_restoring(self, pk: int) -> set[str]:
        visit = self.visits[pk]
        if visit.status != Visit.Status.CANCELLED:
            return {"status"}
        return self.problems_with_time(
            visit.patient, visit.physiotherapist, visit.day, visit.start, pk
        )

    def problems_with_closing(self, pk: int) -> set[str]:
        """Marking a visit attended or a no-show: it must be booked, and not in the future."""
        visit = self.visits[pk]
        if visit.status != Visit.Status.BOOKED:
            return {"status"}
        return {"future"} if visit.day > TODAY else set()


def attempt(change: Callable[[], Visit]) -> tuple[Visit | None, str]:
    """Call a scheduling function: the visit and "done", or None and why it was refused."""
    try:
        return change(), "done"
    except ValidationError as refusal:
        return None, " ".join(refusal.messages)


def assert_agrees(result: str, expected: set[str]) -> None:
    if not expected:
        assert result == "done", f"refused, though the model allows it: {result}"
    else:
        assert result != "done", f"done, though the model refuses it: {sorted(expected)}"
        phrases = [phrase for problem in expected for phrase in SAYS[problem]]
        assert any(phrase in result for phrase in phrases), (sorted(expected), result)


class BookingMachine(RuleBasedStateMachine):
    """Each run starts with no visits, in a savepoint rolled back at its end."""

    visits = Bundle("visits")

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.physiotherapists = [make_physiotherapist() for _ in range(2)]
        self.courses = [
            make_course(make_patient(), self.physiotherapists[n % 2], started_on=FIRST_DAY)
            for n in range(3)
        ]
        self.model = ClinicModel()

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def load(self, pk: int) -> Visit:
        return Visit.objects.select_related("patient").get(pk=pk)

    @rule(
        target=visits,
        patient=st.integers(0, 2),
        physiotherapist=st.integers(0, 1),
        day=DAYS,
        start=STARTS,
    )
    def book(self, patient: int, physiotherapist: int, day: date, start: time):
        expected = self.model.problems_with_time(patient, physiotherapist, day, start)
        course, user = self.courses[patient], self.physiotherapists[physiotherapist]
        visit, result = attempt(
            lambda: scheduling.book_visit(
                course=course, physiotherapist=user, day=day, start_time=start
            )
        )
        assert_agrees(result, expected)
        if visit is None:
            return multiple()
        self.model.visits[visit.pk] = Booking(patient, physiotherapist, day, start)
        return visit.pk

    @rule(pk=visits, day=DAYS, start=STARTS)
    def move(self, pk: int, day: date, start: time):
        expected = self.model.problems_with_move(pk, day, start)
        visit = self.load(pk)
        _, result = attempt(lambda: scheduling.move_visit(visit, day=day, start_time=start))
        assert_agrees(result, expected)
        if not expected:
            self.model.visits[pk].day, self.model.visits[pk].start = day, start

    @rule(pk=visits, reason=REASONS)
    def cancel(self, pk: int, reason: str):
        expected = self.model.problems_with_cancelling(pk, reason)
        visit = self.load(pk)
        _, result = attempt(lambda: scheduling.cancel_visit(visit, reason=reason))
        assert_agrees(result, expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.CANCELLED

    @rule(pk=visits)
    def restore(self, pk: int):
        expected = self.model.problems_with_restoring(pk)
        visit = self.load(pk)
        _, result = attempt(lambda: scheduling.restore_visit(visit))
        assert_agrees(result, expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.BOOKED

    @rule(pk=visits)
    def mark_attended(self, pk: int):
        expected = self.model.problems_with_closing(pk)
        visit = self.load(pk)
        _, result = attempt(lambda: scheduling.mark_attended(visit))
        assert_agrees(result, expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.ATTENDED

    @rule(pk=visits)
    def mark_no_show(self, pk: int):
        expected = self.model.problems_with_closing(pk)
        visit = self.load(pk)
        _, result = attempt(lambda: scheduling.mark_no_show(visit))
        assert_agrees(result, expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.NO_SHOW

    @invariant()
    def the_database_holds_what_the_model_holds(self):
        patients = {course.patient_id: n for n, course in enumerate(self.courses)}
        physiotherapists = {user.pk: n for n, user in enumerate(self.physiotherapists)}
        stored = {
            pk: Booking(patients[patient], physiotherapists[physiotherapist], day, start, status)
            for pk, patient, physiotherapist, day, start, status in Visit.objects.values_list(
                "pk", "patient", "physiotherapist", "date", "start_time", "status"
            )
        }
        assert stored == self.model.visits

    @invariant()
    def no_two_counting_visits_of_a_patient_are_less_than_a_week_apart(self):
        days = defaultdict(list)
        for patient, day in Visit.objects.counting().values_list("patient", "date"):
            days[patient].append(day)
        for patient, dates in days.items():
            dates.sort()
            gaps = [(later - earlier).days for earlier, later in pairwise(dates)]
            assert all(gap >= WEEK for gap in gaps), (patient, dates)


def test_random_bookings_moves_and_cancellations_keep_each_patient_a_week_apart(clock):
    run_state_machine_as_test(BookingMachine, settings=settings(stateful_step_count=30))

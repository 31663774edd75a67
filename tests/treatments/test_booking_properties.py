"""Random runs of bookings, moves, cancellations, restorations, attendances and no-shows
never leave two booked or attended sessions of one patient less than 7 days apart.

Hypothesis calls the real scheduling functions in random order, for three patients and two
physiotherapists over four weeks. A plain-Python model of the clinic says what each call must
do: the weekly rule, one session at a time per physiotherapist, the clinic's hours (Monday to
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

from tests.factories import make_course, make_patient, make_physiotherapist
from tests.treatments.conftest import TODAY
from treatments import scheduling
from treatments.models import Session

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

WEEK = 7  # days between two sessions of one patient, at least
LENGTH = timedelta(minutes=30)
OPENS, CLOSES = time(8), time(18)
FIRST_DAY = TODAY - timedelta(days=TODAY.weekday() + 7)  # the Monday of last week
# Two weeks, mostly weekdays and mostly around 10:00, so that sessions meet often.
WEEKS = [FIRST_DAY + timedelta(days=n) for n in range(14)]
DAYS = st.sampled_from([day for day in WEEKS if day.weekday() < 5]) | st.sampled_from(WEEKS)
STARTS = st.sampled_from([time(10), time(10, 15), time(10, 30)]) | st.sampled_from(
    [time(7, 30), time(8), time(17, 30), time(17, 45)]
)
REASONS = st.just("Called in sick") | st.sampled_from(["", "  "])
COUNTING = {Session.Status.BOOKED, Session.Status.ATTENDED}

# What the service's refusal says, for each reason the model can expect.
SAYS = {
    "closed": ["The clinic is closed", "The clinic is open"],
    "weekly": ["at most once a week"],
    "double": ["already has a session on"],
    "status": ["Only a booked session", "Only a cancelled session"],
    "future": ["A session in the future cannot be marked"],
    "reason": ["Give the reason the session was cancelled"],
}


@dataclass
class Booking:
    patient: int
    practitioner: int
    day: date
    start: time
    status: str = Session.Status.BOOKED

    @property
    def counts(self) -> bool:
        return self.status in COUNTING

    def overlaps(self, day: date, start: time) -> bool:
        starts, other = datetime.combine(self.day, self.start), datetime.combine(day, start)
        return starts < other + LENGTH and other < starts + LENGTH


class ClinicModel:
    """The oracle: sessions by primary key, and why a change would be refused."""

    def __init__(self):
        self.sessions: dict[int, Booking] = {}

    def problems_with_time(
        self, patient: int, practitioner: int, day: date, start: time, pk: int | None = None
    ) -> set[str]:
        problems = set()
        ends = (datetime.combine(day, start) + LENGTH).time()
        if day.weekday() >= 5 or start < OPENS or ends > CLOSES:
            problems.add("closed")
        for other_pk, other in self.sessions.items():
            if other_pk == pk or not other.counts:
                continue
            if other.patient == patient and abs((other.day - day).days) < WEEK:
                problems.add("weekly")
            if other.practitioner == practitioner and other.overlaps(day, start):
                problems.add("double")
        return problems

    def problems_with_move(self, pk: int, day: date, start: time) -> set[str]:
        session = self.sessions[pk]
        if session.status != Session.Status.BOOKED:
            return {"status"}
        return self.problems_with_time(session.patient, session.practitioner, day, start, pk)

    def problems_with_cancelling(self, pk: int, reason: str) -> set[str]:
        if self.sessions[pk].status != Session.Status.BOOKED:
            return {"status"}
        return set() if reason.strip() else {"reason"}

    def problems_with_restoring(self, pk: int) -> set[str]:
        session = self.sessions[pk]
        if session.status != Session.Status.CANCELLED:
            return {"status"}
        return self.problems_with_time(
            session.patient, session.practitioner, session.day, session.start, pk
        )

    def problems_with_closing(self, pk: int) -> set[str]:
        """Marking a session attended or a no-show: it must be booked, and not in the future."""
        session = self.sessions[pk]
        if session.status != Session.Status.BOOKED:
            return {"status"}
        return {"future"} if session.day > TODAY else set()


def attempt(change: Callable[[], Session]) -> tuple[Session | None, str]:
    """Call a scheduling function: the session and "done", or None and why it was refused."""
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
    """Each run starts with no sessions, in a savepoint rolled back at its end."""

    sessions = Bundle("sessions")

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.practitioners = [make_physiotherapist() for _ in range(2)]
        self.courses = [
            make_course(make_patient(), self.practitioners[n % 2], started_on=FIRST_DAY)
            for n in range(3)
        ]
        self.model = ClinicModel()

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def load(self, pk: int) -> Session:
        return Session.objects.select_related("patient").get(pk=pk)

    @rule(
        target=sessions,
        patient=st.integers(0, 2),
        practitioner=st.integers(0, 1),
        day=DAYS,
        start=STARTS,
    )
    def book(self, patient: int, practitioner: int, day: date, start: time):
        expected = self.model.problems_with_time(patient, practitioner, day, start)
        course, user = self.courses[patient], self.practitioners[practitioner]
        session, result = attempt(
            lambda: scheduling.book_session(
                course=course, practitioner=user, day=day, start_time=start
            )
        )
        assert_agrees(result, expected)
        if session is None:
            return multiple()
        self.model.sessions[session.pk] = Booking(patient, practitioner, day, start)
        return session.pk

    @rule(pk=sessions, day=DAYS, start=STARTS)
    def move(self, pk: int, day: date, start: time):
        expected = self.model.problems_with_move(pk, day, start)
        session = self.load(pk)
        _, result = attempt(lambda: scheduling.move_session(session, day=day, start_time=start))
        assert_agrees(result, expected)
        if not expected:
            self.model.sessions[pk].day, self.model.sessions[pk].start = day, start

    @rule(pk=sessions, reason=REASONS)
    def cancel(self, pk: int, reason: str):
        expected = self.model.problems_with_cancelling(pk, reason)
        session = self.load(pk)
        _, result = attempt(lambda: scheduling.cancel_session(session, reason=reason))
        assert_agrees(result, expected)
        if not expected:
            self.model.sessions[pk].status = Session.Status.CANCELLED

    @rule(pk=sessions)
    def restore(self, pk: int):
        expected = self.model.problems_with_restoring(pk)
        session = self.load(pk)
        _, result = attempt(lambda: scheduling.restore_session(session))
        assert_agrees(result, expected)
        if not expected:
            self.model.sessions[pk].status = Session.Status.BOOKED

    @rule(pk=sessions)
    def mark_attended(self, pk: int):
        expected = self.model.problems_with_closing(pk)
        session = self.load(pk)
        _, result = attempt(lambda: scheduling.mark_attended(session))
        assert_agrees(result, expected)
        if not expected:
            self.model.sessions[pk].status = Session.Status.ATTENDED

    @rule(pk=sessions)
    def mark_no_show(self, pk: int):
        expected = self.model.problems_with_closing(pk)
        session = self.load(pk)
        _, result = attempt(lambda: scheduling.mark_no_show(session))
        assert_agrees(result, expected)
        if not expected:
            self.model.sessions[pk].status = Session.Status.NO_SHOW

    @invariant()
    def the_database_holds_what_the_model_holds(self):
        patients = {course.patient_id: n for n, course in enumerate(self.courses)}
        practitioners = {user.pk: n for n, user in enumerate(self.practitioners)}
        stored = {
            pk: Booking(patients[patient], practitioners[practitioner], day, start, status)
            for pk, patient, practitioner, day, start, status in Session.objects.values_list(
                "pk", "patient", "practitioner", "date", "start_time", "status"
            )
        }
        assert stored == self.model.sessions

    @invariant()
    def no_two_counting_sessions_of_a_patient_are_less_than_a_week_apart(self):
        days = defaultdict(list)
        for patient, day in Session.objects.counting().values_list("patient", "date"):
            days[patient].append(day)
        for patient, dates in days.items():
            dates.sort()
            gaps = [(later - earlier).days for earlier, later in pairwise(dates)]
            assert all(gap >= WEEK for gap in gaps), (patient, dates)


def test_random_bookings_moves_and_cancellations_keep_each_patient_a_week_apart(clock):
    run_state_machine_as_test(BookingMachine, settings=settings(stateful_step_count=30))

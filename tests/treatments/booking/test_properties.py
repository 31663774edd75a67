"""Random runs of every named change never break a booking rule, and the services agree with a
plain-Python model of the clinic on every step.

Hypothesis books, moves, cancels, restores, marks attended or no-show and undoes those, in
random order, for three patients and two physiotherapists over three weeks, with each of the
default visit types (30 to 60 minutes, needling or not), while the clock moves on. The model
says what each call must do: the weekly rule for needling visits, one visit at a time per
physiotherapist, the clinic's hours (Monday to Friday, 08:00-18:00, from the data migration
0004_default_hours), a booking ahead, a visit marked only once it has started, an IMS treatment
in a course, and which change is allowed from which status. After every step the service must
have agreed with the model (done, or refused for a reason the model expected), and the
database, read back, must hold what the model holds and keep the rules. On PostgreSQL, where
the exclusion constraints hold the rules too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.factories import TODAY, make_course, make_patient, make_physiotherapist, visit_type
from treatments.booking import services
from treatments.models import Visit

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

WEEK = 7  # days between two needling visits of one patient, at least
OPENS, CLOSES = time(8), time(18)
# The default types: (length in minutes, needling).
TYPES = {
    "Initial assessment": (60, False),
    "IMS treatment": (30, True),
    "Re-assessment": (45, False),
    "Follow-up without needling": (30, False),
}
FIRST_DAY = TODAY - timedelta(days=TODAY.weekday() + 7)  # the Monday of last week
LAST_DAY = FIRST_DAY + timedelta(days=20)
WINDOW = [FIRST_DAY + timedelta(days=n) for n in range(21)]
# Mostly the next few weekdays, mostly a few times, and mostly IMS treatments, so that visits
# meet often and time soon passes them; now and then a day or a time the rules refuse.
SOON = [TODAY + timedelta(days=n) for n in (0, 1, 2, 6, 8)]
DAYS = st.sampled_from(SOON * 4 + WINDOW)
OFTEN = [time(10), time(10, 15), time(10, 30), time(14), time(14, 30)]
EDGES = [time(7, 30), time(8), time(12), time(12, 15), time(17, 15), time(17, 30), time(17, 45)]
STARTS = st.sampled_from(OFTEN * 2 + EDGES)
KINDS = st.sampled_from(["IMS treatment"] * 3 + list(TYPES))
REASONS = st.just("Called in sick") | st.sampled_from(["", "  "])
COUNTING = {Visit.Status.BOOKED, Visit.Status.ATTENDED}

# What the service's refusal says, for each reason the model can expect.
SAYS = {
    "passed": ["This time has passed"],
    "closed": ["The clinic is closed", "The clinic is open"],
    "weekly": ["at most once a week"],
    "double": ["already has a visit on"],
    "course": ["An IMS treatment is part of a course"],
    "status": [
        "Only a booked visit", "Only a cancelled visit", "Only an attended visit",
        "Only a no-show",
    ],
    "not_started": ["only once it has started"],
    "reason": ["Give the reason the visit was cancelled", "Say why"],
}  # fmt: skip


@dataclass
class Booking:
    patient: int
    physiotherapist: int
    kind: str
    in_course: bool
    day: date
    start: time
    status: str = Visit.Status.BOOKED

    @property
    def needling(self) -> bool:
        return TYPES[self.kind][1]

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.day, self.start)

    @property
    def ends(self) -> datetime:
        return self.starts + timedelta(minutes=TYPES[self.kind][0])

    @property
    def counts(self) -> bool:
        return self.status in COUNTING

    def too_close_for_needling(self, other: "Booking") -> bool:
        return (
            self.needling and other.needling and self.patient == other.patient
            and abs((self.day - other.day).days) < WEEK
        )  # fmt: skip

    def overlaps(self, other: "Booking") -> bool:
        return self.physiotherapist == other.physiotherapist and (
            self.starts < other.ends and other.starts < self.ends
        )


class ClinicModel:
    """The oracle: visits by primary key, the time now, and why a change would be refused."""

    def __init__(self, now: datetime):
        self.visits: dict[int, Booking] = {}
        self.now = now  # the clinic's local time, without a zone

    def clashes(self, wanted: Booking, pk: int | None = None) -> set[str]:
        problems = set()
        for other_pk, other in self.visits.items():
            if other_pk == pk or not other.counts:
                continue
            if wanted.too_close_for_needling(other):
                problems.add("weekly")
            if wanted.overlaps(other):
                problems.add("double")
        return problems

    def problems_with_booking(self, wanted: Booking, pk: int | None = None) -> set[str]:
        """A new, moved or restored booking: ahead, within the hours, and keeping the rules."""
        problems = self.clashes(wanted, pk)
        if wanted.starts <= self.now:
            problems.add("passed")
        closes = datetime.combine(wanted.day, CLOSES)
        if wanted.day.weekday() >= 5 or wanted.start < OPENS or wanted.ends > closes:
            problems.add("closed")
        if wanted.needling and not wanted.in_course:
            problems.add("course")
        return problems

    def problems_with_move(self, pk: int, moved: Booking) -> set[str]:
        if self.visits[pk].status != Visit.Status.BOOKED:
            return {"status"}
        return self.problems_with_booking(moved, pk)

    def problems_with_cancelling(self, pk: int, reason: str) -> set[str]:
        if self.visits[pk].status != Visit.Status.BOOKED:
            return {"status"}
        return set() if reason.strip() else {"reason"}

    def problems_with_restoring(self, pk: int) -> set[str]:
        visit = self.visits[pk]
        if visit.status != Visit.Status.CANCELLED:
            return {"status"}
        return self.problems_with_booking(visit, pk)

    def problems_with_marking(self, pk: int) -> set[str]:
        """Marking a visit attended or a no-show: it must be booked, and have started."""
        visit = self.visits[pk]
        if visit.status != Visit.Status.BOOKED:
            return {"status"}
        return {"not_started"} if visit.starts > self.now else set()

    def problems_with_undoing(self, pk: int, status: str, reason: str) -> set[str]:
        """Setting an attended visit or a no-show back to booked, with a reason. A no-show
        held no time and no week, so the rules are checked again (not the hours, nor "ahead")."""
        visit = self.visits[pk]
        if visit.status != status:
            return {"status"}
        if not reason.strip():
            return {"reason"}
        return self.clashes(visit, pk) if status == Visit.Status.NO_SHOW else set()


def attempt(change: Callable[[], object]) -> str:
    """Call a service: "done", or why it was refused."""
    try:
        change()
    except ValidationError as refusal:
        return " ".join(refusal.messages)
    return "done"


def assert_agrees(result: str, expected: set[str]) -> None:
    if not expected:
        assert result == "done", f"refused, though the model allows it: {result}"
    else:
        assert result != "done", f"done, though the model refuses it: {sorted(expected)}"
        phrases = [phrase for problem in expected for phrase in SAYS[problem]]
        assert any(phrase in result for phrase in phrases), (sorted(expected), result)


class BookingMachine(RuleBasedStateMachine):
    """Each run starts at the clock's noon with no visits, in a savepoint rolled back at its
    end."""

    visits = Bundle("visits")

    def __init__(self, clock):
        super().__init__()
        self.clock = clock
        clock.move_to(timezone.make_aware(datetime.combine(TODAY, time(12))))
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.physiotherapists = [make_physiotherapist() for _ in range(2)]
        self.courses = [
            make_course(make_patient(), self.physiotherapists[n % 2], started_on=FIRST_DAY)
            for n in range(3)
        ]
        self.model = ClinicModel(self.local_now())

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def local_now(self) -> datetime:
        return timezone.localtime().replace(tzinfo=None)

    def load(self, pk: int) -> Visit:
        return Visit.objects.select_related("patient", "course").get(pk=pk)

    @rule(
        target=visits,
        patient=st.integers(0, 2),
        physiotherapist=st.integers(0, 1),
        kind=KINDS,
        in_course=st.booleans() | st.just(True),
        day=DAYS,
        start=STARTS,
    )
    def book(self, patient, physiotherapist, kind, in_course, day, start):
        return self.try_booking(Booking(patient, physiotherapist, kind, in_course, day, start))

    @rule(
        target=visits,
        pk=visits,
        same_patient=st.booleans(),
        same_physiotherapist=st.booleans(),
        days=st.sampled_from([-7, -6, -1, 0, 1, 6, 7]),
        minutes=st.sampled_from([-45, -30, -15, 0, 15, 30, 45]),
        kind=KINDS,
    )
    def book_near(self, pk, same_patient, same_physiotherapist, days, minutes, kind):
        """Book close to a visit of the same or another patient, with the same or another
        physiotherapist: where the weekly rule and double booking are tried most."""
        near = self.model.visits[pk]
        patient = near.patient if same_patient else (near.patient + 1) % 3
        physiotherapist = near.physiotherapist if same_physiotherapist else 1 - near.physiotherapist
        starts = near.starts + timedelta(days=days, minutes=minutes)
        wanted = Booking(patient, physiotherapist, kind, True, starts.date(), starts.time())
        return self.try_booking(wanted)

    def try_booking(self, wanted: Booking):
        expected = self.model.problems_with_booking(wanted)
        booked = []

        def book_visit() -> None:
            course = self.courses[wanted.patient]
            booked.append(
                services.book_visit(
                    patient=course.patient, course=course if wanted.in_course else None,
                    physiotherapist=self.physiotherapists[wanted.physiotherapist],
                    visit_type=visit_type(wanted.kind), day=wanted.day, start_time=wanted.start,
                )
            )  # fmt: skip

        assert_agrees(attempt(book_visit), expected)
        if not booked:
            return multiple()
        self.model.visits[booked[0].pk] = wanted
        return booked[0].pk

    @rule(
        pk=visits,
        day=DAYS,
        start=STARTS,
        kind=st.none() | KINDS,
        physiotherapist=st.none() | st.integers(0, 1),
    )
    def move(self, pk, day, start, kind, physiotherapist):
        """Move to another time, and perhaps to another type or physiotherapist."""
        was = self.model.visits[pk]
        moved = Booking(
            was.patient,
            was.physiotherapist if physiotherapist is None else physiotherapist,
            was.kind if kind is None else kind,
            was.in_course, day, start,
        )  # fmt: skip
        expected = self.model.problems_with_move(pk, moved)
        visit = self.load(pk)

        def move_visit() -> None:
            services.move_visit(
                visit, day=day, start_time=start,
                visit_type=None if kind is None else visit_type(kind),
                physiotherapist=None if physiotherapist is None else (
                    self.physiotherapists[physiotherapist]
                ),
            )  # fmt: skip

        assert_agrees(attempt(move_visit), expected)
        if not expected:
            self.model.visits[pk] = moved

    @rule(pk=visits, reason=REASONS)
    def cancel(self, pk, reason):
        expected = self.model.problems_with_cancelling(pk, reason)
        visit = self.load(pk)
        assert_agrees(attempt(lambda: services.cancel_visit(visit, reason=reason)), expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.CANCELLED

    @rule(pk=visits)
    def restore(self, pk):
        expected = self.model.problems_with_restoring(pk)
        visit = self.load(pk)
        assert_agrees(attempt(lambda: services.restore_visit(visit)), expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.BOOKED

    @rule(pk=visits)
    def mark_attended(self, pk):
        expected = self.model.problems_with_marking(pk)
        visit = self.load(pk)
        assert_agrees(attempt(lambda: services.mark_attended(visit)), expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.ATTENDED

    @rule(pk=visits)
    def mark_no_show(self, pk):
        expected = self.model.problems_with_marking(pk)
        visit = self.load(pk)
        assert_agrees(attempt(lambda: services.mark_no_show(visit)), expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.NO_SHOW

    @rule(pk=visits, reason=REASONS)
    def undo_attended(self, pk, reason):
        expected = self.model.problems_with_undoing(pk, Visit.Status.ATTENDED, reason)
        visit = self.load(pk)
        assert_agrees(attempt(lambda: services.undo_attended(visit, reason=reason)), expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.BOOKED

    @rule(pk=visits, reason=REASONS)
    def undo_no_show(self, pk, reason):
        expected = self.model.problems_with_undoing(pk, Visit.Status.NO_SHOW, reason)
        visit = self.load(pk)
        assert_agrees(attempt(lambda: services.undo_no_show(visit, reason=reason)), expected)
        if not expected:
            self.model.visits[pk].status = Visit.Status.BOOKED

    @precondition(lambda self: self.model.now.date() < LAST_DAY)
    @rule(hours=st.sampled_from([2, 6, 24, 48]))
    def time_passes(self, hours):
        self.clock.shift(timedelta(hours=hours))
        self.model.now = self.local_now()

    @rule(pk=visits, minutes=st.sampled_from([0, 10, 45]))
    def time_comes_for(self, pk, minutes):
        """The clock moves on to a visit's start, or a little after, so it can be marked."""
        moment = self.model.visits[pk].starts + timedelta(minutes=minutes)
        if moment > self.model.now:
            self.clock.move_to(timezone.make_aware(moment))
            self.model.now = self.local_now()

    @invariant()
    def the_database_holds_what_the_model_holds(self):
        patients = {course.patient_id: n for n, course in enumerate(self.courses)}
        physiotherapists = {user.pk: n for n, user in enumerate(self.physiotherapists)}
        stored = {}
        for visit in Visit.objects.select_related("visit_type"):
            stored[visit.pk] = Booking(
                patients[visit.patient_id], physiotherapists[visit.physiotherapist_id],
                visit.visit_type.name, visit.course_id is not None, visit.date,
                visit.start_time, visit.status,
            )  # fmt: skip
            # The length and the needling flag were copied from the type.
            assert (visit.duration_minutes, visit.is_needling) == TYPES[visit.visit_type.name]
            assert (visit.status == Visit.Status.CANCELLED) == (visit.cancelled_at is not None)
        assert stored == self.model.visits

    @invariant()
    def no_counting_visits_break_the_weekly_rule_or_overlap(self):
        counting = [visit for visit in self.model.visits.values() if visit.counts]
        for one, other in combinations(counting, 2):
            assert not one.too_close_for_needling(other), (one, other)
            assert not one.overlaps(other), (one, other)


def test_random_changes_keep_every_booking_rule(clock):
    run_state_machine_as_test(
        lambda: BookingMachine(clock), settings=settings(stateful_step_count=50)
    )

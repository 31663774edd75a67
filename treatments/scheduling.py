"""The once-a-week rule, and the only functions that create, move, cancel or restore a session.

Every path (views, the admin, management commands) books through these functions, so the rule
is checked in one place. Two saves for one patient at the same moment queue on a lock of the
patient's row (PostgreSQL) or on SQLite's IMMEDIATE transactions, so the second one's check sees
the first one's session. On PostgreSQL the exclusion constraint "session_once_a_week" holds the
rule as well, for any path that writes without these functions.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from patients.models import Patient
from treatments.availability import Availability, nearest_free_slots
from treatments.models import DAYS_BETWEEN_SESSIONS, Session, TreatmentCourse

MAX_SERIES_WEEKS = 52


def _day(value: date) -> str:
    return formats.date_format(value, "l j F Y")


def nearest_allowed_dates(taken: list[date], day: date) -> tuple[date, date]:
    """The latest date on or before `day`, and the earliest on or after it, at least 7 days
    from every date in `taken`."""

    def clashes(candidate: date) -> bool:
        return any(abs((candidate - other).days) < DAYS_BETWEEN_SESSIONS for other in taken)

    before, after = day, day
    while clashes(before):
        before -= timedelta(days=1)
    while clashes(after):
        after += timedelta(days=1)
    return before, after


def check_once_a_week(session: Session) -> None:
    """Refuse a booked or attended session within 7 days of another of the same patient's.

    The message names the conflicting session and the nearest dates that would be allowed.
    """
    if session.status not in Session.COUNTING:
        return
    others = list(
        Session.objects.counting()
        .for_patient(session.patient_id)
        .exclude(pk=session.pk)
        .order_by("date")
        .values_list("pk", "date")
    )
    conflict = next(
        ((pk, day) for pk, day in others if abs((day - session.date).days) < DAYS_BETWEEN_SESSIONS),
        None,
    )
    if conflict is None:
        return
    conflicting = Session.objects.get(pk=conflict[0])
    before, after = nearest_allowed_dates([day for _, day in others], session.date)
    gap = abs((conflicting.date - session.date).days)
    apart = "the same day" if gap == 0 else f"{gap} day{'s' if gap > 1 else ''} apart"
    raise ValidationError(
        f"IMS is given at most once a week. {session.patient} already has a session "
        f"{conflicting.get_status_display().lower()} on {_day(conflicting.date)} at "
        f"{conflicting.start_time:%H:%M} ({apart}). The nearest allowed dates are "
        f"{_day(before)} or earlier, and {_day(after)} or later.",
        code="once_a_week",
    )


def check_no_double_booking(session: Session) -> None:
    """Refuse a booked or attended session that overlaps another of the same practitioner."""
    if session.status not in Session.COUNTING:
        return
    # A session lasts at most 240 minutes, so only sessions dated the day before, the day or
    # the day after can overlap: the date range lets the index on (practitioner, date) find
    # them among years of sessions.
    nearby = (session.date - timedelta(days=1), session.date + timedelta(days=1))
    clash = (
        Session.objects.counting()
        .filter(practitioner_id=session.practitioner_id, date__range=nearby)
        .filter(starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
        .exclude(pk=session.pk)
        .select_related("practitioner")
        .first()
    )
    if clash:
        name = clash.practitioner.get_full_name() or clash.practitioner.get_username()
        starts, ends = timezone.localtime(clash.starts_at), timezone.localtime(clash.ends_at)
        raise ValidationError(
            f"{name} already has a session on {_day(clash.date)} from {starts:%H:%M} to "
            f"{ends:%H:%M}.",
            code="double_booking",
        )


def check_bookable(session: Session) -> None:
    """Refuse a time outside the clinic's hours or the practitioner's, or on their day off."""
    availability = Availability.load(
        [session.practitioner_id], session.date, session.date, sessions=False
    )
    problem = availability.problem_with(
        session.practitioner_id, session.date, session.start_time, session.duration_minutes
    )
    if problem:
        raise ValidationError(problem, code="outside_hours")


class BookingRefused(ValidationError):
    """A booking the rules refuse, with the nearest times that would be allowed."""

    def __init__(self, error: ValidationError, alternatives: list[datetime]):
        super().__init__(error.messages)
        self.alternatives = alternatives


def allowed_alternatives(session: Session, *, count: int = 3, days: int = 21) -> list[datetime]:
    """The practitioner's free times nearest the one asked for that also keep the weekly rule."""
    taken = list(
        Session.objects.counting()
        .for_patient(session.patient_id)
        .exclude(pk=session.pk)
        .values_list("date", flat=True)
    )

    def keeps_weekly_rule(day: date) -> bool:
        return all(abs((day - other).days) >= DAYS_BETWEEN_SESSIONS for other in taken)

    around = timezone.make_aware(datetime.combine(session.date, session.start_time))
    return nearest_free_slots(
        session.practitioner_id, around, session.duration_minutes, count=count, days=days,
        allowed=keeps_weekly_rule,
    )  # fmt: skip


def save_session(session: Session) -> Session:
    """Validate and save a session in one transaction, turning a lost race into a clear error."""
    try:
        with transaction.atomic():
            # One save per patient, and per practitioner, at a time: a second booking waits
            # here for the first to commit, then its rule checks see the first one's session.
            # Always patient first, then practitioner, so two bookings never wait on each other.
            Patient.objects.select_for_update().only("pk").get(pk=session.patient_id)
            get_user_model().objects.select_for_update().only("pk").get(pk=session.practitioner_id)
            # Both rows were just locked and the course was loaded by the caller: checking
            # again that each exists would cost three queries on every booking.
            session.full_clean(exclude=["patient", "practitioner", "course"])
            session.save()
    except IntegrityError as error:
        if "session_once_a_week" in str(error):
            # Only a path that skipped the check above gets here: the constraint held the rule.
            raise ValidationError(
                "Another session for this patient was saved at the same moment. Try again.",
                code="once_a_week",
            ) from error
        if "session_no_double_booking" in str(error):
            raise ValidationError(
                "Another session for this physiotherapist was saved at the same moment.",
                code="double_booking",
            ) from error
        raise
    return session


def book_session(
    *,
    course: TreatmentCourse,
    practitioner,
    day: date,
    start_time: time,
    duration_minutes: int = 30,
) -> Session:
    if course.patient.is_archived:
        raise ValidationError("This patient's record is archived. Restore it before booking.")
    if not course.is_active:
        raise ValidationError("This course has ended. Open a new course to book more sessions.")
    session = Session(
        patient=course.patient,
        course=course,
        practitioner=practitioner,
        date=day,
        start_time=start_time,
        duration_minutes=duration_minutes,
        status=Session.Status.BOOKED,
    )
    return save_booking(session)


def save_booking(session: Session) -> Session:
    """Save a new, moved or restored booking: the clinic's and the practitioner's hours are
    checked too, and a refusal carries the nearest times that would be allowed."""
    try:
        check_bookable(session)
        return save_session(session)
    except ValidationError as error:
        raise BookingRefused(error, allowed_alternatives(session)) from error


def move_session(session: Session, *, day: date, start_time: time) -> Session:
    if session.status != Session.Status.BOOKED:
        raise ValidationError("Only a booked session can be moved.")
    session.date, session.start_time = day, start_time
    return save_booking(session)


def cancel_session(session: Session, *, reason: str) -> Session:
    if session.status != Session.Status.BOOKED:
        raise ValidationError("Only a booked session can be cancelled.")
    if not reason.strip():
        raise ValidationError({"cancellation_reason": "Give the reason the session was cancelled."})
    session.status = Session.Status.CANCELLED
    session.cancellation_reason = reason.strip()
    session.cancelled_at = timezone.now()
    return save_session(session)


def restore_session(session: Session) -> Session:
    """Un-cancel a session: it counts for the weekly rule again, so the rule is checked."""
    if session.status != Session.Status.CANCELLED:
        raise ValidationError("Only a cancelled session can be restored.")
    session.status = Session.Status.BOOKED
    session.cancellation_reason = ""
    session.cancelled_at = None
    return save_booking(session)


def mark_attended(session: Session) -> Session:
    if session.status != Session.Status.BOOKED:
        raise ValidationError("Only a booked session can be marked attended.")
    session.status = Session.Status.ATTENDED
    return save_session(session)


def mark_no_show(session: Session) -> Session:
    """The patient missed a booked session: it stays on the record but no longer counts for
    the weekly rule, so the patient can be booked again in the same week."""
    if session.status != Session.Status.BOOKED:
        raise ValidationError("Only a booked session can be marked as a no-show.")
    if session.date > timezone.localdate():
        raise ValidationError("A session in the future cannot be marked as a no-show.")
    session.status = Session.Status.NO_SHOW
    return save_session(session)


@dataclass
class SeriesWeek:
    number: int
    day: date
    start_time: time
    session: Session | None = None
    problem: str = ""
    alternative: datetime | None = None


def remaining_sessions(course: TreatmentCourse) -> int:
    """How many more sessions the course's expected range allows (the series' default)."""
    counted = course.sessions.filter(status__in=Session.COUNTING).count()
    return max(course.expected_sessions[1] - counted, 1)


def book_series(
    *, course: TreatmentCourse, practitioner, first_day: date, start_time: time, weeks: int,
    duration_minutes: int = 30,
) -> list[SeriesWeek]:  # fmt: skip
    """Book the same weekday and time for `weeks` weeks; each week is checked on its own.

    Weeks that keep every rule are booked; each that does not is reported with the nearest
    allowed time in that week. An unexpected error books none of them.
    """
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise ValidationError(f"A weekly series is from 1 to {MAX_SERIES_WEEKS} weeks.")
    plan = [SeriesWeek(n + 1, first_day + timedelta(weeks=n), start_time) for n in range(weeks)]
    with transaction.atomic():
        for week in plan:
            try:
                week.session = book_session(
                    course=course, practitioner=practitioner, day=week.day,
                    start_time=start_time, duration_minutes=duration_minutes,
                )  # fmt: skip
            except BookingRefused as refused:
                week.problem = " ".join(refused.messages)
        # Alternatives once every bookable week is in, so none of them clashes with those.
        for week in plan:
            if week.problem:
                wanted = Session(
                    patient=course.patient, course=course, practitioner=practitioner,
                    date=week.day, start_time=start_time, duration_minutes=duration_minutes,
                )  # fmt: skip
                found = allowed_alternatives(wanted, count=1, days=3)
                week.alternative = found[0] if found else None
    return plan

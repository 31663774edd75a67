"""The once-a-week rule, and the only functions that create, move, cancel or restore a session.

Every path (views, the admin, management commands) books through these functions, so the rule
is checked in one place. Two saves for one patient at the same moment queue on a lock of the
patient's row (PostgreSQL) or on SQLite's IMMEDIATE transactions, so the second one's check sees
the first one's session. On PostgreSQL the exclusion constraint "session_once_a_week" holds the
rule as well, for any path that writes without these functions.
"""

from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from patients.models import Patient
from treatments.models import DAYS_BETWEEN_SESSIONS, Session, TreatmentCourse


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


def save_session(session: Session) -> Session:
    """Validate and save a session in one transaction, turning a lost race into a clear error."""
    try:
        with transaction.atomic():
            # One save per patient at a time: a second booking waits here for the first to
            # commit, then its rule check sees the first one's session.
            Patient.objects.select_for_update().only("pk").get(pk=session.patient_id)
            session.full_clean()
            session.save()
    except IntegrityError as error:
        if "session_once_a_week" not in str(error):
            raise
        # Only a path that skipped the check above gets here: the constraint held the rule.
        raise ValidationError(
            "Another session for this patient was saved at the same moment. Try again.",
            code="once_a_week",
        ) from error
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
    return save_session(session)


def move_session(session: Session, *, day: date, start_time: time) -> Session:
    if session.status != Session.Status.BOOKED:
        raise ValidationError("Only a booked session can be moved.")
    session.date, session.start_time = day, start_time
    return save_session(session)


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
    return save_session(session)


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

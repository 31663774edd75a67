"""The once-a-week rule, and the only functions that create, move, cancel or restore a visit.

Every path (views, the admin, management commands) books through these functions, so the rule
is checked in one place. Two saves for one patient at the same moment queue on a lock of the
patient's row (PostgreSQL) or on SQLite's IMMEDIATE transactions, so the second one's check sees
the first one's visit. On PostgreSQL the exclusion constraint "visit_once_a_week" holds the
rule as well, for any path that writes without these functions.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from patients.models import Patient
from patients.roles import display_name
from treatments.availability import Availability, nearest_free_slots
from treatments.models import DAYS_BETWEEN_VISITS, TreatmentCourse, Visit

MAX_SERIES_WEEKS = 52


def _day(value: date) -> str:
    return formats.date_format(value, "l j F Y")


def nearest_allowed_dates(taken: list[date], day: date) -> tuple[date, date]:
    """The latest date on or before `day`, and the earliest on or after it, at least 7 days
    from every date in `taken`."""

    def clashes(candidate: date) -> bool:
        return any(abs((candidate - other).days) < DAYS_BETWEEN_VISITS for other in taken)

    before, after = day, day
    while clashes(before):
        before -= timedelta(days=1)
    while clashes(after):
        after += timedelta(days=1)
    return before, after


def check_once_a_week(visit: Visit) -> None:
    """Refuse a booked or attended visit within 7 days of another of the same patient's.

    The message names the conflicting visit and the nearest dates that would be allowed.
    """
    if visit.status not in Visit.COUNTING:
        return
    others = list(
        Visit.objects.counting()
        .for_patient(visit.patient_id)
        .exclude(pk=visit.pk)
        .order_by("date")
        .values_list("pk", "date")
    )
    conflict = next(
        ((pk, day) for pk, day in others if abs((day - visit.date).days) < DAYS_BETWEEN_VISITS),
        None,
    )
    if conflict is None:
        return
    conflicting = Visit.objects.get(pk=conflict[0])
    before, after = nearest_allowed_dates([day for _, day in others], visit.date)
    gap = abs((conflicting.date - visit.date).days)
    apart = "the same day" if gap == 0 else f"{gap} day{'s' if gap > 1 else ''} apart"
    raise ValidationError(
        f"IMS is given at most once a week. {visit.patient} already has a visit "
        f"{conflicting.get_status_display().lower()} on {_day(conflicting.date)} at "
        f"{conflicting.start_time:%H:%M} ({apart}). The nearest allowed dates are "
        f"{_day(before)} or earlier, and {_day(after)} or later.",
        code="once_a_week",
    )


def check_no_double_booking(visit: Visit) -> None:
    """Refuse a booked or attended visit that overlaps another of the same physiotherapist."""
    if visit.status not in Visit.COUNTING:
        return
    # A visit lasts at most 240 minutes, so only visits dated the day before, the day or
    # the day after can overlap: the date range lets the index on (physiotherapist, date) find
    # them among years of visits.
    nearby = (visit.date - timedelta(days=1), visit.date + timedelta(days=1))
    clash = (
        Visit.objects.counting()
        .filter(physiotherapist_id=visit.physiotherapist_id, date__range=nearby)
        .filter(starts_at__lt=visit.ends_at, ends_at__gt=visit.starts_at)
        .exclude(pk=visit.pk)
        .select_related("physiotherapist")
        .first()
    )
    if clash:
        name = display_name(clash.physiotherapist)
        starts, ends = timezone.localtime(clash.starts_at), timezone.localtime(clash.ends_at)
        raise ValidationError(
            f"{name} already has a visit on {_day(clash.date)} from {starts:%H:%M} to "
            f"{ends:%H:%M}.",
            code="double_booking",
        )


def check_bookable(visit: Visit) -> None:
    """Refuse a time outside the clinic's hours or the physiotherapist's, or on their day off."""
    availability = Availability.load(
        [visit.physiotherapist_id], visit.date, visit.date, visits=False
    )
    problem = availability.problem_with(
        visit.physiotherapist_id, visit.date, visit.start_time, visit.duration_minutes
    )
    if problem:
        raise ValidationError(problem, code="outside_hours")


class BookingRefused(ValidationError):
    """A booking the rules refuse, with the nearest times that would be allowed."""

    def __init__(self, error: ValidationError, alternatives: list[datetime]):
        super().__init__(error.messages)
        self.alternatives = alternatives


def allowed_alternatives(visit: Visit, *, count: int = 3, days: int = 21) -> list[datetime]:
    """The physiotherapist's free times nearest the one asked for that also keep the weekly rule."""
    taken = list(
        Visit.objects.counting()
        .for_patient(visit.patient_id)
        .exclude(pk=visit.pk)
        .values_list("date", flat=True)
    )

    def keeps_weekly_rule(day: date) -> bool:
        return all(abs((day - other).days) >= DAYS_BETWEEN_VISITS for other in taken)

    around = timezone.make_aware(datetime.combine(visit.date, visit.start_time))
    return nearest_free_slots(
        visit.physiotherapist_id, around, visit.duration_minutes, count=count, days=days,
        allowed=keeps_weekly_rule,
    )  # fmt: skip


def save_visit(visit: Visit) -> Visit:
    """Validate and save a visit in one transaction, turning a lost race into a clear error."""
    try:
        with transaction.atomic():
            # One save per patient, and per physiotherapist, at a time: a second booking waits
            # here for the first to commit, then its rule checks see the first one's visit.
            # Always patient first, then physiotherapist, so two bookings never wait on each other.
            Patient.objects.select_for_update().only("pk").get(pk=visit.patient_id)
            get_user_model().objects.select_for_update().only("pk").get(pk=visit.physiotherapist_id)
            # Both rows were just locked and the course was loaded by the caller: checking
            # again that each exists would cost three queries on every booking.
            visit.full_clean(exclude=["patient", "physiotherapist", "course"])
            visit.save()
    except IntegrityError as error:
        if "visit_once_a_week" in str(error):
            # Only a path that skipped the check above gets here: the constraint held the rule.
            raise ValidationError(
                "Another visit for this patient was saved at the same moment. Try again.",
                code="once_a_week",
            ) from error
        if "visit_no_double_booking" in str(error):
            raise ValidationError(
                "Another visit for this physiotherapist was saved at the same moment.",
                code="double_booking",
            ) from error
        raise
    return visit


def book_visit(
    *,
    course: TreatmentCourse,
    physiotherapist,
    day: date,
    start_time: time,
    duration_minutes: int = 30,
) -> Visit:
    if course.patient.is_archived:
        raise ValidationError("This patient's record is archived. Restore it before booking.")
    if not course.is_active:
        raise ValidationError("This course has ended. Open a new course to book more visits.")
    visit = Visit(
        patient=course.patient,
        course=course,
        physiotherapist=physiotherapist,
        date=day,
        start_time=start_time,
        duration_minutes=duration_minutes,
        status=Visit.Status.BOOKED,
    )
    return save_booking(visit)


def save_booking(visit: Visit) -> Visit:
    """Save a new, moved or restored booking: the clinic's and the physiotherapist's hours are
    checked too, and a refusal carries the nearest times that would be allowed."""
    try:
        check_bookable(visit)
        return save_visit(visit)
    except ValidationError as error:
        raise BookingRefused(error, allowed_alternatives(visit)) from error


def move_visit(visit: Visit, *, day: date, start_time: time) -> Visit:
    if visit.status != Visit.Status.BOOKED:
        raise ValidationError("Only a booked visit can be moved.")
    visit.date, visit.start_time = day, start_time
    return save_booking(visit)


def cancel_visit(visit: Visit, *, reason: str) -> Visit:
    if visit.status != Visit.Status.BOOKED:
        raise ValidationError("Only a booked visit can be cancelled.")
    if not reason.strip():
        raise ValidationError({"cancellation_reason": "Give the reason the visit was cancelled."})
    visit.status = Visit.Status.CANCELLED
    visit.cancellation_reason = reason.strip()
    visit.cancelled_at = timezone.now()
    return save_visit(visit)


def restore_visit(visit: Visit) -> Visit:
    """Un-cancel a visit: it counts for the weekly rule again, so the rule is checked."""
    if visit.status != Visit.Status.CANCELLED:
        raise ValidationError("Only a cancelled visit can be restored.")
    visit.status = Visit.Status.BOOKED
    visit.cancellation_reason = ""
    visit.cancelled_at = None
    return save_booking(visit)


def mark_attended(visit: Visit) -> Visit:
    if visit.status != Visit.Status.BOOKED:
        raise ValidationError("Only a booked visit can be marked attended.")
    visit.status = Visit.Status.ATTENDED
    return save_visit(visit)


def mark_no_show(visit: Visit) -> Visit:
    """The patient missed a booked visit: it stays on the record but no longer counts for
    the weekly rule, so the patient can be booked again in the same week."""
    if visit.status != Visit.Status.BOOKED:
        raise ValidationError("Only a booked visit can be marked as a no-show.")
    if visit.date > timezone.localdate():
        raise ValidationError("A visit in the future cannot be marked as a no-show.")
    visit.status = Visit.Status.NO_SHOW
    return save_visit(visit)


@dataclass
class SeriesWeek:
    number: int
    day: date
    start_time: time
    visit: Visit | None = None
    problem: str = ""
    alternative: datetime | None = None


def remaining_visits(course: TreatmentCourse) -> int:
    """How many more visits the course's expected range allows (the series' default)."""
    counted = course.visits.filter(status__in=Visit.COUNTING).count()
    return max(course.expected_visits[1] - counted, 1)


def book_series(
    *, course: TreatmentCourse, physiotherapist, first_day: date, start_time: time, weeks: int,
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
                week.visit = book_visit(
                    course=course, physiotherapist=physiotherapist, day=week.day,
                    start_time=start_time, duration_minutes=duration_minutes,
                )  # fmt: skip
            except BookingRefused as refused:
                week.problem = " ".join(refused.messages)
        # Alternatives once every bookable week is in, so none of them clashes with those.
        for week in plan:
            if week.problem:
                wanted = Visit(
                    patient=course.patient, course=course, physiotherapist=physiotherapist,
                    date=week.day, start_time=start_time, duration_minutes=duration_minutes,
                )  # fmt: skip
                found = allowed_alternatives(wanted, count=1, days=3)
                week.alternative = found[0] if found else None
    return plan

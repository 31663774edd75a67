"""The only functions that write visits: book one, record a past one, and each named change of
Visit.TRANSITIONS (move, cancel, restore, check in, mark attended or no-show, and undo those
two).

Every path (the pages, the admin, commands, the demo loaders) goes through these, so the rules
in treatments/booking/rules.py are checked in one place. Two saves for one patient at the same
moment queue on a lock of the patient's row (PostgreSQL) or on SQLite's IMMEDIATE
transactions, so the second one's checks see the first one's visit; on PostgreSQL the
exclusion constraints hold the rules as well, for any path that writes without these functions.
"""

from datetime import date, time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from patients.models import Patient
from treatments.booking import rules
from treatments.booking.rules import BookingRefused, refuse
from treatments.models import (
    NOT_A_PHYSIOTHERAPIST,
    PHYSIOTHERAPISTS_ONLY,
    TreatmentCourse,
    Visit,
    VisitType,
    WaitlistEntry,
)


def save_visit(
    visit: Visit, *, change: str | None = None, reason: str = "", earliest: date | None = None
) -> Visit:
    """Check every rule and save, in one transaction, turning a lost race into a clear error.

    `change` is the named change being saved (Visit.TRANSITIONS), checked again against the
    status on file once the rows are locked: a page opened before someone else changed the
    visit must not change it as it was. `reason` is kept with the new version in the visit's
    history. `earliest` is the first day the weekly rule's refusal may offer (today unless
    recording the past).
    """
    try:
        with transaction.atomic():
            # One save per patient, and per physiotherapist, at a time: a second booking waits
            # here for the first to commit, then its checks see the first one's visit. Always
            # the patient first, then the physiotherapist, so two saves never wait on each other.
            Patient.objects.select_for_update().only("pk").get(pk=visit.patient_id)
            # Locked only if they hold the role: one query instead of a second for full_clean().
            physiotherapist = (
                get_user_model().objects.filter(**PHYSIOTHERAPISTS_ONLY)
                .select_for_update(of=("self",)).filter(pk=visit.physiotherapist_id)
            )  # fmt: skip
            if not physiotherapist.values_list("pk", flat=True):
                raise ValidationError({"physiotherapist": NOT_A_PHYSIOTHERAPIST}, code="invalid")
            if change is not None:
                stored = Visit.objects.filter(pk=visit.pk).values_list("status", flat=True)
                rules.check_change_allowed(visit, change, status=stored.first())
            if visit.location_id is None:
                rules.place_visit(visit)
            # Both rows were just locked (the physiotherapist's with their role), and the
            # location was read from the hours: checking again that each exists would cost
            # queries.
            visit.full_clean(
                exclude=["patient", "physiotherapist", "visit_type", "course", "location"]
            )
            rules.check_once_a_week(visit, earliest=earliest)
            rules.check_no_double_booking(visit)
            # The history reason is a record for staff: kept in English, not translated.
            visit._change_reason = reason or None
            visit.save()
    except IntegrityError as error:
        # Only a path that skipped the checks above gets here: a constraint held the rule.
        if "visit_once_a_week" in str(error):
            refuse("patient_race")
        if "visit_no_double_booking" in str(error):
            refuse("physiotherapist_race")
        raise
    return visit


def _save_booking(visit: Visit, *, change: str | None = None, reason: str = "") -> Visit:
    """Save a new, moved or restored booking: it must also be ahead, and within the clinic's
    and the physiotherapist's hours. A refusal carries the nearest times that are allowed."""
    try:
        rules.check_bookable_time(visit)
        rules.check_within_hours(visit)
        return save_visit(visit, change=change, reason=reason)
    except BookingRefused:
        raise
    except ValidationError as error:
        raise BookingRefused(error, rules.allowed_alternatives(visit)) from error


def unsaved_visit(
    *, patient: Patient, course: TreatmentCourse | None, physiotherapist: User,
    visit_type: VisitType,
    day: date, start_time: time, status: str = Visit.Status.BOOKED,
) -> Visit:  # fmt: skip
    """A visit of this type, not saved: its length and needling flag are copied from the type."""
    return Visit(
        patient=patient,
        course=course,
        physiotherapist=physiotherapist,
        visit_type=visit_type,
        is_needling=visit_type.is_needling,
        duration_minutes=visit_type.length_minutes,
        date=day,
        start_time=start_time,
        status=status,
        location=None,  # where the physiotherapist works then: placed when it is saved
    )


def book_visit(
    *,
    patient: Patient,
    physiotherapist: User,
    visit_type: VisitType,
    day: date,
    start_time: time,
    course: TreatmentCourse | None = None,
    waitlist_entry: WaitlistEntry | None = None,
    booked_online: bool = False,
) -> Visit:
    """Book a visit of this type, ahead, within the hours, keeping every rule.

    `booked_online`: the patient booked it themselves (patients/online/booking.py), which the
    day sheet shows and the clinic's limit of visits held online counts.

    Booked from the waitlist (`waitlist_entry`, the patient's entry still waiting), the entry
    is taken off the waitlist with the visit it got, in the same transaction. An entry of
    another patient, or one taken off meanwhile, is left as it is."""
    visit = unsaved_visit(
        patient=patient, course=course, physiotherapist=physiotherapist, visit_type=visit_type,
        day=day, start_time=start_time,
    )  # fmt: skip
    visit.booked_online = booked_online
    rules.check_can_book(visit)
    if waitlist_entry is None:
        return _save_booking(visit, reason="Booked online" if booked_online else "Booked")
    with transaction.atomic():
        visit = _save_booking(visit, reason="Booked")
        WaitlistEntry.objects.waiting().filter(pk=waitlist_entry.pk, patient=patient).update(
            booked_visit=visit, resolved_at=timezone.now()
        )
    return visit


def record_past_visit(
    *,
    patient: Patient,
    physiotherapist: User,
    visit_type: VisitType,
    day: date,
    start_time: time,
    course: TreatmentCourse | None = None,
    status: str = Visit.Status.ATTENDED,
    cancellation_reason: str = "",
) -> Visit:
    """Put on the record a visit that has already started (the admin, the demo loaders).

    Every rule but "ahead" and "within the hours" holds: the weekly rule, no double booking,
    the course and type of the patient. It may be recorded as attended, a no-show, cancelled
    (with the reason) or still booked (not marked yet).
    """
    visit = unsaved_visit(
        patient=patient, course=course, physiotherapist=physiotherapist, visit_type=visit_type,
        day=day, start_time=start_time, status=status,
    )  # fmt: skip
    visit.set_times()
    if visit.starts_at > timezone.now():
        refuse("not_yet_started")
    if status == Visit.Status.CANCELLED:
        visit.cancellation_reason = cancellation_reason.strip()
        visit.cancelled_at = visit.starts_at
    earliest = course.started_on if course else patient.date_of_birth
    return save_visit(visit, reason="Recorded", earliest=earliest)


def move_visit(
    visit: Visit, *, day: date, start_time: time, physiotherapist: User | None = None,
    visit_type: VisitType | None = None,
) -> Visit:  # fmt: skip
    """Move a booked visit to another time, and if asked to another physiotherapist or type."""
    rules.check_change_allowed(visit, Visit.Change.MOVE)
    visit.date, visit.start_time = day, start_time
    if physiotherapist is not None:
        visit.physiotherapist = physiotherapist
    if visit_type is not None and visit_type.pk != visit.visit_type_id:
        if not visit_type.is_active:
            refuse("type_not_offered", type=visit_type)
        visit.visit_type = visit_type
        visit.is_needling = visit_type.is_needling
        visit.duration_minutes = visit_type.length_minutes
        rules.check_needling_in_a_course(visit)
    return _save_booking(visit, change=Visit.Change.MOVE, reason="Moved")


def cancel_visit(visit: Visit, *, reason: str) -> Visit:
    rules.check_change_allowed(visit, Visit.Change.CANCEL)
    if not reason.strip():
        refuse_field("cancellation_reason", rules.error_messages["cancellation_reason"])
    visit.status = Visit.Status.CANCELLED
    visit.cancellation_reason = reason.strip()
    visit.cancelled_at = timezone.now()
    return save_visit(visit, change=Visit.Change.CANCEL, reason="Cancelled")


def cancel_upcoming(visits: list[Visit], *, reason: str) -> list[Visit]:
    """Cancel each of these booked visits (a course ending, a record archived), all or none."""
    with transaction.atomic():
        return [cancel_visit(visit, reason=reason) for visit in visits]


def restore_visit(visit: Visit) -> Visit:
    """Un-cancel a visit: it holds its time again, so it must still be ahead and keep the rules."""
    rules.check_change_allowed(visit, Visit.Change.RESTORE)
    visit.status = Visit.Status.BOOKED
    visit.cancellation_reason = ""
    visit.cancelled_at = None
    return _save_booking(visit, change=Visit.Change.RESTORE, reason="Restored")


def mark_attended(visit: Visit, *, physiotherapist: User | None = None) -> Visit:
    """The patient came. `physiotherapist` is who saw them, if not the one booked."""
    rules.check_change_allowed(visit, Visit.Change.MARK_ATTENDED)
    visit.status = Visit.Status.ATTENDED
    if physiotherapist is not None:
        visit.physiotherapist = physiotherapist
    return save_visit(visit, change=Visit.Change.MARK_ATTENDED, reason="Marked attended")


def mark_no_show(visit: Visit) -> Visit:
    """The patient missed a booked visit: it stays on the record but no longer holds the time
    or counts for the weekly rule, so the patient can be booked again in the same week."""
    rules.check_change_allowed(visit, Visit.Change.MARK_NO_SHOW)
    visit.status = Visit.Status.NO_SHOW
    return save_visit(visit, change=Visit.Change.MARK_NO_SHOW, reason="Marked no-show")


def check_in(visit: Visit) -> Visit:
    """The patient has arrived for a booked visit today: the time is kept on the visit (and
    in its history). The visit stays booked until it is marked attended; once checked in it
    can no longer be cancelled or marked a no-show (a constraint holds it)."""
    rules.check_change_allowed(visit, Visit.Change.CHECK_IN)
    if visit.date != timezone.localdate():
        refuse("check_in_on_its_day", day=rules.long_date(visit.date))
    if visit.checked_in_at is not None:
        arrived = timezone.localtime(visit.checked_in_at)
        refuse("checked_in_already", patient=str(visit.patient), time=f"{arrived:%H:%M}")
    visit.checked_in_at = timezone.now()
    return save_visit(visit, change=Visit.Change.CHECK_IN, reason="Checked in")


def undo_attended(visit: Visit, *, reason: str) -> Visit:
    """Set a visit marked attended by mistake back to booked. A charted visit stays attended:
    its chart is the record of what was done."""
    rules.check_change_allowed(visit, Visit.Change.UNDO_ATTENDED)
    if visit.is_charted:
        refuse("charted")
    return _undo(visit, Visit.Change.UNDO_ATTENDED, reason, "Attended undone")


def undo_no_show(visit: Visit, *, reason: str) -> Visit:
    """Set a visit marked as a no-show by mistake back to booked. It holds its time and counts
    for the weekly rule again, so the rules are checked again."""
    rules.check_change_allowed(visit, Visit.Change.UNDO_NO_SHOW)
    return _undo(visit, Visit.Change.UNDO_NO_SHOW, reason, "No-show undone")


def _undo(visit: Visit, change: str, reason: str, done: str) -> Visit:
    if not reason.strip():
        refuse_field("reason", rules.error_messages["reason_needed"])
    visit.status = Visit.Status.BOOKED
    return save_visit(visit, change=change, reason=f"{done}: {reason.strip()}", earliest=visit.date)


def refuse_field(field: str, message: str) -> None:
    raise ValidationError({field: message})


# Each named change, as the admin and the visit page call it: (visit, reason) -> visit.
CHANGES = {
    Visit.Change.CANCEL: lambda visit, reason: cancel_visit(visit, reason=reason),
    Visit.Change.RESTORE: lambda visit, reason: restore_visit(visit),
    Visit.Change.MARK_ATTENDED: lambda visit, reason: mark_attended(visit),
    Visit.Change.MARK_NO_SHOW: lambda visit, reason: mark_no_show(visit),
    Visit.Change.UNDO_ATTENDED: lambda visit, reason: undo_attended(visit, reason=reason),
    Visit.Change.UNDO_NO_SHOW: lambda visit, reason: undo_no_show(visit, reason=reason),
    Visit.Change.CHECK_IN: lambda visit, reason: check_in(visit),
}

"""Who to call: patients due for their next weekly visit, and the waitlist.

The needle's effect lasts 7-10 days, so a patient in an active course whose last visit was a
week ago or more, and who has nothing booked, is due; after 10 days, overdue. The weekly rule
is about the patient, not the course, so both the last visit and the next booking are looked
up across all the patient's courses.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.models import Patient
from treatments.models import Location, TreatmentCourse, Visit, WaitlistEntry
from treatments.progress import DUE_AFTER_DAYS, OVERDUE_AFTER_DAYS

ALREADY_WAITING = gettext_lazy("This patient is already on the waitlist.")


@dataclass
class DuePatient:
    """A patient to call for a booking, with the active courses a visit can be booked in."""

    patient: Patient
    last_visit: Visit
    days_since: int
    courses: list[TreatmentCourse] = field(default_factory=list)

    @property
    def is_overdue(self) -> bool:
        return self.days_since > OVERDUE_AFTER_DAYS


def due_for_booking(
    today: date | None = None, *, location_id: int | None = None
) -> list[DuePatient]:
    """Patients (not archived) with an active course, whose last attended visit was
    DUE_AFTER_DAYS or more ago and who have no booked visit from today on; longest waiting
    first; with a location, those whose last visit was there. Two queries however many
    patients: the courses, then their last visits."""
    today = today or timezone.localdate()
    attended = Visit.objects.filter(
        patient=OuterRef("patient"), status=Visit.Status.ATTENDED
    ).order_by("-starts_at", "-pk")
    booked_ahead = Visit.objects.booked().filter(patient=OuterRef("patient"), date__gte=today)
    # Longest waiting first; a patient's courses side by side.
    order = ["last_attended_on", "patient__legal_last_name", "patient__legal_first_name"]
    courses = list(
        TreatmentCourse.objects.active()
        .filter(patient__archived_at__isnull=True)
        .annotate(
            last_attended_on=Subquery(attended.values("date")[:1]),
            last_visit_pk=Subquery(attended.values("pk")[:1]),
            last_location_id=Subquery(attended.values("location")[:1]),
            has_booking_ahead=Exists(booked_ahead),
        )
        .filter(
            last_attended_on__lte=today - timedelta(days=DUE_AFTER_DAYS), has_booking_ahead=False
        )
        .filter(**({"last_location_id": location_id} if location_id else {}))
        .select_related("patient", "physiotherapist")
        .order_by(*order, "patient_id", "started_on", "pk")
    )
    last_visits = Visit.objects.select_related("physiotherapist").in_bulk(
        {course.last_visit_pk for course in courses}
    )
    due: dict[int, DuePatient] = {}
    for course in courses:
        if course.patient_id not in due:
            last = last_visits[course.last_visit_pk]
            due[course.patient_id] = DuePatient(course.patient, last, (today - last.date).days)
        due[course.patient_id].courses.append(course)
    return list(due.values())


def waiting_list(*, location_id: int | None = None):
    """The entries still waiting, oldest first, each with `has_active_course`; with a
    location, those who would like it or any location."""
    active_course = TreatmentCourse.objects.active().filter(patient=OuterRef("patient"))
    entries = WaitlistEntry.objects.waiting()
    if location_id:
        entries = entries.filter(Q(location_id=location_id) | Q(location__isnull=True))
    return entries.select_related("patient", "location").annotate(
        has_active_course=Exists(active_course)
    )


def add_to_waitlist(
    *, patient: Patient, note: str = "", location: Location | None = None
) -> WaitlistEntry:
    if patient.is_archived:
        raise ValidationError(_("This patient's record is archived. Restore it first."))
    entry = WaitlistEntry(patient=patient, note=note.strip(), location=location)
    entry.full_clean()  # "already on the waitlist" comes from the model's constraint
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        # Added by someone else between the check and the save.
        raise ValidationError(ALREADY_WAITING) from error
    return entry


def resolve_waitlist_entry(entry: WaitlistEntry) -> WaitlistEntry:
    """Take the patient off the waitlist. The entry is kept, with the time it was resolved."""
    if entry.resolved_at is not None:
        raise ValidationError(
            _("%(patient)s was already off the waitlist.") % {"patient": entry.patient}
        )
    entry.resolved_at = timezone.now()
    entry.save(update_fields=["resolved_at"])
    return entry


def waitlist_candidates(visit: Visit) -> list[WaitlistEntry]:
    """Who on the waitlist could take the slot a cancelled or no-show visit freed.

    Each would like the slot's location (or any), is not archived, has an active course
    (`course_pk`, the most recent one, to book in), and has no booked or attended needling
    visit within a week of the slot, so booking them an IMS treatment keeps the once-a-week
    rule. The visit's own patient gave the slot up and is
    left out. One query.
    """
    if visit.status not in (Visit.Status.CANCELLED, Visit.Status.NO_SHOW):
        return []
    active_courses = (
        TreatmentCourse.objects.active()
        .filter(patient=OuterRef("patient"))
        .order_by("-started_on", "-pk")
    )
    # A candidate is offered an IMS treatment in the slot: it must keep the weekly rule.
    too_close = (
        Visit.objects.counting().needling_near(visit.date).filter(patient=OuterRef("patient"))
    )
    return list(
        WaitlistEntry.objects.waiting()
        .filter(patient__archived_at__isnull=True)
        .filter(Q(location__isnull=True) | Q(location=visit.location_id))
        .exclude(patient=visit.patient_id)
        .filter(Exists(active_courses))
        .exclude(Exists(too_close))
        .annotate(course_pk=Subquery(active_courses.values("pk")[:1]))
        .select_related("patient")
    )

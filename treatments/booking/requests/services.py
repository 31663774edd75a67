"""The rules of a new patient's request for a first assessment: asking (or booking directly,
if the clinic allows it), and the front desk booking or declining it.

Each change of a request is one function in one transaction that locks the request's row
first (on SQLite, the IMMEDIATE transaction does as much), so two front desk clicks at the
same moment cannot book it twice: the second finds it handled and is refused.
"""

from datetime import date, time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.models import Patient
from treatments.booking import services as booking
from treatments.booking.requests.times import assessment_type, free_assessment_times
from treatments.models import AppointmentRequest, ClinicSettings, Location, Visit, VisitType

Status = AppointmentRequest.Status
error_messages = {
    "online_booking_off": gettext_lazy(
        "The clinic is not taking requests online at the moment. Please call the clinic."
    ),
    "no_direct_booking": gettext_lazy(
        "New patients cannot book a time themselves at the moment. Please send a request."
    ),
    "time_gone": gettext_lazy("That time is no longer free. Please choose another."),
    "handled": gettext_lazy("This request was already booked or declined."),
    "decline_reason": gettext_lazy("Say why the request is declined."),
    "location_closed": gettext_lazy("Choose one of the clinic's open locations."),
}
# The fields a person fills in; the form passes them on as they are.
FIELDS = ["first_name", "last_name", "date_of_birth", "email", "phone", "problem",
          "times_that_suit"]  # fmt: skip


def _unsaved_request(details: dict, location: Location | None) -> AppointmentRequest:
    # A field left out (the times that suit, when a time was chosen) is kept empty.
    values = {name: str(details.get(name) or "").strip() for name in FIELDS}
    values["date_of_birth"] = details.get("date_of_birth")
    values["email"] = values["email"].lower()
    if location is not None and not location.is_open:
        raise ValidationError({"location": error_messages["location_closed"]})
    # The language the site shows them (LocaleMiddleware's), kept for what is sent them later.
    language = translation.get_language()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    found = AppointmentRequest(**values, location=location, language=language)
    found.full_clean(exclude=["location"])
    return found


def _acknowledge(found: AppointmentRequest, visit: Visit | None = None) -> None:
    """Tell them we have it: no health detail, only that the clinic will be in touch (or when
    their booked visit is)."""
    body = render_to_string(
        "treatments/booking/requests/acknowledgement.txt",
        {"request": found, "visit": visit, "clinic": settings.CLINIC_NAME,
         "phone": settings.CLINIC_PHONE},
    )  # fmt: skip
    subject = _("Your first visit at %(clinic)s") % {"clinic": settings.CLINIC_NAME}
    transaction.on_commit(lambda: send_mail(subject, body, None, [found.email], fail_silently=True))


def ask_for_assessment(*, details: dict, location: Location | None = None) -> AppointmentRequest:
    """Keep a new patient's request for the front desk, and acknowledge it by email."""
    if not ClinicSettings.load().online_booking:
        raise ValidationError(error_messages["online_booking_off"], code="online_booking_off")
    found = _unsaved_request(details, location)
    with transaction.atomic():
        found.save()
        _acknowledge(found)
    return found


def _new_patient(found: AppointmentRequest) -> Patient:
    """A patient's record made from the request, as the front desk would type it in."""
    patient = Patient(
        legal_first_name=found.first_name, legal_last_name=found.last_name,
        date_of_birth=found.date_of_birth, phone=found.phone, email=found.email,
        primary_concern=found.problem, preferred_language=found.language,
    )  # fmt: skip
    patient.full_clean()
    patient.save()
    return patient


def book_first_assessment(*, details: dict, time_key: str) -> AppointmentRequest:
    """A new patient books one of the free initial-assessment times themselves: the request,
    their record and the visit, all or nothing. The request is kept as booked, so the front
    desk still sees it and can check the new record is not a second one for the same person."""
    clinic = ClinicSettings.load()
    if not clinic.online_booking:
        raise ValidationError(error_messages["online_booking_off"], code="online_booking_off")
    visit_type = assessment_type()
    if not clinic.new_patients_book_directly or visit_type is None:
        raise ValidationError(error_messages["no_direct_booking"], code="no_direct_booking")
    offered = {slot.key: slot for slot in free_assessment_times(visit_type, clinic)}
    slot = offered.get(time_key)
    if slot is None:
        raise ValidationError({"time": error_messages["time_gone"]}, code="time_gone")
    # The time they chose is the time that suits them, kept with the request as asked.
    chosen = f"{slot.day:%Y-%m-%d} {slot.start_time:%H:%M}, chosen online"
    found = _unsaved_request({**details, "times_that_suit": chosen}, None)
    with transaction.atomic():
        patient = _new_patient(found)
        try:
            visit = booking.book_visit(
                patient=patient, physiotherapist=User.objects.get(pk=slot.physiotherapist_id),
                visit_type=visit_type, day=slot.day, start_time=slot.start_time,
                booked_online=True,
            )  # fmt: skip
        except ValidationError as error:
            # Someone took the time between the page and the press: say so at the times.
            raise ValidationError({"time": error_messages["time_gone"]}, "time_gone") from error
        found.location_id = visit.location_id
        _mark_booked(found, patient=patient, visit=visit, by=None)
        _acknowledge(found, visit)
    return found


def _mark_booked(found: AppointmentRequest, *, patient: Patient, visit: Visit, by) -> None:
    found.status, found.handled_at, found.handled_by = Status.BOOKED, timezone.now(), by
    found.patient, found.visit = patient, visit
    found.full_clean(exclude=["location"])
    found.save()


def _locked_waiting(found: AppointmentRequest) -> AppointmentRequest:
    locked = AppointmentRequest.objects.select_for_update().get(pk=found.pk)
    if locked.status != Status.WAITING:
        raise ValidationError(error_messages["handled"], code="handled")
    return locked


def book_request(
    found: AppointmentRequest, *, by: User, physiotherapist: User, visit_type: VisitType,
    day: date, start_time: time, patient: Patient | None = None,
) -> Visit:  # fmt: skip
    """The front desk books the request: with the patient's record it found, or a new one made
    from the request, and the visit, through the booking rules. A refusal changes nothing."""
    with transaction.atomic():
        locked = _locked_waiting(found)
        patient = patient or _new_patient(locked)
        visit = booking.book_visit(
            patient=patient, physiotherapist=physiotherapist, visit_type=visit_type,
            day=day, start_time=start_time,
        )  # fmt: skip
        _mark_booked(locked, patient=patient, visit=visit, by=by)
    return visit


def decline_request(
    found: AppointmentRequest, *, by: User, reason: str, tell_them: bool = False
) -> AppointmentRequest:
    """The front desk declines the request, saying why; emailing the person is their choice."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"decline_reason": error_messages["decline_reason"]})
    with transaction.atomic():
        locked = _locked_waiting(found)
        locked.status, locked.handled_at, locked.handled_by = Status.DECLINED, timezone.now(), by
        locked.decline_reason = reason
        locked.full_clean(exclude=["location"])
        locked.save()
        if tell_them:
            # In the language they asked in, not the staff member's.
            with translation.override(locked.language):
                body = render_to_string(
                    "treatments/booking/requests/declined.txt",
                    {"request": locked, "clinic": settings.CLINIC_NAME,
                     "phone": settings.CLINIC_PHONE},
                )  # fmt: skip
                subject = _("Your request to %(clinic)s") % {"clinic": settings.CLINIC_NAME}
            transaction.on_commit(
                lambda: send_mail(subject, body, None, [locked.email], fail_silently=True)
            )
    return locked


def records_like(requests: list[AppointmentRequest]) -> dict[int, list[Patient]]:
    """For each request, the patients' records that may be the same person: the same email, or
    the same date of birth and first or last name. One query for the whole list."""
    if not requests:
        return {}
    births = {found.date_of_birth for found in requests}
    emails = {found.email.upper() for found in requests}
    candidates = list(
        Patient.objects.annotate(email_upper=Upper("email"))
        .filter(Q(date_of_birth__in=births) | Q(email_upper__in=emails))
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    return {found.pk: [p for p in candidates if _alike(found, p)] for found in requests}


def _alike(found: AppointmentRequest, patient: Patient) -> bool:
    if patient.email and patient.email.casefold() == found.email.casefold():
        return True
    names = {found.first_name.casefold(), found.last_name.casefold()}
    return patient.date_of_birth == found.date_of_birth and bool(
        names & {patient.legal_first_name.casefold(), patient.legal_last_name.casefold()}
    )

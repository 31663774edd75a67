"""Who may sign in online: one question, asked by the sign-in link, the session and the pages.

A record has online access when the front desk turned it on for the email on file
(Patient.has_online_access), or, once the clinic turns online booking on, whenever it has an
email on file: then access is on for everyone, and the per-record switch no longer matters.
Either way only the email on file receives links, and changing it takes staff."""

from django.db.models import QuerySet

from patients.models import Patient
from treatments.models import ClinicSettings


def on_for_everyone(clinic: ClinicSettings | None = None) -> bool:
    """`clinic`: the clinic's settings, when the caller has read them already."""
    return (clinic or ClinicSettings.load()).online_booking


def may_sign_in(patient: Patient) -> bool:
    if patient.is_archived or not patient.email:
        return False
    return patient.has_online_access or on_for_everyone()


def records_for(email: str) -> QuerySet[Patient]:
    """The records a link may go to for this address. A family may share an address."""
    records = Patient.objects.active().filter(email__iexact=email)
    if on_for_everyone():
        return records
    return records.filter(online_access_email__iexact=email)

import re

from django.core import mail
from django.urls import reverse

from patients.models import Patient
from tests.factories import IMS_TREATMENT, make_patient
from treatments.models import ClinicSettings, PhysiotherapistProfile, VisitType

FOLLOW_UP = "Follow-up without needling"
LINK = re.compile(r"/patients/online/link/([A-Za-z0-9_-]+)/")


def online_patient(**fields) -> Patient:
    patient = make_patient(**fields)
    patient.turn_on_online_access()
    return patient


def emailed_token(index: int = -1) -> str:
    return LINK.search(mail.outbox[index].body).group(1)


def ask_for_link(client, email: str):
    return client.post(reverse("patients:online-sign-in"), {"email": email})


def sign_in_by_link(client, patient: Patient):
    ask_for_link(client, patient.email)
    return client.post(reverse("patients:online-link", args=[emailed_token()]))


def open_online_booking(**fields) -> ClinicSettings:
    """The clinic turns online booking on, with its defaults unless told otherwise, and makes
    the IMS treatment and the follow-up without needling bookable online."""
    clinic, _created = ClinicSettings.objects.update_or_create(
        pk=1, defaults={"online_booking": True, **fields}
    )
    VisitType.objects.filter(name__in=[IMS_TREATMENT, FOLLOW_UP]).update(bookable_online=True)
    return clinic


def bookable_online(physiotherapist):
    PhysiotherapistProfile.objects.filter(user=physiotherapist).update(bookable_online=True)
    return physiotherapist


def emailed_link() -> str:
    """The path of the sign-in link in the email just sent."""
    return LINK.search(mail.outbox[-1].body).group(0)

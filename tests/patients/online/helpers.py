import re

from django.core import mail
from django.urls import reverse

from patients.models import Patient
from tests.factories import make_patient

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

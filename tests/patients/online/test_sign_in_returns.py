"""Signing in brings the patient back to the page they were sent to sign in from: a home plan
linked from an email lands on the home plan, never on another site or a staff page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from patients.online.services import page_after_sign_in
from tests.patients.online.helpers import online_patient

pytestmark = pytest.mark.django_db
HOME_PLAN = reverse("patients:online-home-plan")
VISITS = reverse("patients:online-visits")
LINK_WITH_NEXT = re.compile(r"(/patients/online/link/[A-Za-z0-9_-]+/(\?next=\S+)?)")


def test_a_patient_sent_to_sign_in_from_their_home_plan_lands_on_it(client):
    online_patient(email="avery@example.com")
    sign_in_page = client.get(HOME_PLAN)["Location"]
    assert (
        sign_in_page
        == reverse("patients:online-sign-in") + "?next=%2Fpatients%2Fonline%2Fhome-plan%2F"
    )
    client.post(sign_in_page, {"email": "avery@example.com"})
    link = LINK_WITH_NEXT.search(mail.outbox[-1].body).group(1)
    assert "next=" in link
    assert client.post(link)["Location"] == HOME_PLAN
    assert client.get(HOME_PLAN).status_code == 200


@pytest.mark.parametrize(
    "asked",
    ["https://elsewhere.example/patients/online/home-plan/", "//elsewhere.example/x",
     "/treatments/day-sheet/", "/admin/", "/patients/online/sign-out/", "javascript:alert(1)",
     "/patients/online/" + "x" * 400, "", None, "\x00"],
)  # fmt: skip
def test_a_link_never_leads_anywhere_but_the_patients_own_pages(asked):
    assert page_after_sign_in(asked) == VISITS


def test_a_hostile_next_in_the_sign_in_address_still_signs_in_to_the_visits(client):
    online_patient(email="avery@example.com")
    client.post(reverse("patients:online-sign-in") + "?next=https://evil.example/",
                {"email": "avery@example.com"})  # fmt: skip
    link = LINK_WITH_NEXT.search(mail.outbox[-1].body).group(1)
    assert "next=" not in link
    assert client.post(link + "?next=//evil.example/")["Location"] == VISITS

"""The front desk turns a patient's online access on from the patient's page, having confirmed
the email with them; the change is in the record's history and the audit trail."""

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from tests.factories import make_patient
from treatments.models import ClinicSettings

pytestmark = pytest.mark.django_db


def switch(client, patient, turn: str):
    return client.post(reverse("patients:online-access", args=[patient.pk]), {"turn": turn})


@pytest.mark.parametrize("role", ["front_desk", "physiotherapist"])
def test_staff_who_book_turn_online_access_on_and_off(client, request, role):
    patient = make_patient(email="avery@example.com")
    client.force_login(request.getfixturevalue(role))
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "Turn online access on" in page
    response = switch(client, patient, "on")
    assert response["Location"] == patient.get_absolute_url()
    patient.refresh_from_db()
    assert patient.has_online_access
    assert (
        "sign-in links go to avery@example.com" in client.get(response["Location"]).content.decode()
    )
    entry = AuditEntry.objects.filter(patient_id=patient.pk, action="changed").latest("pk")
    assert entry.detail == "Online access turned on"
    switch(client, patient, "off")
    patient.refresh_from_db()
    assert not patient.has_online_access


@pytest.mark.parametrize(("role", "answer"), [("clinic_admin", 403), ("outsider", 403)])
def test_other_roles_cannot_turn_it_on(client, request, role, answer):
    patient = make_patient(email="avery@example.com")
    client.force_login(request.getfixturevalue(role))
    assert switch(client, patient, "on").status_code == answer
    patient.refresh_from_db()
    assert not patient.has_online_access


def test_a_visitor_or_a_get_changes_nothing(client, front_desk):
    patient = make_patient(email="avery@example.com")
    assert switch(client, patient, "on")["Location"].startswith("/accounts/login/")
    client.force_login(front_desk)
    assert client.get(reverse("patients:online-access", args=[patient.pk])).status_code == 405
    assert switch(client, make_patient(), "on").status_code == 302
    assert (
        client.post(reverse("patients:online-access", args=[999999]), {"turn": "on"}).status_code
        == 404
    )
    patient.refresh_from_db()
    assert not patient.has_online_access


def test_without_an_email_access_cannot_be_turned_on(client, front_desk):
    patient = make_patient(email="")
    client.force_login(front_desk)
    response = switch(client, patient, "on")
    page = client.get(response["Location"]).content.decode()
    assert "Add the patient&#x27;s email first" in page
    patient.refresh_from_db()
    assert not patient.has_online_access


def test_changing_the_email_stops_online_access_until_confirmed_again(db):
    patient = make_patient(email="avery@example.com")
    patient.turn_on_online_access()
    patient.email = "new@example.com"
    patient.save()
    assert not patient.has_online_access


def test_the_switch_says_access_is_on_for_everyone_while_online_booking_is_on(client, front_desk):
    ClinicSettings.objects.update_or_create(pk=1, defaults={"online_booking": True})
    patient = make_patient(email="avery@example.com")
    client.force_login(front_desk)
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "On for everyone with an email, because the clinic's online booking is on" in page
    assert "Turn online access on" not in page

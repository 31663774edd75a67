"""Pages with patient data are never kept by a browser or a proxy."""

import pytest
from django.test import Client
from django.urls import reverse

from patients.models import Patient
from tests.factories import make_front_desk, make_patient

pytestmark = pytest.mark.django_db


def test_a_staff_page_with_patient_data_is_sent_no_store(client):
    patient = make_patient()
    client.force_login(make_front_desk())
    response = client.get(reverse("patients:patient-detail", args=[patient.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_for_patients_stay_cacheable(client):
    response = client.get("/ims/aftercare/")
    assert "no-store" not in response["Cache-Control"]


def test_a_post_without_a_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_front_desk())
    form = {"legal_first_name": "Ann", "legal_last_name": "Lee", "date_of_birth": "1980-01-01",
            "phone": "604 555 0100"}  # fmt: skip
    response = client.post(reverse("patients:patient-create"), form)
    assert response.status_code == 403

    assert not Patient.objects.exists()

"""The patients' records in the admin."""

import pytest
from django.urls import reverse

from patients.models import Consent

pytestmark = pytest.mark.django_db

ADD_CONSENT = reverse("admin:patients_consent_add")


def consent_form(patient, **fields) -> dict:
    return {"patient": patient.pk, "consented_on": "2026-03-10", "given_by": "patient",
            "substitute_name": "", **fields}  # fmt: skip


def test_the_admin_offers_each_topic_of_consent_as_a_checkbox(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(ADD_CONSENT).content.decode()
    for topic in Consent.Topic.values:
        assert f'type="checkbox" name="explained" value="{topic}"' in html


def test_a_physiotherapist_records_a_consent_in_the_admin(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    response = client.post(ADD_CONSENT, consent_form(patient, explained=Consent.Topic.values))
    assert response.status_code == 302
    assert Consent.objects.get(patient=patient).explained == list(Consent.Topic.values)


@pytest.mark.parametrize("explained", ["5", "-1", '["diagnosis"]'])
def test_topics_that_are_not_the_checkboxes_are_refused_with_a_form_error(
    client, physiotherapist, patient, explained
):
    # "explained" was a box of raw JSON, and a number in it failed in Consent.clean.
    client.force_login(physiotherapist)
    response = client.post(ADD_CONSENT, consent_form(patient, explained=explained))
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert not Consent.objects.exists()

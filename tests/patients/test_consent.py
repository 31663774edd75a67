from datetime import timedelta

import pytest
from django.urls import reverse

from patients.models import Consent
from tests.factories import TODAY, make_consent
from tests.patients.helpers import HOSTILE, HUGE, consent_data, unlabelled_fields

pytestmark = pytest.mark.django_db


def url(patient) -> str:
    return reverse("patients:consent-create", args=[patient.pk])


def withdraw_url(consent) -> str:
    return reverse("patients:consent-withdraw", args=[consent.pk])


def test_the_form_is_dated_today_lists_every_topic_and_labels_every_field(
    client, physiotherapist, patient
):
    client.force_login(physiotherapist)
    response = client.get(url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'type="date" name="consented_on" value="{TODAY.isoformat()}"' in html
    assert html.count('type="checkbox" class="form-check-input"  name="explained"') == 7
    assert unlabelled_fields(html) == []


def test_a_physiotherapist_records_the_patients_consent(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    response = client.post(url(patient), consent_data(), follow=True)
    assert response.redirect_chain == [(patient.get_absolute_url(), 302)]
    consent = Consent.objects.get()
    assert consent.patient == patient
    assert consent.obtained_by == physiotherapist
    assert consent.consented_on == TODAY
    assert sorted(consent.explained) == sorted(Consent.Topic.values)
    assert consent.is_in_force_on(TODAY)
    assert "Recorded Avery Lopez&#x27;s consent to IMS." in response.content.decode()


def test_a_substitute_decision_maker_can_consent_when_named(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    data = consent_data(given_by="substitute", substitute_name="Jordan Lopez")
    response = client.post(url(patient), data, follow=True)
    assert Consent.objects.get().substitute_name == "Jordan Lopez"
    assert "A substitute decision-maker: Jordan Lopez" in response.content.decode()


def test_it_names_every_topic_that_was_not_explained(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    data = consent_data(explained=["diagnosis", "options", "risks_benefits", "if_declined"])
    response = client.post(url(patient), data)
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert (
        "Consent must cover: The right to refuse or stop at any time; Material and special "
        "risks; What the patient will feel."
    ) in html
    assert Consent.objects.count() == 0


@pytest.mark.parametrize(
    "data,message",
    [
        ({"explained": []}, "Consent must cover: The assessment findings (diagnosis);"),
        ({"given_by": "substitute"}, "Name the substitute decision-maker (and only for a"),
        ({"given_by": "substitute", "substitute_name": "   "}, "Name the substitute"),
        ({"substitute_name": "Jordan Lopez"}, "Name the substitute decision-maker (and only"),
        ({"given_by": "substitute", "substitute_name": HUGE}, "at most 120 characters"),
        ({"given_by": HOSTILE}, "Select a valid choice."),
        ({"given_by": ""}, "This field is required."),
        ({"explained": [*Consent.Topic.values, HOSTILE]}, "Select a valid choice."),
        ({"explained": [HUGE]}, "Select a valid choice."),
        ({"consented_on": ""}, "This field is required."),
        ({"consented_on": "2024-13-45"}, "Enter a valid date."),
        ({"consented_on": HUGE}, "Enter a valid date."),
        ({"consented_on": (TODAY + timedelta(days=1)).isoformat()}, "cannot be dated in the"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, physiotherapist, patient, data, message
):
    client.force_login(physiotherapist)
    response = client.post(url(patient), consent_data(**data))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved. Please correct" in html
    assert "<script>alert(1)" not in html
    assert Consent.objects.count() == 0


def test_the_front_desk_is_refused_and_nothing_is_saved(client, front_desk, patient):
    client.force_login(front_desk)
    assert client.get(url(patient)).status_code == 403
    assert client.post(url(patient), consent_data()).status_code == 403
    assert Consent.objects.count() == 0


def test_a_clinic_admin_is_refused(client, clinic_admin, patient):
    client.force_login(clinic_admin)
    assert client.post(url(patient), consent_data()).status_code == 403
    assert Consent.objects.count() == 0


def test_a_visitor_is_sent_to_sign_in(client, patient):
    response = client.post(url(patient), consent_data())
    assert response["Location"] == f"/accounts/login/?next={url(patient)}"
    assert Consent.objects.count() == 0


def test_consent_for_a_made_up_patient_is_not_found(client, physiotherapist):
    client.force_login(physiotherapist)
    response = client.post(reverse("patients:consent-create", args=[999999]), consent_data())
    assert response.status_code == 404
    assert Consent.objects.count() == 0


def test_a_physiotherapist_withdraws_a_consent_which_stays_on_file(
    client, physiotherapist, patient
):
    consent = make_consent(patient, physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(withdraw_url(consent), follow=True)
    assert response.redirect_chain == [(patient.get_absolute_url(), 302)]
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    assert not consent.is_in_force_on(TODAY)
    html = response.content.decode()
    assert "marked withdrawn on 10 March 2026. It stays on file." in html
    assert f"Withdrawn on {TODAY:%-d %b %Y}" in html


def test_withdrawing_twice_keeps_the_first_date(client, physiotherapist, patient):
    earlier = TODAY - timedelta(days=3)
    consent = make_consent(patient, physiotherapist, withdrawn_on=earlier)
    client.force_login(physiotherapist)
    client.post(withdraw_url(consent))
    consent.refresh_from_db()
    assert consent.withdrawn_on == earlier


def test_withdrawing_asks_to_confirm_first_and_a_get_changes_nothing(
    client, physiotherapist, patient
):
    consent = make_consent(patient, physiotherapist)
    client.force_login(physiotherapist)
    response = client.get(withdraw_url(consent))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and ">Withdraw the consent</button>" in html
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin"])
def test_only_a_physiotherapist_may_withdraw_a_consent(
    client, physiotherapist, patient, role, request
):
    consent = make_consent(patient, physiotherapist)
    client.force_login(request.getfixturevalue(role))
    assert client.post(withdraw_url(consent)).status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_visitor_cannot_withdraw_a_consent(client, physiotherapist, patient):
    consent = make_consent(patient, physiotherapist)
    response = client.post(withdraw_url(consent))
    assert response["Location"] == f"/accounts/login/?next={withdraw_url(consent)}"
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_withdrawing_a_made_up_consent_is_not_found(client, physiotherapist):
    client.force_login(physiotherapist)
    response = client.post(reverse("patients:consent-withdraw", args=[999999]))
    assert response.status_code == 404


def test_a_consent_missing_a_topic_can_still_be_withdrawn(client, physiotherapist, patient):
    consent = make_consent(patient, physiotherapist, explained=["diagnosis"])
    client.force_login(physiotherapist)
    client.post(withdraw_url(consent))
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY

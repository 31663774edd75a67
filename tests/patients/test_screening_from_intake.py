"""The physiotherapist's screening drafted from the patient's online intake: ticked as the
patient answered, with a banner; signing it marks the intake reviewed. The patient's page
shows the intake's answers to physiotherapists, and to the front desk only that it was sent."""

import pytest
from django.urls import reverse

from patients.models import Intake, Screening
from patients.online.intake import submit_intake
from tests.factories import TODAY, make_patient

pytestmark = pytest.mark.django_db


def url(patient) -> str:
    return reverse("patients:screening-create", args=[patient.pk])


def send_intake(patient, **answers) -> Intake:
    return submit_intake(
        patient=patient, heard_about="search", problem="Tight shoulder since the move",
        how_long="weeks", screening_answers=answers, other_health="Mild asthma",
    )  # fmt: skip


def ticked(html: str, name: str) -> bool:
    tag = html.split(f'name="{name}"')[1].split(">")[0]
    return "checked" in tag


def test_the_form_starts_from_the_patients_answers_with_a_banner(
    client, physiotherapist, patient, clock
):
    send_intake(patient, needle_phobia=True, bleeding=True, diabetes=False)
    client.force_login(physiotherapist)
    html = client.get(url(patient)).content.decode().replace("&#x27;", "'")
    assert "Draft from the patient's intake of 10 Mar 2026: check each answer with the patient" in (
        html
    )
    assert "Tight shoulder since the move" in html
    assert ticked(html, "needle_phobia") and ticked(html, "bleeding_applies")
    assert not ticked(html, "diabetes_applies") and not ticked(html, "unwilling")


def test_without_an_unreviewed_intake_the_form_starts_empty(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    html = client.get(url(patient)).content.decode()
    assert "Draft from the patient" not in html
    assert 'name="from_intake"' not in html


def test_signing_the_screening_marks_the_intake_reviewed_by_the_physiotherapist(
    client, physiotherapist, patient, clock
):
    earlier = send_intake(patient)
    sent = send_intake(patient, bleeding=True)
    client.force_login(physiotherapist)
    data = {"screened_on": TODAY.isoformat(), "note": "", "from_intake": sent.pk,
            "bleeding_applies": "on", "bleeding_decision": "modify",
            "bleeding_note": "On a blood thinner: fewer sites"}  # fmt: skip
    assert client.post(url(patient), data).status_code == 302
    for intake in [earlier, sent]:
        intake.refresh_from_db()
        assert intake.reviewed_by == physiotherapist and intake.reviewed_at is not None
    assert Screening.objects.get().precautions.get().kind == "bleeding"
    html = client.get(url(patient)).content.decode()
    assert "Draft from the patient" not in html  # nothing left to review


def test_a_screening_refused_leaves_the_intake_waiting(client, physiotherapist, patient):
    sent = send_intake(patient, bleeding=True)
    client.force_login(physiotherapist)
    data = {"screened_on": TODAY.isoformat(), "from_intake": sent.pk, "bleeding_applies": "on"}
    response = client.post(url(patient), data)
    assert response.status_code == 200
    assert "Choose a decision for" in response.content.decode()
    sent.refresh_from_db()
    assert sent.reviewed_at is None and not Screening.objects.exists()


def test_another_patients_intake_id_marks_nothing(client, physiotherapist, patient, clock):
    theirs = send_intake(make_patient())
    client.force_login(physiotherapist)
    data = {"screened_on": TODAY.isoformat(), "note": "", "from_intake": theirs.pk}
    assert client.post(url(patient), data).status_code == 302
    theirs.refresh_from_db()
    assert theirs.reviewed_at is None
    assert Screening.objects.get().patient == patient


def test_a_newer_intake_sent_while_the_form_was_open_stays_waiting(
    client, physiotherapist, patient, clock
):
    shown = send_intake(patient)
    clock.shift(60)
    newer = send_intake(patient, pregnancy=True)
    client.force_login(physiotherapist)
    data = {"screened_on": TODAY.isoformat(), "note": "", "from_intake": shown.pk}
    client.post(url(patient), data)
    newer.refresh_from_db()
    assert newer.reviewed_at is None


def test_a_physiotherapist_reads_the_intake_on_the_patients_page(
    client, physiotherapist, patient, clock
):
    send_intake(patient, needle_phobia=True)
    client.force_login(physiotherapist)
    html = client.get(patient.get_absolute_url()).content.decode()
    assert "Intake sent online" in html
    assert "Tight shoulder since the move" in html
    assert "Less than 6 weeks" in html and "Searching the internet" in html
    assert "Are you very afraid of needles?" in html
    assert "Not reviewed yet" in html


def test_the_front_desk_sees_only_that_an_intake_was_sent(client, front_desk, patient, clock):
    send_intake(patient, needle_phobia=True)
    client.force_login(front_desk)
    response = client.get(patient.get_absolute_url())
    html = response.content.decode()
    assert "Intake sent online" in html and "Sent by the patient on 10 Mar 2026" in html
    for clinical in ["Tight shoulder", "Mild asthma", "afraid of needles", "Searching the"]:
        assert clinical not in html
    assert "problem" in response.context["latest_intake"].get_deferred_fields()

"""The intake service: the plain-word screening questions, what submit_intake keeps (and
refuses), the contact details a patient updates, and when the visits page asks for it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from patients.models import Consent, Intake, Precaution, Screening
from patients.online import intake
from tests.factories import TODAY, make_course, make_patient, make_visit

pytestmark = pytest.mark.django_db


def answers(**fields) -> dict:
    sent = {"heard_about": "doctor", "problem": "Sore low back for months", "how_long": "year",
            "screening_answers": {"needle_phobia": False, "bleeding": True}}  # fmt: skip
    return {**sent, **fields}


def test_there_is_one_question_for_each_screening_finding_and_each_precaution():
    assert set(intake.DO_NOT_NEEDLE_QUESTIONS) == set(Screening.DO_NOT_NEEDLE_FIELDS)
    assert set(intake.PRECAUTION_QUESTIONS) == set(Precaution.Kind.values)
    assert all(str(question).endswith("?") for question in intake.QUESTIONS.values())
    assert intake.QUESTIONS["needle_phobia"] == "Are you very afraid of needles?"
    assert intake.QUESTIONS["bleeding"] == "Do you take blood thinners or bruise easily?"


def test_every_topic_of_consent_has_words_to_read_ahead():
    assert set(intake.CONSENT_TOPICS_TO_READ) == set(Consent.Topic.values)


def test_it_keeps_the_intake_with_every_question_answered_yes_or_no(patient):
    sent = intake.submit_intake(patient=patient, **answers(other_health="Asthma"))
    assert sent.patient == patient
    assert sent.get_heard_about_display() == "My doctor or another health professional"
    assert sent.screening_answers["bleeding"] is True
    assert sent.screening_answers["pregnancy"] is False  # not ticked is a "no" to check
    assert set(sent.screening_answers) == set(intake.QUESTIONS)
    assert sent.reviewed_at is None


def test_it_saves_the_contact_details_the_patient_changed_with_a_reason_in_the_history(patient):
    contact = {"phone": "778-555-0100", "emergency_contact_name": "Sam Lopez",
               "emergency_contact_phone": "778-555-0101"}  # fmt: skip
    intake.submit_intake(patient=patient, contact=contact, **answers())
    patient.refresh_from_db()
    assert patient.phone == "778-555-0100"
    assert patient.phone_digits == "7785550100"
    assert patient.emergency_contact_name == "Sam Lopez"
    assert patient.history.first().history_change_reason == "Updated by the patient online"


def test_unchanged_contact_details_leave_the_record_as_it_was(patient):
    versions = patient.history.count()
    intake.submit_intake(patient=patient, contact={"phone": patient.phone}, **answers())
    assert patient.history.count() == versions


def test_the_email_is_not_a_contact_detail_the_patient_changes(patient):
    with pytest.raises(ValidationError):
        intake.update_contact_details(patient, {"email": "someone@else.example"})
    patient.refresh_from_db()
    assert patient.email != "someone@else.example"


@pytest.mark.parametrize(
    "bad",
    [
        {"heard_about": "billboard"},
        {"how_long": ""},
        {"problem": "   "},
        {"problem": "x" * 2001},
        {"other_health": "x" * 2001},
        {"screening_answers": {"made_up_question": True}},
        {"screening_answers": {"bleeding": "yes"}},
    ],
)
def test_it_refuses_answers_that_are_not_on_the_form_and_keeps_nothing(patient, bad):
    with pytest.raises(ValidationError):
        intake.submit_intake(patient=patient, **answers(**bad))
    assert not Intake.objects.exists()


def test_a_phone_number_the_record_refuses_keeps_neither_it_nor_the_intake(patient):
    with pytest.raises(ValidationError) as error:
        intake.submit_intake(patient=patient, contact={"phone": "12"}, **answers())
    assert "phone" in error.value.message_dict
    assert not Intake.objects.exists()
    patient.refresh_from_db()
    assert patient.phone == "604-555-0199"


def test_the_draft_screening_ticks_what_the_patient_answered_yes(patient):
    sent = intake.submit_intake(
        patient=patient,
        **answers(screening_answers={"needle_phobia": True, "pregnancy": True, "epilepsy": False}),
    )
    assert intake.screening_draft(sent) == {"needle_phobia": True, "pregnancy_applies": True}
    assert intake.answered_yes(sent) == [
        "Are you very afraid of needles?", "Are you pregnant, or might you be?"
    ]  # fmt: skip


def test_the_visits_page_asks_for_the_intake_until_it_is_sent_and_not_after_the_first_visit(
    clock,
):
    patient = make_patient()
    assert intake.first_visit_task(patient) == "to_send"
    intake.submit_intake(patient=patient, **answers())
    assert intake.first_visit_task(patient) == "sent"
    make_visit(make_course(patient), TODAY - timedelta(days=1), status="attended")
    assert intake.first_visit_task(patient) is None


def test_a_patient_already_seen_is_not_asked_for_an_intake(clock):
    patient = make_patient()
    make_visit(make_course(patient), TODAY - timedelta(days=30), status="attended")
    assert intake.first_visit_task(patient) is None


def test_only_the_patients_own_unreviewed_intake_is_found_by_its_id(patient, physiotherapist):
    other = make_patient()
    theirs = intake.submit_intake(patient=other, **answers())
    mine = intake.submit_intake(patient=patient, **answers())
    assert intake.unreviewed_intake(patient, str(mine.pk)) == mine
    for pk in [theirs.pk, "abc", None, 10**20]:
        assert intake.unreviewed_intake(patient, pk) is None

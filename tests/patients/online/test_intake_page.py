"""The page "Before your first visit": a signed-in patient sends their intake; bad input is
refused with a message and nothing kept; staff and visitors never reach it."""

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from patients.models import Intake
from tests.patients.helpers import HOSTILE, unlabelled_fields
from tests.patients.online.helpers import online_patient, sign_in_by_link

pytestmark = pytest.mark.django_db
INTAKE = reverse("patients:online-intake")
VISITS = reverse("patients:online-visits")


@pytest.fixture
def avery(clock):
    return online_patient(email="avery@example.com", legal_first_name="Avery", phone="604-555-0199")


def intake_data(**fields) -> dict:
    data = {"phone": "604-555-0199", "emergency_contact_name": "", "emergency_contact_phone": "",
            "problem": "My neck hurts when I turn my head", "how_long": "months",
            "heard_about": "person", "other_health": "", "q_bleeding": "on"}  # fmt: skip
    return {**data, **fields}


def test_a_patient_reads_the_questions_in_plain_words_and_the_consent_topics(
    client, avery, django_assert_num_queries
):
    sign_in_by_link(client, avery)
    with django_assert_num_queries(2):  # the session, the patient
        response = client.get(INTAKE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert unlabelled_fields(html) == []
    assert "Are you very afraid of needles?" in html
    assert "You may say no, or ask to stop, at any time" in html
    assert reverse("content:page-list") in html
    assert 'value="604-555-0199"' in html  # their phone, to check
    assert "avery@example.com" in html and 'name="email"' not in html


def test_a_patient_sends_the_intake_and_the_visits_page_thanks_them(client, avery):
    sign_in_by_link(client, avery)
    assert "Answer the questions" in client.get(VISITS).content.decode()
    response = client.post(INTAKE, intake_data(emergency_contact_name="Sam"), follow=True)
    assert response.redirect_chain == [(VISITS, 302)]
    html = response.content.decode()
    assert "Thank you. Your physiotherapist will go through it" in html
    assert "Answer the questions" not in html
    sent = Intake.objects.get(patient=avery)
    assert sent.problem == "My neck hurts when I turn my head"
    assert sent.screening_answers["bleeding"] is True
    avery.refresh_from_db()
    assert avery.emergency_contact_name == "Sam"
    entry = AuditEntry.objects.get(detail="Intake sent online")
    assert entry.username == f"patient {avery.pk}"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"problem": ""}, "This field is required."),
        ({"how_long": "forever"}, "Select a valid choice."),
        ({"phone": "12"}, "Enter a phone number with at least 7 digits."),
        ({"problem": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_answers_are_marked_and_nothing_is_sent(client, avery, bad, message):
    sign_in_by_link(client, avery)
    response = client.post(INTAKE, intake_data(**bad))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was sent yet" in response.content.decode()
    assert not Intake.objects.exists()


def test_markup_typed_in_is_kept_as_text_and_never_runs(client, avery):
    sign_in_by_link(client, avery)
    client.post(INTAKE, intake_data(problem=HOSTILE, other_health=HOSTILE))
    assert Intake.objects.get().problem == HOSTILE


def test_an_email_posted_with_the_form_changes_nothing(client, avery):
    sign_in_by_link(client, avery)
    client.post(INTAKE, intake_data(email="mallory@example.com"))
    avery.refresh_from_db()
    assert avery.email == "avery@example.com"


def test_staff_and_visitors_are_sent_to_the_patient_sign_in(client, physiotherapist, front_desk):
    assert client.get(INTAKE)["Location"].split("?")[0] == reverse("patients:online-sign-in")
    for person in [physiotherapist, front_desk]:
        client.force_login(person)
        response = client.post(INTAKE, intake_data())
        assert response["Location"].split("?")[0] == reverse("patients:online-sign-in")
    assert not Intake.objects.exists()

"""A questionnaire is asked in the reader's language only in a validated translation the clinic
has loaded; otherwise in English, with a note saying why."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_course
from tests.treatments.outcomes.answering import measure_for
from tests.treatments.outcomes.helpers import licensed_text
from treatments.models import AnswerLink, Instrument, MeasureResponse
from treatments.outcomes import services

pytestmark = pytest.mark.django_db
IN_ENGLISH_NOTE = "Ce questionnaire est en anglais."
GROC_QUESTION = "Overall, has there been any change in your condition since you started treatment?"


def french_groc() -> dict:
    text = licensed_text("groc")
    text["title"] = "Échelle de changement global"
    text["items"][0]["text"] = "Depuis le début du traitement, votre état a-t-il changé ?"
    return text


def load_translation(client, code: str, language: str, text: dict, source: str = "Ref. 2019"):
    instrument = Instrument.objects.get(code=code)
    url = reverse("admin:treatments_instrument_change", args=[instrument.pk])
    data = {
        "is_active": "on",
        "translation_language": language,
        "translation_source": source,
        "translation_file": SimpleUploadedFile("t.json", json.dumps(text).encode()),
    }
    return client.post(url, data)


@pytest.fixture
def groc_link(instruments, patient, physiotherapist) -> str:
    measure = measure_for(instruments["groc"], make_course(patient, physiotherapist))
    _link, token = services.make_link(
        measure, MeasureResponse.Occasion.BASELINE, AnswerLink.Channel.EMAIL,
        physiotherapist, sent_to="avery@example.com",
    )  # fmt: skip
    return reverse("treatments:answer", args=[token])


def test_without_a_translation_a_french_reader_gets_the_questions_in_english_with_a_note(
    client, groc_link
):
    html = client.get(groc_link, HTTP_ACCEPT_LANGUAGE="fr-CA").content.decode()
    assert IN_ENGLISH_NOTE in html
    assert f'<legend class="h6 fw-semibold mb-2" lang="en-ca">{GROC_QUESTION}' in html
    assert "globale de changement</h1>" in html  # its name, as the catalogues give it


def test_an_english_reader_gets_no_note(client, groc_link):
    html = client.get(groc_link).content.decode()
    assert GROC_QUESTION in html
    assert "tested translation" not in html


def test_with_a_loaded_translation_a_french_reader_answers_in_french(
    client, clinic_admin, groc_link
):
    client.force_login(clinic_admin)
    assert load_translation(client, "groc", "fr-ca", french_groc()).status_code == 302
    client.logout()
    html = client.get(groc_link, HTTP_ACCEPT_LANGUAGE="fr-CA").content.decode()
    assert "Depuis le début du traitement, votre état a-t-il changé ?" in html
    assert '<h1 class="h2">Échelle de changement global</h1>' in html
    assert IN_ENGLISH_NOTE not in html
    chinese = client.get(groc_link, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert GROC_QUESTION in chinese


def test_the_admin_lists_the_languages_a_questionnaire_has(client, clinic_admin):
    client.force_login(clinic_admin)
    load_translation(client, "groc", "fr-ca", french_groc())
    groc = Instrument.objects.get(code="groc")
    assert groc.translations["fr-ca"]["source"] == "Ref. 2019"
    html = client.get(reverse("admin:treatments_instrument_changelist")).content.decode()
    assert "Français" in html


@pytest.mark.parametrize(
    "language,text,source,field",
    [
        ("", french_groc(), "Ref.", "translation_language"),
        ("fr-ca", french_groc(), "  ", "translation_source"),
        ("fr-ca", licensed_text("nprs"), "Ref.", "translation_file"),
        ("fr-ca", {**french_groc(), "title": ["not", "text"]}, "Ref.", "translation_file"),
        ("de", french_groc(), "Ref.", "translation_language"),
    ],
    ids=["no language", "no source", "another questionnaire's", "bad title", "unknown language"],
)
def test_a_bad_translation_is_refused_with_a_message(
    client, clinic_admin, instruments, language, text, source, field
):
    client.force_login(clinic_admin)
    response = load_translation(client, "groc", language, text, source)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert Instrument.objects.get(code="groc").translations == {}


def test_a_translation_file_that_is_not_json_is_refused(client, clinic_admin, instruments):
    client.force_login(clinic_admin)
    groc = Instrument.objects.get(code="groc")
    url = reverse("admin:treatments_instrument_change", args=[groc.pk])
    response = client.post(url, {
        "is_active": "on", "translation_language": "pa", "translation_source": "Ref.",
        "translation_file": SimpleUploadedFile("t.json", b"\xff not json"),
    })  # fmt: skip
    assert response.context["adminform"].form.errors["translation_file"]

"""The FHIR R5 export of every instrument and of a patient's answers, checked by fhir.resources."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from tests.treatments.outcomes.helpers import licensed_text
from treatments.outcomes.fhir import questionnaire, questionnaire_response
from treatments.outcomes.instruments import (
    check_licensed_text,
    definition,
    definitions,
    options,
    with_text,
)

CODES = sorted(definitions())


def highest_answers(code):
    return {item["linkId"]: options(item)[-1] for item in definition(code)["items"]}


@pytest.mark.parametrize("code", CODES)
def test_every_instrument_exports_as_a_valid_questionnaire(code):
    resource = Questionnaire.model_validate(questionnaire(definition(code)))
    assert resource.url.endswith(code)
    assert resource.status == "active"
    assert [item.linkId for item in resource.item][-1] == "score"


@pytest.mark.parametrize("code", CODES)
def test_every_instrument_exports_a_valid_response_with_its_score(code):
    d = definition(code)
    exported = questionnaire_response(
        d,
        highest_answers(code),
        authored=datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
        subject_reference="Patient/12",
    )
    resource = QuestionnaireResponse.model_validate(exported)
    assert resource.status == "completed"
    assert resource.subject.reference == "Patient/12"
    assert resource.item[-1].answer[0].valueDecimal == d["score"]["max"]


def test_the_questionnaire_carries_the_licence_and_no_unlicensed_text():
    exported = questionnaire(definition("odi"))
    assert "Mapi Research Trust" in exported["copyright"]
    first = exported["item"][0]
    assert "text" not in first
    assert [o["valueCoding"]["code"] for o in first["answerOption"]] == list("012345")
    assert all("display" not in o["valueCoding"] for o in first["answerOption"])


def test_a_clinics_licensed_text_appears_in_the_export():
    d = with_text(definition("ndi"), check_licensed_text(definition("ndi"), licensed_text("ndi")))
    resource = Questionnaire.model_validate(questionnaire(d))
    assert resource.item[0].text == "Licensed question 1"
    assert resource.item[0].answerOption[1].valueCoding.display == "Statement 1"


def test_a_psfs_response_names_each_activity_and_leaves_skipped_ones_out():
    exported = questionnaire_response(
        definition("psfs"),
        {"1": 3, "2": 5, "3": 4, "4": None},
        activities={"1": "Climbing stairs", "2": "Gardening", "3": "Lifting my grandchild"},
    )
    QuestionnaireResponse.model_validate(exported)
    assert [item["linkId"] for item in exported["item"]] == ["1", "2", "3", "score"]
    first = exported["item"][0]["answer"][0]
    assert first["valueInteger"] == 3
    assert first["item"] == [
        {"linkId": "1.activity", "answer": [{"valueString": "Climbing stairs"}]}
    ]
    assert exported["item"][-1]["answer"] == [{"valueDecimal": 4}]


def test_a_response_with_a_skipped_odi_section_scores_on_the_sections_answered():
    exported = questionnaire_response(
        definition("odi"), {str(n): 2 for n in range(1, 10)} | {"4": 1, "10": None}
    )
    QuestionnaireResponse.model_validate(exported)
    assert len(exported["item"]) == 10
    assert exported["item"][-1]["answer"] == [{"valueDecimal": 37.8}]


def test_a_groc_response_carries_the_published_statement():
    exported = questionnaire_response(definition("groc"), {"1": 3})
    coding = exported["item"][0]["answer"][0]["valueCoding"]
    assert (coding["code"], coding["display"]) == ("3", "Somewhat better")


def test_it_exports_no_response_for_answers_out_of_range():
    with pytest.raises(ValidationError, match="NPRS item 1 must be a whole number"):
        questionnaire_response(definition("nprs"), {"1": 11})

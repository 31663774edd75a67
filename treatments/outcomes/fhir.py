"""FHIR R5 Questionnaire and QuestionnaireResponse JSON for the outcome instruments.

R5 is what `fhir.resources` 8 validates by default. Answer options are Codings whose code is
the option's value, with the value as an `itemWeight` for scoring; 0-10 scales are integers
with `minValue`/`maxValue` and their end labels as SDC "lower"/"upper" display items. A
named activity's (PSFS) name is a string child of its score. The score is a read-only decimal item.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from .instruments import options
from .scoring import score as compute_score

BASE = "urn:ims-clinic:questionnaire"
EXT = "http://hl7.org/fhir/StructureDefinition/"
ITEM_CONTROL = "http://hl7.org/fhir/questionnaire-item-control"
SCORE_LINK_ID = "score"


def _url(definition: dict[str, Any]) -> str:
    return f"{BASE}:{definition['code']}"


def _coding(definition: dict[str, Any], option: dict[str, Any]) -> dict[str, Any]:
    coding = {
        "extension": [{"url": EXT + "itemWeight", "valueDecimal": option["value"]}],
        "system": f"{_url(definition)}:options",
        "code": str(option["value"]),
    }
    if option["display"]:
        coding["display"] = option["display"]
    return coding


def _label(link_id: str, control: str, text: str) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": EXT + "questionnaire-itemControl",
                "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL, "code": control}]},
            }
        ],
        "linkId": f"{link_id}.{control}",
        "text": text,
        "type": "display",
    }


def _question(definition: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    question: dict[str, Any] = {"linkId": item["linkId"], "required": item["required"]}
    if item["text"]:
        question["text"] = item["text"]
    if "answerOption" in item:
        question["type"] = "coding"
        question["answerConstraint"] = "optionsOnly"
        question["answerOption"] = [
            {"valueCoding": _coding(definition, option)} for option in item["answerOption"]
        ]
        return question
    question["type"] = "integer"
    question["extension"] = [
        {"url": EXT + "minValue", "valueInteger": item["min"]},
        {"url": EXT + "maxValue", "valueInteger": item["max"]},
    ]
    children = [
        _label(item["linkId"], control, item[key])
        for control, key in (("lower", "minLabel"), ("upper", "maxLabel"))
        if item.get(key)
    ]
    if item.get("names_activity"):
        children.append({"linkId": f"{item['linkId']}.activity", "type": "string"})
    if children:
        question["item"] = children
    return question


def questionnaire(definition: dict[str, Any]) -> dict[str, Any]:
    """The instrument as a FHIR R5 Questionnaire (JSON-ready dict)."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": definition["code"],
        "url": _url(definition),
        "version": definition["version"],
        "name": definition["short_title"],
        "title": definition["title"],
        "status": "active",
        "copyright": f"{definition['licence']['text']} {definition['licence']['url']}",
        "item": [_question(definition, item) for item in definition["items"]],
    }
    if definition.get("instructions"):
        resource["description"] = definition["instructions"]
    score_item = {"linkId": SCORE_LINK_ID, "text": definition["short_title"], "type": "decimal"}
    resource["item"].append({**score_item, "readOnly": True})
    return resource


def questionnaire_response(
    definition: dict[str, Any],
    answers: dict[str, int | None],
    *,
    activities: dict[str, str] | None = None,
    authored: datetime | None = None,
    subject_reference: str | None = None,
) -> dict[str, Any]:
    """A patient's answers as a completed FHIR R5 QuestionnaireResponse with its score.

    The answers are checked and scored as `scoring.score()` does (a ValidationError if bad).
    `activities` names PSFS activities by linkId; `subject_reference` is e.g. "Patient/12".
    """
    value = compute_score(definition, answers)
    items = []
    for item in definition["items"]:
        answer = answers.get(item["linkId"])
        if answer is None:
            continue
        if "answerOption" in item:
            option = item["answerOption"][options(item).index(answer)]
            entry: dict[str, Any] = {"valueCoding": _coding(definition, option)}
        else:
            entry = {"valueInteger": answer}
        name = (activities or {}).get(item["linkId"])
        if name and item.get("names_activity"):
            entry["item"] = [
                {"linkId": f"{item['linkId']}.activity", "answer": [{"valueString": name}]}
            ]
        response_item = {"linkId": item["linkId"], "answer": [entry]}
        if item["text"]:
            response_item["text"] = item["text"]
        items.append(response_item)
    if value is not None:
        items.append({"linkId": SCORE_LINK_ID, "answer": [{"valueDecimal": _number(value)}]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{_url(definition)}|{definition['version']}",
        "status": "completed",
        "item": items,
    }
    if authored is not None:
        resource["authored"] = authored.isoformat()
    if subject_reference:
        resource["subject"] = {"reference": subject_reference}
    return resource


def _number(value: Decimal) -> float | int:
    # JSON has no decimal type; keep whole scores whole.
    return int(value) if value == value.to_integral_value() else float(value)

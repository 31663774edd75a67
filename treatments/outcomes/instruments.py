"""Outcome instruments as data: one JSON file per instrument in `instruments/`.

Each file is shaped after FHIR's Questionnaire (see the README, "Outcome instruments"). Bands
tile the score's range in order: each band runs from `from` to `to`, both inclusive, and a
score on a shared boundary belongs to the earlier band (ODI 20% is "minimal", 20.5% "moderate").

Instruments whose licence forbids shipping their text (`text_included: false`) carry empty
texts; a clinic uploads its licensed copy, checked by `check_licensed_text()` and merged by
`with_text()`.
"""

import copy
import functools
import itertools
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

FOLDER = Path(__file__).with_name("instruments")
METHODS = ("percent_of_answered", "sum_scaled_to_answered", "sum", "mean", "single")
MAX_TEXT = 1000
MAX_DISPLAY = 500

# The English labels of the shipped files, marked so that makemessages collects them:
# show them through gettext() (band() in scoring.py does).
LABELS = (
    gettext_noop("Oswestry Disability Index"),
    gettext_noop("Neck Disability Index"),
    gettext_noop("Lower Extremity Functional Scale"),
    gettext_noop("Patient-Specific Functional Scale"),
    gettext_noop("Numeric Pain Rating Scale"),
    gettext_noop("Global Rating of Change"),
    gettext_noop("Minimal disability"),
    gettext_noop("Moderate disability"),
    gettext_noop("Severe disability"),
    gettext_noop("Crippled"),
    gettext_noop("Bed-bound or exaggerating symptoms"),
    gettext_noop("No disability"),
    gettext_noop("Mild disability"),
    gettext_noop("Complete disability"),
    gettext_noop("No pain"),
    gettext_noop("Mild pain"),
    gettext_noop("Moderate pain"),
    gettext_noop("Severe pain"),
    gettext_noop("Worse"),
    gettext_noop("About the same"),
    gettext_noop("Improved"),
)


class InstrumentFileError(ImproperlyConfigured):
    """A shipped instrument file is malformed: a bug in the release, never user input."""


def _check_definition(d: dict[str, Any], name: str) -> None:
    def fail(problem: str) -> None:
        raise InstrumentFileError(f"Outcome instrument file {name}: {problem}")

    for key, kind in (
        ("code", str), ("title", str), ("short_title", str), ("version", str), ("source", str),
        ("licence", dict), ("text_included", bool), ("regions", list), ("score", dict),
        ("items", list),
    ):  # fmt: skip
        if not isinstance(d.get(key), kind):
            fail(f"'{key}' must be a {kind.__name__}")
    if f"{d['code']}.json" != name:
        fail(f"'code' is {d['code']!r} but the file must then be named {d['code']}.json")
    if not d["licence"].get("text") or not d["licence"].get("url"):
        fail("'licence' needs a 'text' and a 'url'")
    score = d["score"]
    if score.get("method") not in METHODS:
        fail(f"score 'method' must be one of {', '.join(METHODS)}")
    for key in ("min", "max", "decimals", "min_answered"):
        if not isinstance(score.get(key), int | float) or isinstance(score.get(key), bool):
            fail(f"score '{key}' must be a number")
    if score["min"] >= score["max"]:
        fail("score 'min' must be below 'max'")
    if not isinstance(score.get("higher_is_better"), bool):
        fail("score 'higher_is_better' must be true or false")
    if not isinstance(score.get("mcid", {}).get("points"), int | float):
        fail("score 'mcid' needs 'points'")
    if not score["mcid"].get("source"):
        fail("score 'mcid' needs a 'source'")
    _check_bands(score, fail)
    _check_items(d, fail)
    if not 1 <= score["min_answered"] <= len(d["items"]):
        fail("score 'min_answered' must be between 1 and the number of items")
    if score["method"] == "single" and len(d["items"]) != 1:
        fail("the 'single' method needs exactly one item")


def _check_bands(score: dict[str, Any], fail: Any) -> None:
    bands = score.get("bands")
    if not isinstance(bands, list):
        fail("score 'bands' must be a list")
    if not bands:
        return
    if bands[0].get("from") != score["min"] or bands[-1].get("to") != score["max"]:
        fail("bands must start at the score's 'min' and end at its 'max'")
    for before, band in itertools.pairwise(bands):
        if band.get("from") != before.get("to"):
            fail(f"band {band.get('label')!r} must start where the band before it ends")
    for band in bands:
        if not band.get("label") or band["from"] > band["to"]:
            fail(f"band {band.get('label')!r} needs a label and 'from' <= 'to'")


def _check_items(d: dict[str, Any], fail: Any) -> None:
    if not d["items"]:
        fail("'items' must not be empty")
    link_ids = [item.get("linkId") for item in d["items"]]
    if len(set(link_ids)) != len(link_ids) or not all(isinstance(i, str) for i in link_ids):
        fail("every item needs a unique string 'linkId'")
    for item in d["items"]:
        where = f"item {item['linkId']}"
        if not isinstance(item.get("text"), str) or not isinstance(item.get("required"), bool):
            fail(f"{where} needs a 'text' string and a 'required' true/false")
        has_text = item["text"] or item.get("minLabel") or item.get("maxLabel")
        if has_text and not d["text_included"]:
            fail(f"{where} has text but 'text_included' is false")
        if not isinstance(item.get("names_activity", False), bool):
            fail(f"{where}: 'names_activity' must be true or false")
        if "answerOption" in item:
            values = [o.get("value") for o in item["answerOption"]]
            if not values or len(set(values)) != len(values):
                fail(f"{where} needs unique answer option values")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                fail(f"{where}: answer option values must be whole numbers")
            if not d["text_included"] and any(o.get("display") for o in item["answerOption"]):
                fail(f"{where} has option text but 'text_included' is false")
        elif not (isinstance(item.get("min"), int) and isinstance(item.get("max"), int)):
            fail(f"{where} needs either 'answerOption' or whole-number 'min' and 'max'")
        elif item["min"] >= item["max"]:
            fail(f"{where}: 'min' must be below 'max'")


@functools.cache
def definitions() -> dict[str, dict[str, Any]]:
    """Every shipped instrument by code, loaded and checked once."""
    found = {}
    for path in sorted(FOLDER.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InstrumentFileError(f"Outcome instrument file {path.name}: {error}") from error
        if not isinstance(data, dict):
            raise InstrumentFileError(f"Outcome instrument file {path.name}: not a JSON object")
        _check_definition(data, path.name)
        found[data["code"]] = data
    return found


def definition(code: str) -> dict[str, Any]:
    """One instrument; a KeyError for an unknown code."""
    return definitions()[code]


def options(item: dict[str, Any]) -> list[int]:
    """The values an item accepts, in order."""
    if "answerOption" in item:
        return [option["value"] for option in item["answerOption"]]
    return list(range(item["min"], item["max"] + 1))


def check_licensed_text(definition: dict[str, Any], data: Any) -> dict[str, Any]:
    """Check a clinic's licensed text against the instrument's structure.

    `data` is {"instructions"?: str, "items": [{"linkId", "text", "answerOption"?: [{"value",
    "display"}], "minLabel"?, "maxLabel"?}]}. Returns the cleaned mapping; raises
    ValidationError listing every problem.
    """
    title = definition["short_title"]
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValidationError(
            _('The file must be a JSON object with a list of "items".'), code="invalid"
        )
    errors: list[str] = []
    uploaded = {
        i["linkId"]: i
        for i in data["items"]
        if isinstance(i, dict) and isinstance(i.get("linkId"), str)
    }
    expected = {item["linkId"]: item for item in definition["items"]}
    if len(uploaded) != len(data["items"]) or set(uploaded) != set(expected):
        errors.append(
            _("The items must be exactly those of the %(title)s: %(ids)s.")
            % {"title": title, "ids": ", ".join(expected)}
        )
    instructions = data.get("instructions", "")
    if not isinstance(instructions, str) or len(instructions) > MAX_TEXT * 4:
        errors.append(_("The instructions must be text of at most 4000 characters."))
    cleaned_items = []
    for link_id, item in expected.items():
        given = uploaded.get(link_id)
        if given is None:
            continue
        text = given.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            errors.append(
                _("Item %(item)s needs its text, of at most %(max)s characters.")
                % {"item": link_id, "max": MAX_TEXT}
            )
            continue
        cleaned = {"linkId": link_id, "text": text.strip()}
        if "answerOption" in item:
            cleaned["answerOption"] = _clean_options(item, given.get("answerOption"), errors)
        else:
            for key in ("minLabel", "maxLabel"):
                label = given.get(key, "")
                if not isinstance(label, str) or len(label) > MAX_DISPLAY:
                    errors.append(
                        _("Item %(item)s: %(key)s must be text of at most %(max)s characters.")
                        % {"item": link_id, "key": key, "max": MAX_DISPLAY}
                    )
                else:
                    cleaned[key] = label.strip()
        cleaned_items.append(cleaned)
    if errors:
        raise ValidationError(errors, code="invalid")
    return {"instructions": instructions.strip(), "items": cleaned_items}


def _clean_options(item: dict[str, Any], given: Any, errors: list[str]) -> list[dict]:
    values = options(item)
    link_id = item["linkId"]
    if (
        not isinstance(given, list)
        or [o.get("value") if isinstance(o, dict) else None for o in given] != values
    ):
        errors.append(
            _("Item %(item)s must have the answer options %(values)s, in that order.")
            % {"item": link_id, "values": ", ".join(str(v) for v in values)}
        )
        return []
    cleaned = []
    for option in given:
        display = option.get("display")
        if not isinstance(display, str) or not display.strip() or len(display) > MAX_DISPLAY:
            errors.append(
                _("Item %(item)s, option %(value)s needs its text, of at most %(max)s characters.")
                % {"item": link_id, "value": option["value"], "max": MAX_DISPLAY}
            )
        else:
            cleaned.append({"value": option["value"], "display": display.strip()})
    return cleaned


def check_translation(definition: dict[str, Any], data: Any, source: str) -> dict[str, Any]:
    """Check a validated translation's text as check_licensed_text() does; `data` may also
    give the translation's own "title". `source` names the validation and the licence."""
    cleaned = check_licensed_text(definition, data)
    title = data.get("title", "")
    if not isinstance(title, str) or len(title) > 120:
        raise ValidationError(_("The title must be text of at most 120 characters."))
    return {"title": title.strip(), "source": source.strip(), **cleaned}


def in_language(definition: dict, licensed: dict | None, translations: dict, language: str):
    """The questionnaire as a reader of `language` is given it, and whether its questions are
    in their language: a validated translation the clinic loaded, else the English. Its title
    is the translation's own, else the name the catalogues give the instrument."""
    english = with_text(definition, licensed)
    translation = translations.get(language)
    shown = with_text(english, translation) if translation else english
    shown["title"] = (translation or {}).get("title") or _(english["title"])
    return shown, bool(translation)


def with_text(definition: dict[str, Any], licensed: dict[str, Any] | None) -> dict[str, Any]:
    """A copy of the definition with a clinic's checked licensed text merged in."""
    merged = copy.deepcopy(definition)
    if not licensed:
        return merged
    if licensed.get("instructions"):
        merged["instructions"] = licensed["instructions"]
    given = {item["linkId"]: item for item in licensed["items"]}
    for item in merged["items"]:
        text = given.get(item["linkId"])
        if text is None:
            continue
        item["text"] = text["text"]
        for key in ("minLabel", "maxLabel"):
            if text.get(key):
                item[key] = text[key]
        if "answerOption" in item and text.get("answerOption"):
            displays = {o["value"]: o["display"] for o in text["answerOption"]}
            for option in item["answerOption"]:
                option["display"] = displays.get(option["value"], option["display"])
    merged["text_included"] = True
    return merged

"""The instrument files, their checks, and a clinic's licensed text."""

import json

import pytest
from django.core.exceptions import ValidationError

from tests.treatments.outcomes.helpers import licensed_text
from treatments.outcomes import instruments
from treatments.outcomes.instruments import (
    InstrumentFileError,
    check_licensed_text,
    definition,
    definitions,
    with_text,
)

CODES = ["groc", "lefs", "ndi", "nprs", "odi", "psfs"]
SHIPPED = instruments.FOLDER


def shipped(code):
    """A fresh copy of a shipped file's content, to break."""
    return json.loads((SHIPPED / f"{code}.json").read_text())


def test_it_loads_every_instrument_file():
    assert sorted(definitions()) == CODES


@pytest.mark.parametrize("code", CODES)
def test_every_instrument_records_its_source_licence_and_mcid(code):
    d = definition(code)
    assert d["source"] and d["licence"]["url"].startswith("https://")
    assert d["score"]["mcid"]["points"] > 0 and d["score"]["mcid"]["source"]


@pytest.mark.parametrize("code", ["odi", "ndi", "lefs"])
def test_it_ships_no_text_of_an_instrument_whose_licence_forbids_it(code):
    d = definition(code)
    assert d["text_included"] is False
    assert all(item["text"] == "" for item in d["items"])
    assert all(o["display"] == "" for item in d["items"] for o in item["answerOption"])


def test_every_title_and_band_label_is_translatable():
    for d in definitions().values():
        assert d["title"] in instruments.LABELS
        for band in d["score"]["bands"]:
            assert band["label"] in instruments.LABELS


def test_psfs_asks_for_three_to_five_named_activities():
    items = definition("psfs")["items"]
    assert [i["required"] for i in items] == [True, True, True, False, False]
    assert all(i["names_activity"] and (i["min"], i["max"]) == (0, 10) for i in items)


@pytest.fixture
def instrument_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(instruments, "FOLDER", tmp_path)
    definitions.cache_clear()
    yield tmp_path
    definitions.cache_clear()


def test_a_file_that_is_not_json_raises_an_error_naming_the_file(instrument_folder):
    (instrument_folder / "odi.json").write_text("{not json")
    with pytest.raises(InstrumentFileError, match=r"odi\.json"):
        definitions()


def test_a_file_with_bands_that_leave_a_gap_raises_an_error_naming_the_file(instrument_folder):
    broken = shipped("ndi")
    broken["score"]["bands"][1]["from"] = 5
    (instrument_folder / "ndi.json").write_text(json.dumps(broken))
    with pytest.raises(InstrumentFileError, match=r"ndi\.json.*must start where"):
        definitions()


def test_a_file_shipping_text_it_says_it_does_not_raises_an_error(instrument_folder):
    broken = shipped("odi")
    broken["items"][0]["text"] = "Pain intensity"
    (instrument_folder / "odi.json").write_text(json.dumps(broken))
    with pytest.raises(InstrumentFileError, match=r"odi\.json: item 1 has text"):
        definitions()


def test_it_accepts_a_complete_licensed_text_and_merges_it():
    cleaned = check_licensed_text(definition("odi"), licensed_text("odi"))
    merged = with_text(definition("odi"), cleaned)
    assert merged["items"][0]["text"] == "Licensed question 1"
    assert merged["items"][0]["answerOption"][5]["display"] == "Statement 5"
    assert definition("odi")["items"][0]["text"] == ""  # the shipped definition is untouched


def test_without_licensed_text_it_returns_a_copy_of_the_definition():
    assert with_text(definition("ndi"), None) == definition("ndi")


def test_it_rejects_licensed_text_with_other_items():
    data = licensed_text("ndi")
    data["items"][9]["linkId"] = "11"
    with pytest.raises(ValidationError, match="exactly those of the NDI"):
        check_licensed_text(definition("ndi"), data)


def test_it_rejects_licensed_text_with_other_option_values():
    data = licensed_text("lefs")
    data["items"][3]["answerOption"][0]["value"] = 5
    with pytest.raises(ValidationError, match="Item 4 must have the answer options 0, 1, 2, 3, 4"):
        check_licensed_text(definition("lefs"), data)


def test_it_rejects_licensed_text_with_an_empty_question():
    data = licensed_text("odi")
    data["items"][2]["text"] = "  "
    with pytest.raises(ValidationError, match="Item 3 needs its text"):
        check_licensed_text(definition("odi"), data)


def test_it_rejects_licensed_text_with_an_empty_or_overlong_statement():
    data = licensed_text("odi")
    data["items"][0]["answerOption"][2]["display"] = ""
    data["items"][1]["answerOption"][3]["display"] = "x" * 501
    with pytest.raises(ValidationError) as error:
        check_licensed_text(definition("odi"), data)
    assert error.value.messages == [
        "Item 1, option 2 needs its text, of at most 500 characters.",
        "Item 2, option 3 needs its text, of at most 500 characters.",
    ]


@pytest.mark.parametrize("data", [[], "text", {"items": "none"}, {}])
def test_it_rejects_a_licensed_text_file_of_the_wrong_shape(data):
    with pytest.raises(ValidationError, match='list of "items"'):
        check_licensed_text(definition("odi"), data)


def test_it_rejects_licensed_text_whose_items_are_not_named_by_text():
    data = licensed_text("odi")
    data["items"][0]["linkId"] = ["1"]
    with pytest.raises(ValidationError, match="exactly those of the ODI"):
        check_licensed_text(definition("odi"), data)

"""The form a questionnaire is answered on, built from each shipped instrument's definition."""

import pytest

from treatments.models import Instrument
from treatments.outcomes.answer_forms import AnswerForm, questions_of
from treatments.outcomes.instruments import definitions

DEFINITIONS = definitions()
# Instruments asked with answer options (radio buttons), and with numbers.
WITH_OPTIONS = sorted(
    code for code, definition in DEFINITIONS.items()
    if code != "psfs" and any(item.get("answerOption") for item in questions_of(definition))
)  # fmt: skip


def instrument(code: str) -> Instrument:
    definition = DEFINITIONS[code]
    return Instrument(code=code, title=definition["title"], definition=definition)


def all_answered(code: str) -> dict:
    """The first option of every question, or the lowest number."""
    data = {}
    for item in questions_of(DEFINITIONS[code]):
        if item.get("answerOption"):
            data[item["linkId"]] = str(item["answerOption"][0]["value"])
        else:
            data[item["linkId"]] = str(item.get("min", 0))
    return data


def psfs_data(**changes) -> dict:
    items = questions_of(DEFINITIONS["psfs"])
    data = {}
    for item, (name, score) in zip(
        items,
        [("Gardening", "3"), ("Lifting my grandchild", "4"), ("Running", "2")],
        strict=False,
    ):
        data[f"{item['linkId']}-name"], data[item["linkId"]] = name, score
    return {**data, **changes}


def psfs_link_ids() -> list[str]:
    return [item["linkId"] for item in questions_of(DEFINITIONS["psfs"])]


def test_the_shipped_instruments_include_the_psfs_and_one_asked_with_answer_options():
    assert "psfs" in DEFINITIONS
    assert WITH_OPTIONS


@pytest.mark.parametrize("code", sorted(DEFINITIONS))
def test_each_instrument_gets_a_field_per_question_each_in_a_fieldset_with_a_legend(code):
    form = AnswerForm(instrument=instrument(code))
    items = questions_of(form.definition)
    assert len(form.questions) == len(items) > 0
    html = form.as_div()  # every field renders
    for question in form.questions:
        assert question.legend
        assert all(field.name in html for field in question.fields)


@pytest.mark.parametrize("code", WITH_OPTIONS)
def test_a_question_with_answer_options_is_radio_buttons_labelled_with_their_displays(code):
    form = AnswerForm(instrument=instrument(code))
    item = next(item for item in questions_of(form.definition) if item.get("answerOption"))
    field = form[item["linkId"]]
    assert field.widget_type == "radioselect"
    assert [str(label) for _, label in field.field.choices] == [
        option.get("display") or str(option["value"]) for option in item["answerOption"]
    ]


@pytest.mark.parametrize("code", WITH_OPTIONS)
def test_it_gives_the_services_each_options_value_and_none_for_a_skipped_question(code):
    data = all_answered(code)
    items = questions_of(DEFINITIONS[code])
    optional = [item["linkId"] for item in items if not item.get("required")]
    for link_id in optional:
        del data[link_id]
    form = AnswerForm(data, instrument=instrument(code))
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert set(answers) == {item["linkId"] for item in items}
    for item in items:
        if item["linkId"] in optional:
            assert answers[item["linkId"]] is None
        elif item.get("answerOption"):
            assert answers[item["linkId"]] == item["answerOption"][0]["value"]
    assert form.activities() == {}


def test_a_required_question_left_out_or_answered_with_a_made_up_value_is_marked():
    groc = questions_of(DEFINITIONS["groc"])[0]["linkId"]
    form = AnswerForm({}, instrument=instrument("groc"))
    assert not form.is_valid()
    assert form.errors[groc] == ["Choose an answer to this question."]
    form = AnswerForm({groc: "8"}, instrument=instrument("groc"))
    assert not form.is_valid()
    assert form.errors[groc] == ["Choose one of the answers given."]
    assert 'aria-invalid="true"' in form.as_div()


def test_the_psfs_asks_a_name_and_a_score_for_each_activity_the_first_three_required():
    form = AnswerForm(instrument=instrument("psfs"))
    link_ids = psfs_link_ids()
    assert 3 <= len(link_ids) <= 5
    for number, link_id in enumerate(link_ids, start=1):
        assert form.fields[f"{link_id}-name"].required == (number <= 3)
        assert form.fields[link_id].required == (number <= 3)
        assert form.fields[link_id].min_value == 0
        assert form.fields[link_id].max_value == 10
    assert [q.legend for q in form.questions] == [
        "Activity 1", "Activity 2", "Activity 3", "Activity 4 (optional)", "Activity 5 (optional)"
    ]  # fmt: skip


def test_it_gives_the_services_the_psfs_scores_and_the_activities_named():
    form = AnswerForm(psfs_data(), instrument=instrument("psfs"))
    assert form.is_valid(), form.errors
    first, second, third, fourth, fifth = psfs_link_ids()
    assert form.answers() == {first: 3, second: 4, third: 2, fourth: None, fifth: None}
    assert form.activities() == {first: "Gardening", second: "Lifting my grandchild",
                                 third: "Running", fourth: "", fifth: ""}  # fmt: skip


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("11", "Give a whole number from 0 to 10."),
        ("-1", "Give a whole number from 0 to 10."),
        ("seven", "Give a whole number from 0 to 10."),
        ("7.5", "Give a whole number from 0 to 10."),
        ("9" * 400, "Give a whole number from 0 to 10."),
        ("", "Score this activity from 0 to 10."),
    ],
)
def test_a_psfs_score_out_of_range_not_a_number_or_missing_gets_a_clear_message(score, message):
    first = psfs_link_ids()[0]
    form = AnswerForm(psfs_data(**{first: score}), instrument=instrument("psfs"))
    assert not form.is_valid()
    assert form.errors[first] == [message]


def test_a_psfs_score_without_its_activity_or_an_activity_without_its_score_is_marked():
    *_, fourth, fifth = psfs_link_ids()
    form = AnswerForm(
        psfs_data(**{fourth: "5", f"{fifth}-name": "Swimming"}), instrument=instrument("psfs")
    )
    assert not form.is_valid()
    assert form.errors[f"{fourth}-name"] == ["Name the activity you scored."]
    assert form.errors[fifth] == ["Score the activity you named."]


def test_a_huge_or_hostile_activity_name_is_refused_or_kept_as_text():
    first, second = psfs_link_ids()[:2]
    form = AnswerForm(
        psfs_data(**{f"{first}-name": "x" * 10_000, f"{second}-name": "a\x00b"}),
        instrument=instrument("psfs"),
    )
    assert not form.is_valid()
    assert form.errors[f"{first}-name"] == ["Keep the activity's name to 120 characters."]
    assert form.errors[f"{second}-name"]


def test_typed_answers_ask_for_the_occasion_and_the_day_starting_with_what_is_due():
    form = AnswerForm(instrument=instrument("psfs"), typed=True, occasion="reassessment")
    assert form["occasion"].initial == "reassessment"
    assert "answered_on" in form.fields
    refused = AnswerForm(
        psfs_data(occasion="sometime", answered_on="31/02/2026"), instrument=instrument("psfs"),
        typed=True,
    )  # fmt: skip
    assert not refused.is_valid()
    assert refused.errors["occasion"] == ["Choose baseline, re-assessment or discharge."]
    assert refused.errors["answered_on"] == ["Give the day as a date, like 2026-03-10."]

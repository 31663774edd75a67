"""The form a questionnaire is answered on, built from its instrument's definition.

The same form serves the physiotherapist typing answers in, the clinic's tablet and the emailed
link. It only cleans and converts what was sent; the rules (occasions, dates, enough answers
for a score, a named activity for each PSFS score) are in treatments/outcomes/services.py.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from treatments.forms import DATE_INPUT
from treatments.models import Instrument, MeasureResponse

ACTIVITY_NAME_LENGTH = 120
CHOICE_ERRORS = {
    "required": _("Choose an answer to this question."),
    "invalid_choice": _("Choose one of the answers given."),
}


def number_errors(low, high) -> dict:
    message = _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return {"required": _("Answer this question with a number."), "invalid": message,
            "min_value": message, "max_value": message}  # fmt: skip


def questions_of(definition: dict) -> list[dict]:
    """The items that take an answer, groups opened up, in the order they are asked."""
    found = []
    for item in definition.get("items", []):
        if item.get("items"):
            found.extend(questions_of(item))
        elif item.get("answerOption") or "min" in item:
            found.append(item)
    return found


def scale_hint(item: dict, low: int, high: int) -> str:
    """E.g. "From 0 (No pain) to 10 (Worst possible pain)."."""
    if item.get("minLabel") and item.get("maxLabel"):
        return _("From %(low)s (%(low_label)s) to %(high)s (%(high_label)s).") % {
            "low": low, "high": high, "low_label": item["minLabel"],
            "high_label": item["maxLabel"],
        }  # fmt: skip
    return _("From %(low)s to %(high)s.") % {"low": low, "high": high}


@dataclass
class Question:
    """One question as the page shows it: a fieldset with its legend and its fields."""

    legend: str
    fields: list = field(default_factory=list)
    is_choice: bool = False
    hint: str = ""


class AnswerForm(forms.Form):
    """A questionnaire's questions: radio buttons for an item with answer options, a number
    for a numeric item; for the PSFS, a name and a 0-10 score for each activity.

    `typed`: the physiotherapist types the answers in, and says on which occasion and day
    they were given. The questions are in the reader's language only where the clinic loaded
    a validated translation; otherwise in English (`in_english` then says so).
    """

    def __init__(self, *args, instrument: Instrument, typed: bool = False,
                 occasion: str = "", **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.definition, translated = instrument.text_in(get_language())
        self.in_english = not translated
        self.questions: list[Question] = []
        self.typed = typed
        if typed:
            self.fields["occasion"] = forms.ChoiceField(
                label=_("Occasion"), choices=MeasureResponse.Occasion.choices, initial=occasion,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Choose the occasion."),
                                "invalid_choice": _("Choose baseline, re-assessment or "
                                                    "discharge.")},
            )  # fmt: skip
            self.fields["answered_on"] = forms.DateField(
                label=_("Answered on"), initial=timezone.localdate,
                widget=forms.DateInput(**{**DATE_INPUT, "attrs": {"type": "date",
                                                                  "class": "form-control"}}),
                error_messages={"required": _("Give the day the answers were given."),
                                "invalid": _("Give the day as a date, like 2026-03-10.")},
            )  # fmt: skip
        for number, item in enumerate(questions_of(self.definition), start=1):
            if item.get("names_activity"):
                self._add_activity(number, item)
            else:
                self._add_question(number, item)

    def _add_question(self, number: int, item: dict) -> None:
        name, required = item["linkId"], bool(item.get("required"))
        legend = item.get("text") or _("Question %(number)s") % {"number": number}
        if item.get("answerOption"):
            values = {str(option["value"]): option["value"] for option in item["answerOption"]}
            self.fields[name] = forms.TypedChoiceField(
                label=legend, required=required, widget=forms.RadioSelect,
                choices=[(str(option["value"]), option.get("display") or str(option["value"]))
                         for option in item["answerOption"]],
                coerce=values.__getitem__, empty_value=None, error_messages=CHOICE_ERRORS,
            )  # fmt: skip
            self.fields[name].widget.attrs["class"] = "form-check-input"
            self.questions.append(Question(legend, [self[name]], is_choice=True))
        else:
            low, high = item.get("min", 0), item.get("max", 10)
            self.fields[name] = forms.IntegerField(
                label=legend, required=required, min_value=low, max_value=high,
                error_messages=number_errors(low, high),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
            )  # fmt: skip
            hint = scale_hint(item, low, high)
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_hint"
            self.questions.append(Question(legend, [self[name]], hint=hint))
        if not required:
            self.questions[-1].legend = _("%(question)s (optional)") % {"question": legend}

    def _add_activity(self, number: int, item: dict) -> None:
        """A PSFS activity: the patient names it and scores it. The first three are asked for."""
        score, required = item["linkId"], bool(item.get("required"))
        low, high = item.get("min", 0), item.get("max", 10)
        self.fields[f"{score}-name"] = forms.CharField(
            label=_("Activity"), required=required, max_length=ACTIVITY_NAME_LENGTH,
            widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
            error_messages={"required": _("Name an activity you find hard to do."),
                            "max_length": _("Keep the activity's name to %(limit)s characters.")
                            % {"limit": ACTIVITY_NAME_LENGTH}},
        )  # fmt: skip
        self.fields[score] = forms.IntegerField(
            label=_("How well you can do it now"),
            required=required, min_value=low, max_value=high,
            error_messages={**number_errors(low, high),
                            "required": _("Score this activity from %(low)s to %(high)s.")
                            % {"low": low, "high": high}},
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control",
                                            "aria-describedby": f"id_{score}_hint"}),
        )  # fmt: skip
        legend = item.get("text") or _("Activity %(number)s") % {"number": number}
        if not required:
            legend = _("%(question)s (optional)") % {"question": legend}
        self.questions.append(
            Question(legend, [self[f"{score}-name"], self[score]], hint=scale_hint(item, low, high))
        )

    def full_clean(self):
        """Mark each field in error for the eye (Bootstrap) and for screen readers."""
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} id_{name}_error".strip()

    def clean(self):
        cleaned = super().clean()
        for item in questions_of(self.definition):
            if not item.get("names_activity"):
                continue
            score, name = item["linkId"], f"{item['linkId']}-name"
            if self.errors.get(score) or self.errors.get(name):
                continue
            if cleaned.get(score) is not None and not cleaned.get(name):
                self.add_error(name, ValidationError(_("Name the activity you scored.")))
            if cleaned.get(name) and cleaned.get(score) is None:
                self.add_error(score, ValidationError(_("Score the activity you named.")))
        return cleaned

    def answers(self) -> dict:
        """{linkId: the answer's value, or None for a question skipped}, for the services."""
        return {item["linkId"]: self.cleaned_data.get(item["linkId"])
                for item in questions_of(self.definition)}  # fmt: skip

    def activities(self) -> dict:
        """PSFS: {linkId: the activity's name}; empty for other instruments."""
        named = [
            item["linkId"] for item in questions_of(self.definition) if item.get("names_activity")
        ]
        return {link_id: self.cleaned_data.get(f"{link_id}-name") or "" for link_id in named}


class CorrectionForm(AnswerForm):
    """Answers typed in again to correct them: the occasion stays, and a reason is asked."""

    def __init__(self, *args, response: MeasureResponse, **kwargs):
        initial = {str(key): value for key, value in response.answers.items()}
        initial |= {f"{key}-name": name for key, name in response.activities.items()}
        initial["answered_on"] = response.answered_on
        super().__init__(*args, instrument=response.measure.instrument, typed=True,
                         initial=initial, **kwargs)  # fmt: skip
        del self.fields["occasion"]
        self.fields["reason"] = forms.CharField(
            label=_("Why are the answers corrected?"), max_length=500,
            widget=forms.TextInput(attrs={"class": "form-control", "maxlength": 500}),
            error_messages={"required": _("Say why the answers are corrected."),
                            "max_length": _("Keep the reason under 500 characters.")},
        )  # fmt: skip

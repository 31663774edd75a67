import re
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.models import Intake
from patients.online import intake
from patients.online.cancelling import REASON_MAX_LENGTH
from patients.roles import display_name
from treatments.models import VisitType


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("The one you gave the clinic."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CancelVisitForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("A few words for the clinic, if you like."),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_LENGTH}),
    )


class IntakeForm(forms.Form):
    """Before the first visit: contact details, the problem, and the screening questions.

    It converts what was typed; patients.online.intake.submit_intake decides what is kept."""

    phone = forms.CharField(
        label=_("Your phone"), max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    emergency_contact_name = forms.CharField(
        label=_("Someone we can call in an emergency (optional)"), max_length=120,
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    emergency_contact_phone = forms.CharField(
        label=_("Their phone (optional)"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    problem = forms.CharField(
        label=_("What brings you to us?"), max_length=intake.TEXT_LIMIT,
        help_text=_("Where it hurts and what makes it better or worse, in your own words."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": intake.TEXT_LIMIT}),
    )  # fmt: skip
    how_long = forms.ChoiceField(
        label=_("How long have you had it?"), choices=Intake.HowLong.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    heard_about = forms.ChoiceField(
        label=_("How did you hear about us?"), choices=Intake.HeardAbout.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    other_health = forms.CharField(
        label=_("Is there anything else about your health we should know? (optional)"),
        max_length=intake.TEXT_LIMIT, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": intake.TEXT_LIMIT}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in intake.QUESTIONS.items():
            self.fields[f"q_{key}"] = forms.BooleanField(label=question, required=False)

    def question_fields(self) -> list:
        return [self[f"q_{key}"] for key in intake.QUESTIONS]

    def screening_answers(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"q_{key}")) for key in intake.QUESTIONS}

    def contact(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in intake.CONTACT_FIELDS}


ANYONE = "any"
# A free time offered for booking: the physiotherapist's id and the start, "12-09:30".
SLOT = re.compile(r"(?P<pk>[1-9][0-9]{0,9})-(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9])")
NOT_OFFERED = _("Choose one of the times offered.")


class BookingChoiceForm(forms.Form):
    """The patient's choices while booking, one step at a time: each may still be empty. The
    view asks the booking service whether the day and time are free (patients/online/booking)."""

    visit_type = forms.ModelChoiceField(
        label=_("What kind of visit?"), queryset=VisitType.objects.none(), required=False,
        empty_label=None, error_messages={"invalid_choice": _("Choose one of the kinds offered.")},
    )  # fmt: skip
    physiotherapist = forms.ChoiceField(
        label=_("With whom?"), required=False,
        error_messages={"invalid_choice": _("Choose one of the physiotherapists offered.")},
    )  # fmt: skip
    day = forms.DateField(label=_("Which day?"), required=False)
    slot = forms.CharField(label=_("Which time?"), required=False, max_length=20)

    def __init__(self, data=None, *, types, physiotherapists) -> None:
        super().__init__(data)
        self.fields["visit_type"].queryset = types
        self.fields["physiotherapist"].choices = [(ANYONE, _("Anyone"))] + [
            (str(user.pk), display_name(user)) for user in physiotherapists
        ]

    def clean_slot(self) -> tuple[int, time] | None:
        return parse_slot(self.cleaned_data["slot"])


def parse_slot(value: str) -> tuple[int, time] | None:
    if not value:
        return None
    match = SLOT.fullmatch(value)
    if match is None:
        raise forms.ValidationError(NOT_OFFERED, code="invalid")
    return int(match["pk"]), time(int(match["hour"]), int(match["minute"]))


class MoveChoiceForm(forms.Form):
    """The new day and time for a visit being moved; each may still be empty."""

    day = forms.DateField(label=_("Which day?"), required=False)
    start_time = forms.TimeField(
        label=_("Which time?"), required=False, input_formats=["%H:%M"],
        error_messages={"invalid": NOT_OFFERED},
    )  # fmt: skip

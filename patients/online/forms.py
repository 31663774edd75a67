from django import forms
from django.utils.translation import gettext_lazy as _

from patients.models import Intake
from patients.online import intake
from patients.online.cancelling import REASON_MAX_LENGTH


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

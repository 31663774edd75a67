import re
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

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

from django import forms
from django.utils.translation import gettext_lazy as _

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

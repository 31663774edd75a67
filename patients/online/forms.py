from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("The one you gave the clinic."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

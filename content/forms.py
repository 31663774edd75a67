from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    """Checks the search words; templates/includes/search_form.html draws the field."""

    q = forms.CharField(
        label=_("Search the IMS pages"),
        max_length=100,
        required=False,
        strip=True,
        error_messages={"max_length": _("Please search with 100 characters or fewer.")},
    )

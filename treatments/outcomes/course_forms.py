"""Choosing a course's questionnaires, and the discharge summary's note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from treatments.forms import LONG_TEXT
from treatments.models import DischargeSummary, Instrument


class InstrumentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, instrument: Instrument) -> str:
        return f"{instrument.shown_title} ({instrument.short_title})"


class MeasuresForm(forms.Form):
    instruments = InstrumentChoices(
        queryset=Instrument.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        label=_("Questionnaires for this course"),
        error_messages={
            "required": _("Choose at least one questionnaire."),
            "invalid_choice": _("Choose from the questionnaires listed."),
            "invalid_pk_value": _("Choose from the questionnaires listed."),
        },
    )


class DischargeForm(forms.ModelForm):
    class Meta:
        model = DischargeSummary
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 6, "maxlength": LONG_TEXT})}

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if len(note) > LONG_TEXT:
            raise forms.ValidationError(_("Keep the note under %(count)d characters."),
                                        params={"count": LONG_TEXT})  # fmt: skip
        return note

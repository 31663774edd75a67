"""Forms for the waitlist: finding the patient, then adding them with a note."""

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from treatments.models import Location, WaitlistEntry

MATCHES_SHOWN = 20
NOTE_LENGTH = WaitlistEntry._meta.get_field("note").max_length


class PatientLookupForm(forms.Form):
    q = forms.CharField(
        label=_("Find the patient"),
        max_length=100,
        required=False,
        help_text=_("Name, phone, email or date of birth (YYYY-MM-DD)."),
        error_messages={"max_length": _("Please search with 100 characters or fewer.")},
    )
    # The patient already chosen (from a patient's page, or on a form sent back with errors),
    # so that they stay among the choices.
    patient = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def matching_patients(self) -> list[Patient]:
        """Active patients matching the search, the chosen one first, each with `is_waiting`."""
        self.is_valid()
        query, chosen = self.cleaned_data.get("q", ""), self.cleaned_data.get("patient")
        if not query and not chosen:
            return []
        waiting = WaitlistEntry.objects.waiting().filter(patient=OuterRef("pk"))
        patients = Patient.objects.active().annotate(is_waiting=Exists(waiting))
        found = list(patients.filter(pk=chosen)) if chosen else []
        if query:
            found += [p for p in patients.search(query)[: MATCHES_SHOWN + 1] if p.pk != chosen]
        return found[:MATCHES_SHOWN]


class PatientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, patient: Patient) -> str:
        label = _("%(patient)s (born %(born)s, %(phone)s)") % {
            "patient": patient,
            "born": date_format(patient.date_of_birth, "j F Y"),
            "phone": patient.phone,
        }
        if getattr(patient, "is_waiting", False):
            label = _("%(label)s: already on the waitlist") % {"label": label}
        return label


class WaitlistEntryForm(forms.Form):
    patient = PatientChoiceField(
        label=_("Patient"),
        queryset=Patient.objects.active(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the patient to add."),
            "invalid_choice": _(
                "That patient is not on file or their record is archived. Search again and "
                "choose from the results."
            ),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_LENGTH,
        required=False,
        help_text=_("For example: mornings only."),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_LENGTH}),
        error_messages={"max_length": _("Keep the note to %(limit_value)d characters or fewer.")},
    )

    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.open(),
        required=False,
        empty_label=_("Any location"),
        help_text=_("Where the patient would like to be seen."),
        error_messages={"invalid_choice": _("Choose one of the clinic's locations.")},
    )

    def __init__(self, *args, matches: list[Patient] = (), several_locations=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not several_locations:
            del self.fields["location"]
        # Offer only the patients found; any active patient is still accepted.
        field = self.fields["patient"]
        field.widget.choices = [(p.pk, field.label_from_instance(p)) for p in matches]

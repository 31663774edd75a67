from django import forms
from django.utils.translation import gettext_lazy as _

from patients.models import Consent, Intake, Patient, Precaution, Screening
from patients.online.intake import screening_draft
from patients.screenings import record_screening


class DateInput(forms.DateInput):
    """The browser's date picker. It sends and expects ISO dates (2024-05-17)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a patient"),
        max_length=100,
        required=False,
        help_text=_("Name, phone, email or date of birth (YYYY-MM-DD)."),
        error_messages={"max_length": _("Please search with 100 characters or fewer.")},
    )
    archived = forms.BooleanField(label=_("Show archived patients"), required=False)


class PatientForm(forms.ModelForm):
    """A patient's details. The primary concern is clinical: front desk staff's form leaves it
    out, so they neither read nor change it, and saving their form keeps it as it was."""

    class Meta:
        model = Patient
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "date_of_birth",
            "phone",
            "email",
            "preferred_language",
            "emergency_contact_name",
            "emergency_contact_phone",
            "primary_concern",
            "referral_source",
        ]
        widgets = {
            "date_of_birth": DateInput,
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, clinical: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not clinical:
            del self.fields["primary_concern"]
        # A form posted without it (an older page still open) keeps the language on file.
        self.fields["preferred_language"].required = False

    def clean_preferred_language(self) -> str:
        return self.cleaned_data["preferred_language"] or self.instance.preferred_language


class PatientCreateForm(PatientForm):
    """A new patient, checked against the records already on file.

    The same name and date of birth usually means the person is already registered; a second
    record would split their chart in two. The check is a question for the person at the desk,
    not a rule, so it lives here and not on the model.
    """

    different_person = forms.BooleanField(
        label=_("This is a different person: create a new record anyway"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.possible_duplicates = []

    def clean(self):
        cleaned_data = super().clean()
        first, last = cleaned_data.get("legal_first_name"), cleaned_data.get("legal_last_name")
        born = cleaned_data.get("date_of_birth")
        if first and last and born:
            self.possible_duplicates = list(
                Patient.objects.possible_duplicates_of(
                    first_name=first, last_name=last, date_of_birth=born
                )
            )
        if self.possible_duplicates and not cleaned_data.get("different_person"):
            self.add_error(
                "different_person",
                _(
                    "A patient with this name and date of birth is already on file. Open their "
                    "record, or tick this box if this is a different person."
                ),
            )
        return cleaned_data


class ScreeningForm(forms.ModelForm):
    """A screening, with one row per kind of precaution (applies, decision, note).

    Only the precautions ticked as applying are saved. Given the patient's unreviewed intake,
    a new form starts ticked as the patient answered (a draft to check with them), and saving
    it marks that intake reviewed (patients.screenings.record_screening).
    """

    class Meta:
        model = Screening
        fields = ["screened_on", *Screening.DO_NOT_NEEDLE_FIELDS, "note"]
        widgets = {"screened_on": DateInput, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"note": _("General note")}

    def __init__(self, *args, intake: Intake | None = None, **kwargs):
        self.intake = intake
        if intake is not None:
            kwargs["initial"] = {**screening_draft(intake), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        # A callable model default would add a hidden copy of the date to the page.
        self.fields["screened_on"].show_hidden_initial = False
        for kind, label in Precaution.Kind.choices:
            # Ticking the precaution opens its decision and note (static/js/site.js).
            self.fields[f"{kind}_applies"] = forms.BooleanField(
                label=label,
                required=False,
                widget=forms.CheckboxInput(
                    attrs={"data-discloses": f"precaution-{kind}",
                           "aria-controls": f"precaution-{kind}"}
                ),
            )  # fmt: skip
            self.fields[f"{kind}_decision"] = forms.ChoiceField(
                label=_("Decision"),
                choices=[("", _("Choose a decision")), *Precaution.Decision.choices],
                required=False,
            )
            self.fields[f"{kind}_note"] = forms.CharField(
                label=_("Note"),
                required=False,
                help_text=Precaution._meta.get_field("note").help_text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.precautions = []

    def do_not_needle_fields(self) -> list:
        return [self[name] for name in Screening.DO_NOT_NEEDLE_FIELDS]

    def precaution_rows(self) -> list[dict]:
        """Each precaution for the template: its name, its three bound fields, and whether its
        decision and note stay open even unticked (something written there, or an error)."""
        rows = []
        for kind, label in Precaution.Kind.choices:
            applies, decision, note = (self[f"{kind}_{part}"] for part in
                                       ("applies", "decision", "note"))  # fmt: skip
            rows.append({
                "kind": kind, "label": label, "applies": applies, "decision": decision,
                "note": note,
                "keep_open": bool(decision.value() or note.value() or applies.errors
                                  or decision.errors or note.errors),
            })  # fmt: skip
        return rows

    def clean(self):
        cleaned_data = super().clean()
        self.precautions = []
        for kind, label in Precaution.Kind.choices:
            applies = cleaned_data.get(f"{kind}_applies")
            decision = cleaned_data.get(f"{kind}_decision")
            note = cleaned_data.get(f"{kind}_note")
            if f"{kind}_decision" in self.errors:
                continue
            if not applies:
                # A decision written against an unticked precaution would be silently lost;
                # for "do not needle" that is dangerous, so ask rather than guess.
                if decision or note:
                    self.add_error(
                        f"{kind}_applies",
                        _("Tick “%s” to record its decision and note, or clear them.") % label,
                    )
                continue
            if not decision:
                self.add_error(f"{kind}_decision", _("Choose a decision for “%s”.") % label)
            if not note:
                self.add_error(
                    f"{kind}_note",
                    _("Write a note for “%s”: why, and any changes to the treatment.") % label,
                )
            if decision and note:
                self.precautions.append(Precaution(kind=kind, decision=decision, note=note))
        return cleaned_data

    def save(self) -> Screening:
        """Save the screening and its precautions together, or neither."""
        return record_screening(self.instance, self.precautions, from_intake=self.intake)


class ExplainedTopicsField(forms.MultipleChoiceField):
    """The topics of consent, one checkbox each, on the consent page and in the admin.

    Not required: the model's clean() names every topic that is missing."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            label=_("What was explained"),
            choices=Consent.Topic.choices,
            required=False,
            help_text=_("Tick each topic you explained. Consent must cover all of them."),
            **kwargs,
        )


class ConsentForm(forms.ModelForm):
    explained = ExplainedTopicsField()

    class Meta:
        model = Consent
        fields = ["consented_on", "given_by", "substitute_name", "explained"]
        widgets = {"consented_on": DateInput, "given_by": forms.RadioSelect}
        help_texts = {"substitute_name": _("Only when a substitute decision-maker consents.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A callable model default would add a hidden copy of the date to the page.
        self.fields["consented_on"].show_hidden_initial = False

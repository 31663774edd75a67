"""Forms of the treatments app. They clean and convert input; the rules that span records live
in treatments/booking/ and treatments/charting.py, which the views call."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from patients.roles import PHYSIOTHERAPIST, display_name
from treatments.charting import match_listed_muscle
from treatments.models import MOST_SITES, AdverseEvent, Chart, NeedledSite, TreatmentCourse
from treatments.widgets import Select

PAIN_ERRORS = {
    "min_value": _("Score pain from 0 (none) to 10 (worst)."),
    "max_value": _("Score pain from 0 (none) to 10 (worst)."),
    "invalid": _("Score pain as a whole number from 0 to 10."),
}
DATE_INPUT = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
LONG_TEXT = 5000  # generous for a note, but a pasted novel is a mistake


def active_physiotherapists():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=PHYSIOTHERAPIST)
        .order_by("last_name", "first_name", "username")
    )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names if the form has
    that field, otherwise at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PhysiotherapistField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Physiotherapist"))
        super().__init__(queryset=active_physiotherapists(), **kwargs)

    def label_from_instance(self, user) -> str:
        return display_name(user)


class PainField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.update(min_value=0, max_value=10, error_messages=PAIN_ERRORS)
        super().__init__(**kwargs)


class CourseForm(forms.ModelForm):
    physiotherapist = PhysiotherapistField()

    class Meta:
        model = TreatmentCourse
        fields = [
            "region", "started_on", "expected_length", "goals", "baseline_pain", "physiotherapist",
        ]  # fmt: skip
        field_classes = {"baseline_pain": PainField}
        widgets = {
            "started_on": forms.DateInput(**DATE_INPUT),
            "goals": forms.Textarea(attrs={"rows": 3, "maxlength": LONG_TEXT}),
        }

    def clean_goals(self) -> str:
        return _limit(self.cleaned_data["goals"])


class CourseEditForm(forms.ModelForm):
    """A course's details, and ending it. The start date is on this form too: a ModelForm skips
    the constraints on fields it leaves out, and "ends after it starts" would then reach the
    database unchecked. With visits still `booked`, ending the course asks to cancel them."""

    class Meta:
        model = TreatmentCourse
        fields = [
            "region", "goals", "expected_length", "status", "started_on", "ended_on", "end_reason",
        ]  # fmt: skip
        widgets = {
            "started_on": forms.DateInput(**DATE_INPUT),
            "ended_on": forms.DateInput(**DATE_INPUT),
            "goals": forms.Textarea(attrs={"rows": 3, "maxlength": LONG_TEXT}),
            "end_reason": forms.Textarea(attrs={"rows": 2, "maxlength": LONG_TEXT}),
        }
        help_texts = {
            "ended_on": _("Needed once the course is completed or discontinued."),
            "end_reason": _("Needed when the course is discontinued."),
        }

    def __init__(self, *args, booked=(), **kwargs):
        super().__init__(*args, **kwargs)
        if booked:
            self.fields["cancel_booked"] = forms.BooleanField(
                label=ngettext(
                    "Cancel the %(count)d visit still booked, to end the course",
                    "Cancel the %(count)d visits still booked, to end the course",
                    len(booked),
                )
                % {"count": len(booked)},
                required=False,
            )

    def cancels_booked_visits(self) -> bool:
        """Whether the course is being ended with its booked visits cancelled in the same step.
        Read before validating, so that the visits are cancelled before the course is checked."""
        ends = self.data.get("status") in (TreatmentCourse.Status.COMPLETED,
                                           TreatmentCourse.Status.DISCONTINUED)  # fmt: skip
        return "cancel_booked" in self.fields and ends and bool(self.data.get("cancel_booked"))

    def clean_goals(self) -> str:
        return _limit(self.cleaned_data["goals"])

    def clean_end_reason(self) -> str:
        return _limit(self.cleaned_data["end_reason"])


def _limit(text: str) -> str:
    if len(text) > LONG_TEXT:
        raise ValidationError(
            _("Keep this to %(limit)s characters or fewer (it has %(length)s)."),
            params={"limit": LONG_TEXT, "length": len(text)},
        )
    return text


class ChartForm(forms.ModelForm):
    """What was done at the visit. A new chart starts empty: nothing of it is copied forward,
    because "as previous" does not meet the documentation standard (only the needled sites may
    start from the last visit)."""

    consent_confirmed = forms.BooleanField(
        label=_("Consent confirmed this visit"),
        help_text=_("The patient (or their substitute) agreed to needling today."),
        error_messages={"required": _("Confirm consent for this visit before needling.")},
    )

    class Meta:
        model = Chart
        fields = [
            "consent_confirmed", "consent_confirmed_by", "patient_position",
            "electrical_stimulation", "stimulation_hz", "stimulation_ma", "stimulation_minutes",
            "pain_before", "pain_after", "retest_note", "note", "home_plan",
        ]  # fmt: skip
        field_classes = {"pain_before": PainField, "pain_after": PainField}
        widgets = {
            "consent_confirmed_by": Select,
            "patient_position": Select,
            "retest_note": forms.Textarea(attrs={"rows": 2, "maxlength": LONG_TEXT}),
            "note": forms.Textarea(attrs={"rows": 4, "maxlength": LONG_TEXT}),
            "home_plan": forms.Textarea(attrs={"rows": 3, "maxlength": LONG_TEXT}),
        }

    def __init__(self, *args, amending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank on a visit note, so optional on the model; always given for needling.
        for name in ("patient_position", "pain_after", "note"):
            self.fields[name].required = True
        if amending:
            add_correction_reason(self)

    def clean_note(self) -> str:
        return _limit(self.cleaned_data["note"])

    def clean_retest_note(self) -> str:
        return _limit(self.cleaned_data["retest_note"])

    def clean_home_plan(self) -> str:
        return _limit(self.cleaned_data["home_plan"])


def add_correction_reason(form: forms.ModelForm) -> None:
    form.fields["correction_reason"] = forms.CharField(
        label=_("Reason for the amendment"),
        max_length=500,
        help_text=_("The chart is signed. The reason is kept with the earlier version."),
        error_messages={"required": _("A signed chart is amended only with a reason: say why.")},
    )


class VisitNoteForm(forms.ModelForm):
    """The note of a visit without needling: an assessment, a re-assessment, a follow-up.
    Written fresh each time, like a needling chart."""

    class Meta:
        model = Chart
        fields = ["reported", "findings", "pain_before", "plan", "home_plan"]
        field_classes = {"pain_before": PainField}
        labels = {"pain_before": _("Pain today (0-10)")}
        help_texts = {
            "reported": _("What the patient says: the problem, how long, what helps."),
            "findings": _("What you found: movement, tests, taut bands."),
            "plan": _("What happens next: treatment, home exercises, the next visit."),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3, "maxlength": LONG_TEXT})
            for name in ("reported", "findings", "plan", "home_plan")
        }

    def __init__(self, *args, amending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported"].required = self.fields["plan"].required = True
        if amending:
            add_correction_reason(self)

    def clean_reported(self) -> str:
        return _limit(self.cleaned_data["reported"])

    def clean_findings(self) -> str:
        return _limit(self.cleaned_data["findings"])

    def clean_plan(self) -> str:
        return _limit(self.cleaned_data["plan"])

    def clean_home_plan(self) -> str:
        return _limit(self.cleaned_data["home_plan"])


class NeedledSiteForm(forms.ModelForm):
    """One needled site. A muscle named as on the clinic's list is linked to it (its spinal
    levels, whether it has sides); any other name is kept as free text."""

    class Meta:
        model = NeedledSite
        fields = [
            "muscle", "side", "site_type", "spinal_segment", "response", "insertions",
            "over_thorax",
        ]  # fmt: skip
        widgets = {
            "muscle": forms.TextInput(attrs={"list": "muscle-list", "autocomplete": "off"}),
            **dict.fromkeys(["side", "site_type", "spinal_segment", "response"], Select),
        }
        error_messages = {
            "spinal_segment": {"invalid_choice": _("Choose a spinal segment from C1 to S2.")},
        }

    def __init__(self, *args, listed_muscles: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.listed_muscles = listed_muscles or {}

    def clean(self):
        cleaned_data = super().clean()
        # Before the model's own checks, which ask whether the listed muscle has sides.
        self.instance.muscle = cleaned_data.get("muscle", "")
        match_listed_muscle(self.instance, self.listed_muscles)
        if "muscle" in cleaned_data:
            cleaned_data["muscle"] = self.instance.muscle
        return cleaned_data


class AdverseEventForm(forms.ModelForm):
    class Meta:
        model = AdverseEvent
        fields = ["kind", "severity", "note"]
        widgets = {
            "kind": Select,
            "severity": Select,
            "note": forms.Textarea(attrs={"rows": 1, "maxlength": LONG_TEXT}),
        }

    def clean_note(self) -> str:
        return _limit(self.cleaned_data["note"])


class ChartRowsFormSet(BaseInlineFormSet):
    """The needled sites or adverse events of one chart.

    A row on file names its record by id, and Django accepts the id of any record of the kind,
    then quietly drops a row whose record is not on this chart: a correction naming another
    patient's site would be saved as if done, without the change asked for. It is refused.
    """

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        # The hidden field naming the chart: another chart's id there is refused in words.
        form.fields[self.fk.name].error_messages["invalid_choice"] = _(
            "A row names another chart than this one. Reload the page."
        )

    def clean(self) -> None:
        super().clean()
        own = set(self.get_queryset().values_list("pk", flat=True))
        # A new row carries no id at all: one that does was written by hand.
        for form in self.forms:
            row = getattr(form, "cleaned_data", {}).get(self.model._meta.pk.name)
            if row is not None and row.pk not in own:
                raise ValidationError(
                    _("A row names a record that is not on this chart. Reload the page."),
                    code="not_on_chart",
                )


class NeedledSiteFormSet(ChartRowsFormSet):
    default_error_messages = {
        "too_many_forms": _(
            "A chart holds at most %(num)d needled sites. Remove the rows that are not needed."
        ),
    }

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this site")


def needled_site_formset(extra: int):
    # Any row can be removed before saving; past MOST_SITES rows the chart is refused, and
    # only that many rows are read, however many are posted.
    return inlineformset_factory(
        Chart, NeedledSite, form=NeedledSiteForm, formset=NeedledSiteFormSet,
        extra=extra, can_delete=True, max_num=MOST_SITES, validate_max=True,
        absolute_max=MOST_SITES,
    )  # fmt: skip


def adverse_event_formset(correcting: bool):
    return inlineformset_factory(
        Chart, AdverseEvent, form=AdverseEventForm, formset=ChartRowsFormSet,
        extra=1, can_delete=correcting,
    )  # fmt: skip

"""The new patient's form (asking, or booking a free time) and the front desk's forms to book
or decline a request. They read and convert what was typed; the rules are in services.py."""

from itertools import groupby

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from treatments.booking.forms import VisitTimeForm
from treatments.booking.requests.times import OfferedTime
from treatments.forms import DATE_INPUT
from treatments.models import REQUEST_PROBLEM_LENGTH, AppointmentRequest, Location

NEW_RECORD = "new"


def _text(label, max_length: int, *, rows: int = 0, help_text="", **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs)
    return forms.CharField(label=label, max_length=max_length, help_text=help_text,
                           widget=widget)  # fmt: skip


class NewPatientForm(forms.Form):
    """What a new patient tells the clinic. With `times`, they choose one of the free times
    instead of saying which suit them."""

    first_name = _text(_("First name"), 80, autocomplete="given-name")
    last_name = _text(_("Last name"), 80, autocomplete="family-name")
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(
            attrs={**DATE_INPUT["attrs"], "autocomplete": "bday"}, format=DATE_INPUT["format"]
        ),
    )
    phone = _text(_("Phone"), 30, type="tel", autocomplete="tel",
                  help_text=_("The clinic calls this number to confirm."))  # fmt: skip
    email = forms.EmailField(
        label=_("Email"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    problem = _text(
        _("What brings you to the clinic?"), REQUEST_PROBLEM_LENGTH, rows=2,
        help_text=_("A few words are enough, for example: neck pain since May."),
    )  # fmt: skip
    times_that_suit = _text(
        _("When suits you?"), AppointmentRequest._meta.get_field("times_that_suit").max_length,
        rows=2,
        help_text=_("Days and times you could come, for example: weekday mornings, or Tuesday "
                    "after 3 pm."),
    )  # fmt: skip
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False,
        empty_label=_("Any location"),
    )  # fmt: skip
    time = forms.ChoiceField(label=_("Choose a time"))

    def __init__(self, *args, several_locations: bool = False, times: list[OfferedTime] = (),
                 **kwargs) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        if times:
            del self.fields["times_that_suit"]
            self.fields["time"].choices = [("", _("Choose a time")), *_grouped(times)]
        else:
            del self.fields["time"]
        if several_locations and not times:
            self.fields["location"].queryset = Location.objects.open()
        else:
            del self.fields["location"]


def _grouped(times: list[OfferedTime]) -> list:
    """The times by day, as the select's groups, each saying where when there are several."""
    several = len({slot.location_id for slot in times}) > 1
    groups = []
    for day, slots in groupby(times, key=lambda slot: slot.day):
        options = []
        for slot in slots:
            label = _("%(time)s with %(name)s") % {
                "time": f"{slot.start_time:%H:%M}",
                "name": slot.physiotherapist_name,
            }
            if several and slot.location_name:
                label = f"{label} ({slot.location_name})"
            options.append((slot.key, label))
        groups.append((date_format(day, "l j F"), options))
    return groups


class BookRequestForm(VisitTimeForm):
    """When and with whom the front desk books a request, and for which record."""

    patient = forms.ChoiceField(label=_("Patient's record"), widget=forms.RadioSelect)
    field_order = ["patient", "visit_type", "physiotherapist", "date", "start_time"]

    def __init__(self, *args, matches: list[Patient] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.matches = {str(patient.pk): patient for patient in matches}
        self.fields["patient"].choices = [
            (NEW_RECORD, _("Make a new record from this request"))
        ] + [
            (key, _("%(name)s, born %(born)s, %(phone)s (already on file)") % {
                "name": patient.full_name, "born": date_format(patient.date_of_birth, "j M Y"),
                "phone": patient.phone,
            })
            for key, patient in self.matches.items()
        ]  # fmt: skip

    def clean_patient(self) -> Patient | None:
        """None: a new record. Only a record suggested for this request can be chosen."""
        return self.matches.get(self.cleaned_data["patient"])


class DeclineRequestForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Why is it declined?"), max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the request; sent to them only if you tick the box below."),
    )  # fmt: skip
    tell_them = forms.BooleanField(label=_("Email them the reason"), required=False)

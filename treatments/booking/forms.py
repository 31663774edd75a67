"""Forms of the calendar and the booking pages. They read and convert what was typed or sent in
a link; the rules stay in treatments/booking/rules.py, which the services check."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from patients.roles import display_name
from treatments.booking import rules
from treatments.booking.series import MAX_SERIES_WEEKS
from treatments.forms import DATE_INPUT, PhysiotherapistField
from treatments.models import TreatmentCourse, Visit, VisitType

# Far enough for any real look back or ahead. A date further away is a mistyped year, and
# the calendar's week links, or the search for free times around a date, would run off the end
# of the calendar from the year 9999.
CALENDAR_YEARS = 10
SEARCH_LENGTH = 100
PHYSIOTHERAPIST_ERRORS = {"invalid_choice": _("Choose a physiotherapist from the list.")}
SERIES_WEEKS_MESSAGE = _("A weekly series is from 1 to 52 weeks.")
TIME_INPUT = {"attrs": {"type": "time", "step": 300}, "format": "%H:%M"}
# What the patient radio posts: the patient's id, and their course's if one is chosen.
PATIENT_AND_COURSE = re.compile(r"(\d{1,18})(?:-(\d{1,18}))?")


def near_today(value: date | None) -> date | None:
    if value and abs(value.year - timezone.localdate().year) > CALENDAR_YEARS:
        raise ValidationError(
            _("Choose a date within %(years)s years of today."), params={"years": CALENDAR_YEARS}
        )
    return value


class CalendarForm(forms.Form):
    """What the calendar shows: a week (any date in it), the day shown on a narrow screen, and
    one physiotherapist, chosen among `physiotherapists` (already loaded for the menu)."""

    week = forms.DateField(
        label=_("Jump to a date"),
        required=False,
        widget=forms.DateInput(**DATE_INPUT),
        error_messages={"invalid": _("Give the week as a date, for example 2026-03-16.")},
    )
    day = forms.DateField(
        required=False,
        error_messages={"invalid": _("Give the day as a date, for example 2026-03-16.")},
    )
    physiotherapist = forms.TypedChoiceField(
        label=_("Physiotherapist"),
        coerce=int,
        required=False,
        error_messages=PHYSIOTHERAPIST_ERRORS,
    )

    def __init__(self, *args, physiotherapists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["physiotherapist"].choices = [
            (user.pk, display_name(user)) for user in physiotherapists
        ]

    def clean_week(self) -> date | None:
        return near_today(self.cleaned_data["week"])

    def clean_day(self) -> date | None:
        return near_today(self.cleaned_data["day"])


class DaySheetForm(forms.Form):
    """What the day sheet shows: a day, or the week of that day, of every physiotherapist."""

    DAY, WEEK = "day", "week"

    date = forms.DateField(
        label=_("Jump to a date"),
        required=False,
        widget=forms.DateInput(**DATE_INPUT),
        error_messages={"invalid": _("Give the date as a date, for example 2026-03-16.")},
    )
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(DAY, _("The day")), (WEEK, _("The week"))],
        error_messages={"invalid_choice": _("Choose to show the day or the week.")},
    )

    def clean_date(self) -> "date | None":  # a string: the field named date hides the type
        return near_today(self.cleaned_data["date"])


class SlotForm(forms.Form):
    """The physiotherapist, date and time a calendar slot (or a freed slot offered to someone
    on the waitlist) links to, offered as the booking form's starting values."""

    physiotherapist = PhysiotherapistField(error_messages=PHYSIOTHERAPIST_ERRORS)
    date = forms.DateField(label=_("Date"))
    time = forms.TimeField(label=_("Start time"))

    def clean_date(self) -> date:
        return near_today(self.cleaned_data["date"])

    def clean(self) -> dict:
        """A link to a time that has passed, or that is too far ahead, is not offered: the
        booking would be refused (the rule is the service's, asked here for the link)."""
        data = super().clean()
        if data.get("date") and data.get("time"):
            try:
                rules.check_bookable_time(
                    Visit(date=data["date"], start_time=data["time"], duration_minutes=0)
                )
            except ValidationError as refused:
                self.add_error("time" if refused.code == "passed" else "date", refused)
        return data


class PatientFinderForm(forms.Form):
    q = forms.CharField(
        label=_("Find the patient"),
        max_length=SEARCH_LENGTH,
        required=False,
        help_text=_("Part of the name, the phone number, or the date of birth (YYYY-MM-DD)."),
        error_messages={"max_length": _("Please search with 100 characters or fewer.")},
    )


class VisitTypeField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=VisitType.objects.filter(is_active=True),
            label=_("Visit type"),
            empty_label=None,
            error_messages={"invalid_choice": _("Choose a visit type from the list.")},
            **kwargs,
        )

    def label_from_instance(self, visit_type: VisitType) -> str:
        return _("%(name)s, %(minutes)d minutes") % {
            "name": visit_type.name,
            "minutes": visit_type.length_minutes,
        }


class VisitTimeForm(forms.Form):
    """When, with whom and what kind of visit: what booking and moving both ask."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(**DATE_INPUT))
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(**TIME_INPUT))
    physiotherapist = PhysiotherapistField(error_messages=PHYSIOTHERAPIST_ERRORS)
    visit_type = VisitTypeField()

    def clean_date(self) -> date:
        return near_today(self.cleaned_data["date"])


class BookingForm(VisitTimeForm):
    """A visit for a patient, in one of their courses or none; or a weekly series of them.

    `patient` is what the patient radio posts: "12" (patient 12, no course) or "12-34"
    (patient 12, their course 34). Any course of theirs is accepted here, even an ended one or
    an archived patient's: the booking service then refuses it with a message that says why.
    """

    patient = forms.CharField(
        label=_("Patient"),
        error_messages={"required": _("Choose the patient: find them first.")},
    )
    weeks = forms.IntegerField(
        label=_("Weeks"),
        required=False,
        min_value=1,
        max_value=MAX_SERIES_WEEKS,
        help_text=_(
            "1 books a single visit. Leave it empty to book as many IMS treatments as the "
            "course still expects."
        ),
        error_messages={
            "min_value": SERIES_WEEKS_MESSAGE,
            "max_value": SERIES_WEEKS_MESSAGE,
            "invalid": SERIES_WEEKS_MESSAGE,
        },
    )
    # The waitlist entry a freed slot's "Book" came from, carried along so that the booking
    # takes the patient off the waitlist and is counted as booked from it.
    waitlist_entry = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["patient", "visit_type", "physiotherapist", "date", "start_time", "weeks"]

    def clean_patient(self) -> Patient:
        match = PATIENT_AND_COURSE.fullmatch(self.cleaned_data["patient"])
        patient = Patient.objects.filter(pk=int(match[1])).first() if match else None
        if patient is None:
            raise ValidationError(_("This patient was not found: find them again."))
        self.cleaned_data["course"] = None
        if match[2]:
            course = TreatmentCourse.objects.filter(pk=int(match[2]), patient=patient).first()
            if course is None:
                raise ValidationError(_("This course was not found: find the patient again."))
            self.cleaned_data["course"] = course
        return patient


class MoveForm(VisitTimeForm):
    """A booked visit's new time, and if need be its new physiotherapist or type."""


class CancelForm(forms.Form):
    # Named as on the model, so the service's error lands on this field.
    cancellation_reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the patient called in sick. Kept on the record."),
        error_messages={"required": _("Give the reason the visit was cancelled.")},
    )


class ReasonForm(forms.Form):
    """Why a visit marked attended or as a no-show goes back to booked."""

    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: marked on the wrong patient. Kept in the visit's history."),
        error_messages={"required": _("Say why: the reason is kept in the visit's history.")},
    )

"""Forms of the calendar and of booking from it. They only read and convert what was typed or
sent in a link; the booking rules stay in treatments/scheduling.py."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from patients.roles import display_name
from treatments.forms import BookingForm, PhysiotherapistField, VisitTimeForm
from treatments.models import TreatmentCourse
from treatments.scheduling import MAX_SERIES_WEEKS

# Far enough for any real look back or ahead. A date further away is a mistyped year, and
# the calendar's week links, or the service's search for free times around a date, would run
# off the end of the calendar from the year 9999.
CALENDAR_YEARS = 10
BOOKING_DAYS_AHEAD = 2 * 366
SERIES_WEEKS_MESSAGE = format_lazy(
    _("A weekly series is from 1 to {weeks} weeks."), weeks=MAX_SERIES_WEEKS
)
SEARCH_LENGTH = 100
PHYSIOTHERAPIST_ERRORS = {"invalid_choice": _("Choose a physiotherapist from the list.")}


class CalendarForm(forms.Form):
    """What the calendar shows: a week (any date in it), the day shown on a narrow screen, and
    one physiotherapist, chosen among `physiotherapists` (already loaded for the menu)."""

    week = forms.DateField(
        label=_("Jump to a date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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

    def _near_today(self, name: str) -> date | None:
        value = self.cleaned_data[name]
        today = timezone.localdate()
        if value and abs(value.year - today.year) > CALENDAR_YEARS:
            raise ValidationError(
                _("Choose a date within %(years)s years of today."),
                params={"years": CALENDAR_YEARS},
            )
        return value

    def clean_week(self) -> date | None:
        return self._near_today("week")

    def clean_day(self) -> date | None:
        return self._near_today("day")


def within_booking_range(day: date) -> date:
    if day > timezone.localdate() + timedelta(days=BOOKING_DAYS_AHEAD):
        raise ValidationError(_("Book within the next two years."))
    return day


class SlotForm(VisitTimeForm):
    """The physiotherapist, date and time a calendar slot links to, checked before they are
    offered on the booking form."""

    physiotherapist = PhysiotherapistField(error_messages=PHYSIOTHERAPIST_ERRORS)

    def clean_date(self) -> date:
        return within_booking_range(self.cleaned_data["date"])


class PatientFinderForm(forms.Form):
    q = forms.CharField(
        label=_("Find the patient"),
        max_length=SEARCH_LENGTH,
        required=False,
        help_text=_("Part of the name, the phone number, or the date of birth (YYYY-MM-DD)."),
        error_messages={"max_length": _("Please search with 100 characters or fewer.")},
    )


class CourseField(forms.ModelChoiceField):
    # Any course is accepted here, even an ended one or an archived patient's: the booking
    # service then refuses it with a message that says why.
    def __init__(self, **kwargs):
        super().__init__(
            queryset=TreatmentCourse.objects.select_related("patient", "physiotherapist"),
            label=_("Patient and course"),
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose the patient's course: find the patient first."),
                "invalid_choice": _("This course was not found: find the patient again."),
            },
            **kwargs,
        )


class SeriesBookingForm(BookingForm):
    """One visit, or the same weekday and time for several weeks."""

    course = CourseField()
    physiotherapist = PhysiotherapistField(error_messages=PHYSIOTHERAPIST_ERRORS)
    weeks = forms.IntegerField(
        label=_("Weeks"),
        required=False,
        min_value=1,
        max_value=MAX_SERIES_WEEKS,
        help_text=_(
            "1 books a single visit. Leave it empty to book as many weeks as the course still "
            "expects."
        ),
        error_messages={
            "min_value": SERIES_WEEKS_MESSAGE,
            "max_value": SERIES_WEEKS_MESSAGE,
            "invalid": SERIES_WEEKS_MESSAGE,
        },
    )
    field_order = ["course", "physiotherapist", "date", "start_time", "duration_minutes", "weeks"]

    def clean_date(self) -> date:
        return within_booking_range(self.cleaned_data["date"])

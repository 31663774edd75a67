"""The period the clinic's results are counted over."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
LONGEST_PERIOD_YEARS = 10
ERRORS = {
    "too_early": _("Choose a date from 1900 on."),
    "too_late": _("Choose a date up to 2100."),
    "invalid": _("Enter a date as YYYY-MM-DD, for example 2026-03-10."),
    "reversed": _("The “from” date must be on or before the “to” date."),
    "too_long": _("Choose a period of at most %(years)d years."),
}


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_twelve_months(today: date) -> tuple[date, date]:
    """From the day after this day last year, to today."""
    return years_after(today, -1) + timedelta(days=1), today


def period_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[
            MinValueValidator(EARLIEST, message=ERRORS["too_early"]),
            MaxValueValidator(LATEST, message=ERRORS["too_late"]),
        ],
        error_messages={"invalid": ERRORS["invalid"]},
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ResultsForm(forms.Form):
    """The courses completed from one day to another, both included; the last 12 months if
    not chosen. A blank "to" is today; a blank "from" is a year before "to"."""

    date_from = period_field(_("Completed from"))
    date_to = period_field(_("to"))

    def __init__(self, data=None, **kwargs):
        # A first visit, or both dates left blank: the last 12 months, shown in the fields.
        if not data or not any(data.get(name) for name in ("date_from", "date_to")):
            start, end = last_twelve_months(timezone.localdate())
            data = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        super().__init__(data, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        if "date_from" in self.errors or "date_to" in self.errors:
            return cleaned
        end = cleaned.get("date_to") or timezone.localdate()
        start = cleaned.get("date_from") or last_twelve_months(end)[0]
        if start > end:
            raise ValidationError(ERRORS["reversed"], code="reversed")
        if end > years_after(start, LONGEST_PERIOD_YEARS):
            raise ValidationError(
                ERRORS["too_long"], code="too_long", params={"years": LONGEST_PERIOD_YEARS}
            )
        cleaned["date_from"], cleaned["date_to"] = start, end
        return cleaned

    @property
    def period(self) -> tuple[date, date]:
        """The period chosen; only once the form is valid."""
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]

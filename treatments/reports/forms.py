"""The period a report covers, and whether it is counted by week or by month."""

from django import forms
from django.utils.translation import gettext_lazy as _

from treatments.outcomes.forms import ResultsForm, period_field
from treatments.reports.queries import BY_CHOICES, MONTH, Period


class ReportForm(ResultsForm):
    """The dates and their checks are the clinic's results' (ResultsForm): the last 12 months
    if none are chosen, at most 10 years. Counted by month unless asked by week."""

    date_from = period_field(_("From"))
    date_to = period_field(_("to"))
    by = forms.ChoiceField(
        label=_("Count by"),
        choices=BY_CHOICES,
        required=False,  # blank is by month, filled in below
        error_messages={"invalid_choice": _("Count by week or by month.")},
    )

    def __init__(self, data=None, **kwargs):
        # ResultsForm fills in both dates when none is given, and would drop `by` with them.
        data = data.copy() if data else {}
        if not any(data.get(name) for name in ("date_from", "date_to")):
            blank = ResultsForm()
            data["date_from"], data["date_to"] = blank.data["date_from"], blank.data["date_to"]
        if not data.get("by"):
            data["by"] = MONTH
        super().__init__(data, **kwargs)

    def report_period(self, location_id: int | None = None) -> Period:
        """The period chosen, at a location or all; only once the form is valid."""
        date_from, date_to = self.period
        return Period(date_from, date_to, self.cleaned_data["by"], location_id)

"""The clinic admin's reports: a page with each report's chart and table, and its CSV."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ims_clinic import audit
from ims_clinic.spreadsheets import csv_download
from patients.roles import CLINIC_ADMIN, role_required
from treatments.locations import location_choice
from treatments.reports.forms import ReportForm
from treatments.reports.queries import REPORTS

clinic_admins = role_required(CLINIC_ADMIN)

# Each report's name and what it counts, for the list of reports and the tabs between them.
TITLES = {
    "visits": (_("Visits"), _("Booked and attended visits per physiotherapist, by visit type.")),
    "attendance": (_("Attendance"), _("Attended visits, no-shows and late cancellations, as "
                                      "counts and rates.")),
    "patients": (_("New patients and courses"), _("New patients, courses started and courses "
                                                  "completed.")),
    "waitlist": (_("The waitlist"), _("Patients added to the waitlist, and visits booked from "
                                      "it.")),
    "utilisation": (_("Utilisation"), _("Booked time over working time, per "
                                        "physiotherapist.")),
}  # fmt: skip


def _report_function(slug: str):
    if slug not in REPORTS:
        raise Http404
    return REPORTS[slug]


@clinic_admins
def report_list(request):
    return render(request, "treatments/reports/report_list.html", {"titles": TITLES})


@clinic_admins
def report(request, slug: str):
    build = _report_function(slug)
    # Only read, whatever the method: a period that cannot be read shows its error.
    form = ReportForm(request.GET)
    locations = location_choice(request)
    found = build(form.report_period(locations.chosen_id)) if form.is_valid() else None
    ctx = {"form": form, "report": found, "slug": slug, "title": TITLES[slug][0],
           "titles": TITLES, "locations": locations}  # fmt: skip
    return render(request, "treatments/reports/report.html", ctx)


@clinic_admins
def report_csv(request, slug: str):
    build = _report_function(slug)
    form = ReportForm(request.GET)
    if not form.is_valid():
        return report(request, slug)
    period = form.report_period(location_choice(request).chosen_id)
    found = build(period)
    audit.record(request, audit.Action.EXPORTED, detail=f"Report ({slug}) as CSV")
    name = (
        f"report-{slug}-by-{period.by}-{period.date_from:%Y-%m-%d}-to-{period.date_to:%Y-%m-%d}.csv"
    )
    # A physiotherapist's or a visit type's name could look like a formula: csv_download
    # keeps it as text.
    return csv_download(name, found.csv_rows())

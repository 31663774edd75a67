"""The clinic's results page and its CSV, for clinic admins and physiotherapists."""

from django.shortcuts import render

from ims_clinic import audit
from ims_clinic.spreadsheets import csv_download
from patients.roles import CLINIC_ADMIN, PHYSIOTHERAPIST, role_required
from treatments.outcomes.forms import ResultsForm
from treatments.outcomes.results import BY_SESSIONS, FEWER_THAN, clinic_results

results_readers = role_required(CLINIC_ADMIN, PHYSIOTHERAPIST)


def _page(request, form: ResultsForm, results=None):
    ctx = {"form": form, "results": results, "by_sessions": BY_SESSIONS, "fewer_than": FEWER_THAN}
    return render(request, "treatments/outcomes/results.html", ctx)


@results_readers
def results(request):
    # Only read, whatever the method: a period that cannot be read shows its error.
    form = ResultsForm(request.GET)
    if not form.is_valid():
        return _page(request, form)
    date_from, date_to = form.period
    return _page(request, form, clinic_results(date_from=date_from, date_to=date_to))


@results_readers
def results_csv(request):
    form = ResultsForm(request.GET)
    if not form.is_valid():
        return _page(request, form)
    date_from, date_to = form.period
    found = clinic_results(date_from=date_from, date_to=date_to)
    audit.record(request, audit.Action.EXPORTED, detail="Clinic results as CSV")
    name = f"clinic-results-{date_from:%Y-%m-%d}-to-{date_to:%Y-%m-%d}.csv"
    # A physiotherapist's name or a questionnaire's title could look like a formula:
    # csv_download keeps it as text.
    return csv_download(name, found.csv_rows())

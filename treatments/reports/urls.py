from django.urls import path

from treatments.reports import views
from treatments.reports.queries import REPORTS

# One page and one CSV per report, each with its own name (treatments:report-visits, ...).
urlpatterns = [path("reports/", views.report_list, name="reports")]
for slug in REPORTS:
    urlpatterns += [
        path(f"reports/{slug}/", views.report, {"slug": slug}, name=f"report-{slug}"),
        path(f"reports/{slug}/export.csv", views.report_csv, {"slug": slug},
             name=f"report-{slug}-csv"),
    ]  # fmt: skip

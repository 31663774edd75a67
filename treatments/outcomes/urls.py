from django.urls import path

from treatments.outcomes import results_views

urlpatterns = [
    path("results/", results_views.results, name="results"),
    path("results/export.csv", results_views.results_csv, name="results-csv"),
]

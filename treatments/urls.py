from django.urls import include, path

from treatments import export_views, ical_views, views, worklist_views

app_name = "treatments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("patients/<int:patient_pk>/courses/new/", views.course_create, name="course-create"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course-edit"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/chart/", views.visit_chart, name="visit-chart"),
    path("visits/<int:pk>/chart/sign/", views.chart_sign, name="chart-sign"),
    path("", include("treatments.booking.urls")),
    path("", include("treatments.outcomes.urls")),
    path("", include("treatments.reports.urls")),
]
urlpatterns += worklist_views.urlpatterns + ical_views.urlpatterns + export_views.urlpatterns

from django.urls import path

from treatments import booking_views, export_views, ical_views, views, worklist_views

app_name = "treatments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("patients/<int:patient_pk>/courses/new/", views.course_create, name="course-create"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course-edit"),
    path("courses/<int:course_pk>/visits/new/", views.visit_create, name="visit-create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/move/", views.visit_move, name="visit-move"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
    path("visits/<int:pk>/restore/", views.visit_restore, name="visit-restore"),
    path("visits/<int:pk>/attended/", views.visit_attended, name="visit-attended"),
    path("visits/<int:pk>/no-show/", views.visit_no_show, name="visit-no-show"),
    path("visits/<int:pk>/chart/", views.visit_chart, name="visit-chart"),
    path("visits/<int:pk>/chart/sign/", views.chart_sign, name="chart-sign"),
]
urlpatterns += booking_views.urlpatterns + worklist_views.urlpatterns + ical_views.urlpatterns
urlpatterns += export_views.urlpatterns

from django.urls import path

from treatments import booking_views, export_views, ical_views, views, worklist_views

app_name = "treatments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("patients/<int:patient_pk>/courses/new/", views.course_create, name="course-create"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course-edit"),
    path("courses/<int:course_pk>/sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/move/", views.session_move, name="session-move"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/restore/", views.session_restore, name="session-restore"),
    path("sessions/<int:pk>/attended/", views.session_attended, name="session-attended"),
    path("sessions/<int:pk>/no-show/", views.session_no_show, name="session-no-show"),
    path("sessions/<int:pk>/chart/", views.session_chart, name="session-chart"),
    path("sessions/<int:pk>/chart/sign/", views.chart_sign, name="chart-sign"),
]
urlpatterns += booking_views.urlpatterns + worklist_views.urlpatterns + ical_views.urlpatterns
urlpatterns += export_views.urlpatterns

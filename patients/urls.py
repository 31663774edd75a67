from django.urls import include, path

from patients import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="patient-list"),
    path("new/", views.patient_create, name="patient-create"),
    path("<int:pk>/", views.patient_detail, name="patient-detail"),
    path("<int:pk>/edit/", views.patient_edit, name="patient-edit"),
    path("<int:pk>/archive/", views.patient_archive, name="patient-archive"),
    path("<int:pk>/restore/", views.patient_restore, name="patient-restore"),
    path("<int:pk>/screening/new/", views.screening_create, name="screening-create"),
    path("<int:pk>/consent/new/", views.consent_create, name="consent-create"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("", include("patients.online.urls")),
]

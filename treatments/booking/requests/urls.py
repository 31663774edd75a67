from django.urls import path

from treatments.booking.requests import views

urlpatterns = [
    path("new-patient/", views.new_patient, name="new-patient"),
    path("new-patient/sent/", views.new_patient_sent, name="new-patient-sent"),
    path("requests/", views.request_list, name="appointment-requests"),
    path("requests/<int:pk>/book/", views.request_book, name="appointment-request-book"),
    path("requests/<int:pk>/decline/", views.request_decline, name="appointment-request-decline"),
]

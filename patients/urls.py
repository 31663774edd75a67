from django.urls import path  # noqa: F401

from patients import views  # noqa: F401

app_name = "patients"

urlpatterns = []

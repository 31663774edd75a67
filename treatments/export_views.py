"""Exporting a patient's whole record for an access request: a printable page and JSON.

Each export is an audit entry, like any look at the record."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from ims_clinic import audit
from patients.models import Patient
from patients.roles import clinical_staff
from treatments.record_export import fhir_answers, patient_record


@clinical_staff
def record_print(request, patient_pk: int):
    patient = get_object_or_404(Patient, pk=patient_pk)
    record = patient_record(patient.pk)
    audit.exported(request, patient, "Whole record, printable page")
    ctx = {"patient": patient, "record": record, "exported_at": timezone.localtime()}
    return render(request, "treatments/record_print.html", ctx)


@clinical_staff
def record_json(request, patient_pk: int):
    patient = get_object_or_404(Patient, pk=patient_pk)
    exported_at = timezone.localtime()
    data = {
        "exported_at": exported_at.isoformat(),
        "exported_by": request.user.get_username(),
        "patient": patient_record(patient.pk).as_json(),
        # The questionnaires again in FHIR's shape, for another clinic's system to read.
        "fhir": fhir_answers(patient.pk),
    }
    audit.exported(request, patient, "Whole record, JSON")
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    name = f"patient-{patient.pk}-record-{exported_at:%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("patients/<int:patient_pk>/record/", record_print, name="record-print"),
    path("patients/<int:patient_pk>/record.json", record_json, name="record-json"),
]

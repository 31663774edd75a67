"""A signed-in patient's whole record, to download: the access request BC's PIPA and Ontario's
PHIPA give them (the law allows 30 days; here it is at once).

The file is the record the physiotherapists export (treatments/record_export.py), as a
printable page that needs nothing from the internet to open, and their questionnaire answers
as FHIR JSON for another clinic's system. Each download is an audit entry; a patient only ever
gets their own: the record is the session's patient's, and no id is taken from the request."""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache

from patients.online.session import patient_required
from patients.online.views import Action, _audit
from treatments.record_export import fhir_answers, patients_copy


@never_cache
@patient_required
def record(request):
    """What the download holds, and the buttons; it shows nothing of the record itself."""
    return render(request, "patients/online/record.html")


def _attachment(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@patient_required
def record_file(request):
    patient, exported_at = request.patient, timezone.localtime()
    ctx = {"patient": patient, "record": patients_copy(patient.pk), "exported_at": exported_at}
    page = render_to_string("patients/online/record_file.html", ctx, request=request)
    _audit(request, Action.EXPORTED, patient, "Whole record downloaded online, printable page")
    return _attachment(page, "text/html; charset=utf-8", f"my-record-{exported_at:%Y-%m-%d}.html")


@never_cache
@patient_required
def record_answers(request):
    patient, exported_at = request.patient, timezone.localtime()
    data = {"exported_at": exported_at.isoformat(), "fhir": fhir_answers(patient.pk)}
    _audit(request, Action.EXPORTED, patient, "Questionnaire answers downloaded online, FHIR")
    return _attachment(
        json.dumps(data, indent=2, ensure_ascii=False),
        "application/json",
        f"my-questionnaire-answers-{exported_at:%Y-%m-%d}.json",
    )

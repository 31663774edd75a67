"""The audit trail for clinic admins: who saw or changed which record, as a page and as CSV."""

import csv
from datetime import UTC

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from ims_clinic import audit
from ims_clinic.forms import AuditFilterForm
from ims_clinic.spreadsheets import spreadsheet_text
from patients.roles import CLINIC_ADMIN, role_required

ENTRIES_PER_PAGE = 50
CSV_COLUMNS = ["when (UTC)", "staff user", "action", "record type", "record id", "patient id",
               "patient", "IP address", "address", "detail"]  # fmt: skip

clinic_admin = role_required(CLINIC_ADMIN)


@clinic_admin
def audit_trail(request):
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        page = Paginator(form.entries(), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    status = 200 if form.is_valid() else 400
    return render(request, "audit/audit_trail.html", {"form": form, "page": page}, status=status)


class _Echo:
    """csv.writer writes into this, and the row comes straight back to be streamed."""

    def write(self, value: str) -> str:
        return value


def _csv_rows(entries):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        # A failed sign-in's username is typed by anyone: it may look like a formula.
        yield writer.writerow(spreadsheet_text(value) for value in [
            entry.at.astimezone(UTC).isoformat(), entry.username,
            entry.get_action_display(), entry.record_type, entry.record_id,
            entry.patient_id or "", entry.patient.full_name if entry.patient else "",
            entry.ip_address or "", entry.path, entry.detail,
        ])  # fmt: skip


@clinic_admin
def audit_trail_csv(request):
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/audit_trail.html", {"form": form}, status=400)
    audit.record(request, audit.Action.EXPORTED, detail="Audit trail as CSV")
    response = StreamingHttpResponse(_csv_rows(form.entries()), content_type="text/csv")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


urlpatterns = [
    path("audit/", audit_trail, name="audit-trail"),
    path("audit/export.csv", audit_trail_csv, name="audit-trail-csv"),
]

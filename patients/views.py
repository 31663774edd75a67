"""Finding and registering patients, their chart, screenings and consents.

Front desk staff see contact details and appointments; only physiotherapists see clinical
records. The chart view does not even load clinical records for anyone else.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims_clinic import audit
from patients.forms import (
    ConsentForm,
    PatientCreateForm,
    PatientForm,
    PatientSearchForm,
    ScreeningForm,
)
from patients.models import Consent, Patient, Screening
from patients.online import access
from patients.online import intake as intake_service
from patients.roles import booking_staff, clinical_staff, is_physiotherapist
from treatments.booking.services import cancel_upcoming
from treatments.models import ClinicSettings
from treatments.outcomes.measures import due_for_patient

PATIENTS_PER_PAGE = 25


def _next_page(request) -> str | None:
    """Where a form opened from another page (?next=, an assessment's chart) returns to."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


@booking_staff
def patient_list(request):
    form = PatientSearchForm(request.GET)
    patients = Patient.objects.none()
    if form.is_valid():
        patients = Patient.objects.search(form.cleaned_data["q"])
        patients = patients.archived() if form.cleaned_data["archived"] else patients.active()
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    ctx = {"form": form, "page": page, "archived": form.cleaned_data.get("archived", False)}
    return render(
        request, "patients/patient_list.html", ctx, status=200 if form.is_valid() else 400
    )


@booking_staff
def patient_create(request):
    form = PatientCreateForm(
        request.POST if request.method == "POST" else None,
        clinical=is_physiotherapist(request.user),
    )
    if form.is_valid():
        patient = form.save()
        messages.success(request, _("Added %(name)s.") % {"name": patient.full_name})
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form})


@booking_staff
def patient_detail(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    clinical = is_physiotherapist(request.user)
    ctx = {
        "patient": patient,
        "clinical": clinical,
        "visits": patient.visits.select_related("physiotherapist").order_by("-starts_at"),
    }
    # Front desk staff book on a course too (named by physiotherapist and date, not region);
    # physiotherapists see every course, so the active ones are picked from that one query.
    courses = patient.courses.select_related("physiotherapist")
    ctx["active_courses"] = courses.active()
    if clinical:
        ctx["courses"] = list(courses)
        ctx["active_courses"] = [course for course in ctx["courses"] if course.is_active]
        screenings = list(
            patient.screenings.select_related("signed_by").prefetch_related("precautions")
        )
        ctx["screenings"] = screenings
        ctx["latest_screening"] = screenings[0] if screenings else None
        ctx["consents"] = patient.consents.select_related("obtained_by")
    # Physiotherapists read what the patient wrote; for the front desk only when it was sent
    # is even loaded.
    intakes = patient.intakes.select_related("reviewed_by")
    if not clinical:
        intakes = patient.intakes.only("patient", "submitted_at", "reviewed_at")
    ctx["latest_intake"] = intakes.first()
    if clinical and ctx["latest_intake"]:
        ctx["intake_yes"] = intake_service.answered_yes(ctx["latest_intake"])
    clinic = ClinicSettings.load()
    if not patient.is_archived:
        ctx["questionnaires_due"] = due_for_patient(patient, timezone.localdate(), clinic)
    # Once the clinic books online, every record with an email may sign in: the switch says so.
    ctx["online_for_everyone"] = access.on_for_everyone(clinic)
    audit.viewed(request, patient, "clinical record" if clinical else "contact details")
    return render(request, "patients/patient_detail.html", ctx)


@booking_staff
def patient_edit(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    form = PatientForm(
        request.POST if request.method == "POST" else None,
        instance=patient,
        clinical=is_physiotherapist(request.user),
    )
    if form.is_valid():
        form.save()
        messages.success(
            request, _("Saved the changes to %(name)s's details.") % {"name": patient.full_name}
        )
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@booking_staff
def patient_archive(request, pk: int):
    """Archiving is confirmed first. It cancels the visits still booked in the same step: an
    archived record's visits would stay on the calendar with no reminders going out."""
    patient = get_object_or_404(Patient, pk=pk)
    booked = list(
        patient.visits.booked().upcoming().select_related("physiotherapist", "visit_type")
    )
    if request.method == "POST" and not patient.is_archived:
        try:
            with transaction.atomic():
                cancel_upcoming(booked, reason=str(_("The patient's record was archived.")))
                patient.archive()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Archived %(name)s's record. Restore it at any time.")
                % {"name": patient.full_name},
            )
        return redirect(patient)
    return render(request, "patients/patient_archive.html", {"patient": patient, "booked": booked})


@booking_staff
@require_POST
def patient_restore(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    if patient.is_archived:
        patient.restore()
    messages.success(request, _("Restored %(name)s's record.") % {"name": patient.full_name})
    return redirect(patient)


@clinical_staff
def screening_create(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    screening = Screening(patient=patient, signed_by=request.user)
    if request.method == "POST":
        intake = intake_service.unreviewed_intake(patient, request.POST.get("from_intake"))
    else:
        intake = intake_service.latest_unreviewed(patient)
    form = ScreeningForm(
        request.POST if request.method == "POST" else None, instance=screening, intake=intake
    )
    if form.is_valid():
        screening = form.save()
        if screening.allows_needling:
            messages.success(
                request, _("Recorded the screening of %(name)s.") % {"name": patient.full_name}
            )
        else:
            messages.warning(
                request,
                _("Recorded the screening of %(name)s: do not needle (%(reasons)s).")
                % {
                    "name": patient.full_name,
                    "reasons": "; ".join(screening.do_not_needle_reasons),
                },
            )
        return redirect(_next_page(request) or patient)
    ctx = {"form": form, "patient": patient, "intake": intake,
           "intake_yes": intake_service.answered_yes(intake) if intake else []}  # fmt: skip
    return render(request, "patients/screening_form.html", ctx)


@clinical_staff
def consent_create(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    consent = Consent(patient=patient, obtained_by=request.user)
    form = ConsentForm(request.POST if request.method == "POST" else None, instance=consent)
    if form.is_valid():
        form.save()
        messages.success(
            request, _("Recorded %(name)s's consent to IMS.") % {"name": patient.full_name}
        )
        return redirect(_next_page(request) or patient)
    return render(request, "patients/consent_form.html", {"form": form, "patient": patient})


@clinical_staff
def consent_withdraw(request, pk: int):
    """Withdrawing consent is confirmed first: no needling is charted after it."""
    consent = get_object_or_404(Consent.objects.select_related("patient"), pk=pk)
    if request.method != "POST":
        return render(request, "patients/consent_withdraw.html", {"consent": consent})
    if consent.withdrawn_on is None:
        consent.withdrawn_on = timezone.localdate()
        # Only the constraints: a withdrawal must go through even if the consent itself
        # would not pass today's clean() (for example a topic added since it was given).
        try:
            consent.validate_constraints()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(consent.patient)
        consent.save(update_fields=["withdrawn_on"])
    messages.success(
        request,
        _("Consent of %(consented_on)s marked withdrawn on %(withdrawn_on)s. It stays on file.")
        % {
            "consented_on": date_format(consent.consented_on, "j F Y"),
            "withdrawn_on": date_format(consent.withdrawn_on, "j F Y"),
        },
    )
    return redirect(consent.patient)

"""Patients online: signing in by an emailed link, their visits and calendar files, signing
out; and the front desk's switch that turns a patient's online access on or off.

Every patient action is an audit entry, under the patient's record (no staff user)."""

from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ims_clinic import audit
from patients.models import Patient
from patients.online import booking, cancelling, intake, services, session, throttle
from patients.online.forms import CancelVisitForm, SignInForm
from patients.online.session import patient_required
from patients.roles import booking_staff
from treatments import ical
from treatments.ical_views import TOKEN, _calendar_response
from treatments.models import ClinicSettings, Location, Visit
from treatments.outcomes.measures import due_for_patient

Action = audit.AuditEntry.Action


def _audit(request, action: str, subject, detail: str) -> None:
    patient_id = audit.patient_id_of(subject)
    audit.record(request, action, subject, username=f"patient {patient_id}", detail=detail)


@never_cache
def sign_in(request):
    if session.signed_in_patient(request):
        return redirect(services.page_after_sign_in(request.GET.get("next")))
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        if throttle.too_many(email=email, ip=get_client_ip_address(request)):
            message = _("Too many links were asked for. Please wait 15 minutes and try again.")
            return render(request, "patients/online/sign_in.html",
                          {"form": form, "refused": message}, status=429)  # fmt: skip
        for patient in services.send_links(email, request.GET.get("next", "")):
            _audit(request, Action.CREATED, patient, "Sign-in link emailed")
        return redirect("patients:online-link-sent")
    status = 400 if form.is_bound else 200
    return render(request, "patients/online/sign_in.html", {"form": form}, status=status)


def link_sent(request):
    return render(request, "patients/online/link_sent.html")


@never_cache
def open_link(request, token: str):
    """The link asks for one press before signing in: mail scanners that open links on
    their own would otherwise use it up before the patient does."""
    try:
        if not TOKEN.fullmatch(token):
            raise services.LinkError(services.NOT_OURS, status=404)
        if request.method != "POST":
            services.valid_link(token)
            return render(request, "patients/online/open_link.html")
        patient = services.use_link(token)
    except services.LinkError as error:
        audit.record(request, Action.SIGN_IN_FAILED, username="patient link", detail=str(error))
        return render(request, "patients/online/link_refused.html", {"reason": error},
                      status=error.status)  # fmt: skip
    session.sign_in(request, patient)
    _audit(request, Action.SIGNED_IN, patient, "Signed in online by an emailed link")
    return session.in_their_language(
        redirect(services.page_after_sign_in(request.GET.get("next"))), patient
    )


@never_cache
@patient_required
def visits(request):
    patient, now = request.patient, timezone.now()
    mine = Visit.objects.for_patient(patient).select_related(
        "physiotherapist", "location", "visit_type"
    )
    upcoming = mine.booked().filter(starts_at__gte=now).order_by("starts_at")
    past = mine.filter(
        Q(status=Visit.Status.ATTENDED) | Q(status=Visit.Status.BOOKED, starts_at__lt=now)
    ).order_by("-starts_at")
    _audit(request, Action.VIEWED, patient, "Their visits, online")
    clinic = ClinicSettings.load()
    notice = clinic.online_cancellation_notice_hours
    ctx = {
        "patient": patient,
        # Each with why it cannot be cancelled online (None when it can), and whether it can
        # be moved online.
        "upcoming": [
            (
                visit,
                cancelling.why_not_cancellable(visit, notice_hours=notice),
                booking.why_not_movable(visit, clinic) is None,
            )
            for visit in upcoming
        ],
        "online_booking": clinic.online_booking,
        "past": list(past[:50]),
        "several_locations": Location.objects.several(),
        "intake_task": intake.first_visit_task(patient),
        # A task for the patient: the questionnaires waiting for their answers.
        "questionnaires_due": len(due_for_patient(patient, timezone.localdate(), clinic)),
    }
    return render(request, "patients/online/visits.html", ctx)


@never_cache
@patient_required
def visit_calendar(request, pk: int):
    """A calendar file for one of the patient's own upcoming visits; any other is not found."""
    visit = get_object_or_404(
        Visit.objects.booked().upcoming().select_related("physiotherapist", "location"),
        pk=pk,
        patient=request.patient,
    )
    _audit(request, Action.EXPORTED, visit, "Calendar file, online")
    with translation.override(request.patient.preferred_language):  # as their emails
        calendar = ical.appointment_calendar(visit)
    return _calendar_response(calendar, filename=f"appointment-{visit.date:%Y-%m-%d}.ics")


@dataclass
class Cancelling:
    """The cancel form on a visit's page, and what became of it."""

    form: CancelVisitForm
    refusal: str | None  # why the visit cannot be cancelled online; None when it can
    done: bool = False

    @property
    def status(self) -> int:
        return 400 if self.form.is_bound and not self.done else 200


def cancel_on_page(
    request, visit: Visit, *, patient: Patient, detail: str, clinic: ClinicSettings | None = None
) -> Cancelling:
    """Cancel the visit if the form was posted and the clinic's notice allows. Shared by the
    signed-in page and the emailed link's page: one rule, one wording, one audit entry.
    `clinic`: the clinic's settings, when the caller has read them already."""
    notice = (clinic or ClinicSettings.load()).online_cancellation_notice_hours
    form = CancelVisitForm(request.POST if request.method == "POST" else None)
    refusal = cancelling.why_not_cancellable(visit, notice_hours=notice)
    if refusal is None and form.is_valid():
        try:
            cancelling.cancel_online(
                patient=patient, visit=visit, reason_given=form.cleaned_data["reason"]
            )
        except cancelling.CancelError as error:
            refusal = str(error)
        else:
            _audit(request, Action.CHANGED, visit, detail)
            return Cancelling(form, None, done=True)
    return Cancelling(form, refusal)


def cancelled_message(visit: Visit) -> str:
    return _("Your visit on %(day)s is cancelled.") % {"day": date_format(visit.date, "j F")}


@never_cache
@patient_required
def cancel_visit(request, pk: int):
    """Asks to confirm, then cancels one of the patient's own visits; another's is not found."""
    visit = get_object_or_404(
        Visit.objects.select_related("physiotherapist", "location", "visit_type"),
        pk=pk,
        patient=request.patient,
    )
    cancel = cancel_on_page(
        request, visit, patient=request.patient, detail="Visit cancelled online by the patient"
    )
    if cancel.done:
        messages.success(request, cancelled_message(visit))
        return redirect("patients:online-visits")
    ctx = {"visit": visit, "cancel": cancel, "several_locations": Location.objects.several()}
    return render(request, "patients/online/cancel_visit.html", ctx, status=cancel.status)


@patient_required
@require_POST
def sign_out(request):
    _audit(request, Action.SIGNED_OUT, request.patient, "Signed out online")
    session.sign_out(request)
    messages.success(request, _("You are signed out."))
    return redirect("patients:online-sign-in")


@booking_staff
@require_POST
def online_access(request, pk: int):
    """The front desk turns a patient's online access on (having confirmed the email with
    them) or off. The change is kept in the record's history, and so in the audit trail."""
    patient = get_object_or_404(Patient, pk=pk)
    try:
        if request.POST.get("turn") == "on":
            patient.turn_on_online_access()
            messages.success(request, _("Online access is on for %(email)s.")
                             % {"email": patient.email})  # fmt: skip
        else:
            patient.turn_off_online_access()
            messages.success(request, _("Online access is off."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(patient)

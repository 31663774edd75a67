"""The public page where a new patient asks for a first assessment (or books one, if the clinic
allows it), and the front desk's list of requests to book or decline.

Each view validates a form and calls services.py; a refusal is shown on the form."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ims_clinic import audit
from patients.online import throttle
from patients.roles import booking_staff
from treatments.booking.requests import services
from treatments.booking.requests.forms import (
    BookRequestForm,
    DeclineRequestForm,
    NewPatientForm,
)
from treatments.booking.requests.times import assessment_type, free_assessment_times
from treatments.forms import add_service_errors
from treatments.models import AppointmentRequest, ClinicSettings, Location, VisitType

Action = audit.AuditEntry.Action
TEMPLATES = "treatments/booking/requests/"
# What the thank-you page says was booked, kept in the session between the two pages.
BOOKED_KEY = "new_patient_booked"


# The new patient's pages ------------------------------------------------------------------


@never_cache
def new_patient(request):
    clinic = ClinicSettings.load()
    if not clinic.online_booking:
        return render(request, TEMPLATES + "call_us.html")
    visit_type = assessment_type() if clinic.new_patients_book_directly else None
    # With nothing free to book, they can still ask: the front desk finds them a time.
    times = free_assessment_times(visit_type, clinic) if visit_type else []
    data = request.POST if request.method == "POST" else None
    form = NewPatientForm(data, several_locations=Location.objects.several(), times=times)
    if form.is_valid():
        fields = form.cleaned_data
        if throttle.too_many_requests(email=fields["email"], ip=get_client_ip_address(request)):
            refused = _("Too many requests were sent from here. Please wait 15 minutes, or call "
                        "the clinic.")  # fmt: skip
            ctx = {"form": form, "times": times, "refused": refused}
            return render(request, TEMPLATES + "new_patient.html", ctx, status=429)
        try:
            if times:
                found = services.book_first_assessment(details=fields, time_key=fields["time"])
            else:
                found = services.ask_for_assessment(details=fields, location=fields.get("location"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _after_asking(request, found)
            return redirect("treatments:new-patient-sent")
    ctx = {"form": form, "times": times}
    return render(request, TEMPLATES + "new_patient.html", ctx, status=400 if form.errors else 200)


def _after_asking(request, found: AppointmentRequest) -> None:
    if found.visit is None:
        detail, booked = "A new patient asked for a first assessment online", ""
    else:
        detail = "A new patient booked a first assessment online"
        booked = _("%(day)s at %(time)s") % {
            "day": date_format(found.visit.date, "l j F"),
            "time": f"{found.visit.start_time:%H:%M}",
        }
    audit.record(request, Action.CREATED, found, username="new patient online", detail=detail)
    request.session[BOOKED_KEY] = booked


def new_patient_sent(request):
    booked = request.session.pop(BOOKED_KEY, "")
    return render(request, TEMPLATES + "sent.html", {"booked": booked})


# The front desk's pages -------------------------------------------------------------------


@booking_staff
def request_list(request):
    waiting = list(AppointmentRequest.objects.waiting().select_related("location"))
    # Booked by new patients themselves: the front desk checks each for a second record.
    booked_online = list(
        AppointmentRequest.objects.filter(
            status=AppointmentRequest.Status.BOOKED, handled_by__isnull=True
        )
        .select_related("patient", "visit")
        .order_by("-handled_at")[:20]
    )
    like = services.records_like(waiting + booked_online)
    for found in waiting + booked_online:
        found.records_like = [p for p in like[found.pk] if p.pk != found.patient_id]
    ctx = {"waiting": waiting, "booked_online": booked_online,
           "several_locations": Location.objects.several()}  # fmt: skip
    return render(request, TEMPLATES + "list.html", ctx)


def _waiting(pk: int) -> AppointmentRequest:
    return get_object_or_404(AppointmentRequest.objects.waiting(), pk=pk)


@booking_staff
def request_book(request, pk: int):
    found = _waiting(pk)
    matches = services.records_like([found])[found.pk]
    data = request.POST if request.method == "POST" else None
    initial = {"patient": str(matches[0].pk) if len(matches) == 1 else "new",
               "visit_type": assessment_type() or VisitType.objects.filter(
                   is_active=True, is_needling=False).first()}  # fmt: skip
    form = BookRequestForm(data, matches=matches, initial=initial)
    if form.is_valid():
        chosen = form.cleaned_data
        try:
            visit = services.book_request(
                found, by=request.user, patient=chosen["patient"],
                physiotherapist=chosen["physiotherapist"], visit_type=chosen["visit_type"],
                day=chosen["date"], start_time=chosen["start_time"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(patient)s is booked for %(day)s at %(time)s.") % {
                "patient": visit.patient, "day": date_format(visit.date, "l j F"),
                "time": f"{visit.start_time:%H:%M}",
            })  # fmt: skip
            return redirect("treatments:appointment-requests")
    ctx = {"found": found, "form": form}
    return render(request, TEMPLATES + "book.html", ctx, status=400 if form.errors else 200)


@booking_staff
def request_decline(request, pk: int):
    found = _waiting(pk)
    form = DeclineRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.decline_request(
                found, by=request.user, reason=form.cleaned_data["decline_reason"],
                tell_them=form.cleaned_data["tell_them"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request from %(name)s is declined.")
                             % {"name": f"{found.first_name} {found.last_name}"})  # fmt: skip
            return redirect("treatments:appointment-requests")
    ctx = {"found": found, "form": form}
    return render(request, TEMPLATES + "decline.html", ctx, status=400 if form.errors else 200)

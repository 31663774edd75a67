"""The page an emailed visit link opens (patients/online/visit_links.py): that one visit, its
calendar file, and cancelling it, without signing in. It does not sign the patient in: the
link is the key to this visit and nothing else.

The token is in the address, so no page keeps it: not the browser's cache, not a search
engine, not another site as a referrer (ims_clinic.token_pages)."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from ims_clinic import audit
from ims_clinic.token_pages import private
from patients.online import booking, cancelling, visit_links
from patients.online.booking_views import move_on_page
from patients.online.views import Action, _audit, cancel_on_page, cancelled_message
from treatments import ical
from treatments.ical_views import _calendar_response
from treatments.models import ClinicSettings, Location, Visit


def _refused(request, error: visit_links.VisitLinkError):
    audit.record(request, Action.REFUSED, error.visit, username="visit link", detail=str(error))
    ctx = {"reason": str(error), "phone": error.visit and cancelling.clinic_phone(error.visit)}
    return render(request, "patients/online/visit_link_refused.html", ctx, status=error.status)


@never_cache
def visit_page(request, token: str):
    try:
        visit = visit_links.visit_for(token)
    except visit_links.VisitLinkError as error:
        return private(_refused(request, error))
    clinic = ClinicSettings.load()
    cancel = cancel_on_page(
        request, visit, patient=visit.patient, detail="Visit cancelled by an emailed link",
        clinic=clinic,
    )  # fmt: skip
    if cancel.done:
        return private(redirect("patients:online-visit-link-cancelled", token))
    if request.method != "POST":
        _audit(request, Action.VIEWED, visit, "Visit opened by an emailed link")
    ctx = {"visit": visit, "cancel": cancel, "token": token,
           "several_locations": Location.objects.several(),
           "phone": cancelling.clinic_phone(visit),
           "move_refusal": booking.why_not_movable(visit, clinic)}  # fmt: skip
    return private(render(request, "patients/online/visit_link.html", ctx, status=cancel.status))


@never_cache
def visit_cancelled(request, token: str):
    """Where cancelling by the link leads: the link no longer opens the visit, but still says
    it is cancelled. A visit not cancelled goes back to its page."""
    try:
        visit, _seconds = visit_links.signed_visit(token)
    except visit_links.VisitLinkError as error:
        return private(_refused(request, error))
    if visit.status != Visit.Status.CANCELLED:
        return private(redirect("patients:online-visit-link", token))
    ctx = {"cancelled": cancelled_message(visit), "phone": cancelling.clinic_phone(visit)}
    return private(render(request, "patients/online/visit_link_cancelled.html", ctx))


@never_cache
def visit_calendar(request, token: str):
    try:
        visit = visit_links.visit_for(token)
    except visit_links.VisitLinkError as error:
        return private(_refused(request, error))
    _audit(request, Action.EXPORTED, visit, "Calendar file, by an emailed link")
    with translation.override(visit.patient.preferred_language):  # as their emails
        calendar = ical.appointment_calendar(visit)
    response = _calendar_response(calendar, filename=f"appointment-{visit.date:%Y-%m-%d}.ics")
    return private(response)


@never_cache
def visit_move(request, token: str):
    """Moving the link's visit, as a signed-in patient moves one (booking_views.move_on_page).
    Once moved, the link's time is the old one, so the page goes on to the new time's link."""
    try:
        visit = visit_links.visit_for(token)
    except visit_links.VisitLinkError as error:
        return private(_refused(request, error))

    def page_of(moved: Visit) -> str:
        return reverse("patients:online-visit-link", args=[visit_links.make_token(moved)])

    response = move_on_page(
        request, visit, patient=visit.patient, back=page_of(visit), done=page_of,
        how="Visit moved by an emailed link",
    )  # fmt: skip
    return private(response)

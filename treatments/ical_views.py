"""Calendar files: an appointment to hand to a patient, and each physiotherapist's private feed,
which a calendar app fetches without signing in (the secret address is the key)."""

import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from patients.roles import booking_staff, clinical_staff
from treatments import ical
from treatments.models import PhysiotherapistProfile, Visit

# What secrets.token_urlsafe() makes: anything else cannot be a key, so it is not looked up.
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _calendar_response(calendar, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@booking_staff
def visit_ics(request, pk: int):
    visit = get_object_or_404(Visit.objects.select_related("physiotherapist", "location"), pk=pk)
    return _calendar_response(
        ical.appointment_calendar(visit), filename=f"appointment-{visit.date:%Y-%m-%d}.ics"
    )


def physiotherapist_feed(request, token: str):
    if not TOKEN.fullmatch(token):
        raise Http404
    physiotherapist = get_object_or_404(
        PhysiotherapistProfile.objects.select_related("user"),
        calendar_token=token,
        user__is_active=True,
    )
    response = _calendar_response(ical.physiotherapist_feed(physiotherapist))
    # The feed names patients by initials; no proxy or browser should keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@clinical_staff
def calendar_feed(request):
    physiotherapist = PhysiotherapistProfile.objects.filter(user=request.user).first()
    feed_url = None
    if physiotherapist and physiotherapist.calendar_token:
        feed_url = ical.absolute_url(
            reverse("treatments:physiotherapist-feed", args=[physiotherapist.calendar_token])
        )
    ctx = {"physiotherapist": physiotherapist, "feed_url": feed_url}
    if feed_url:
        ctx["webcal_url"] = re.sub(r"^https?://", "webcal://", feed_url)
    return render(request, "treatments/ical/calendar_feed.html", ctx)


@clinical_staff
@require_POST
def calendar_feed_renew(request):
    physiotherapist = get_object_or_404(PhysiotherapistProfile, user=request.user)
    had_link = bool(physiotherapist.calendar_token)
    physiotherapist.renew_calendar_token()
    if had_link:
        messages.success(request, _("Your calendar has a new link. The old one no longer works."))
    else:
        messages.success(request, _("Your private calendar link is ready."))
    return redirect("treatments:calendar-feed")


urlpatterns = [
    path("visits/<int:pk>/calendar.ics", visit_ics, name="visit-ics"),
    path("feed/<str:token>.ics", physiotherapist_feed, name="physiotherapist-feed"),
    path("calendar-feed/", calendar_feed, name="calendar-feed"),
    path("calendar-feed/renew/", calendar_feed_renew, name="calendar-feed-renew"),
]

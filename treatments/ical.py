"""Calendar files (iCalendar, RFC 5545): one appointment for a patient, and a
physiotherapist's private feed.

Neither holds clinical content. The patient's file names the physiotherapist; the feed names
each patient by initials only, because calendar apps copy it to phones and other servers.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from patients.roles import display_name
from treatments.models import Location, PhysiotherapistProfile, Visit

PRODID = "-//IMS clinic//Appointments//EN"
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=180)
# How often a calendar app should fetch the feed again (Google and Apple read these).
FEED_REFRESH = timedelta(minutes=30)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def visit_uid(visit: Visit) -> str:
    """The same for every download of a visit, so a calendar updates its event in place."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"visit-{visit.pk}@{host}"


def patient_initials(patient) -> str:
    first = patient.preferred_name or patient.legal_first_name
    return ".".join(name.strip()[:1].upper() for name in (first, patient.legal_last_name)) + "."


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(visit: Visit, summary: str, description: str, url: str) -> Event:
    event = Event()
    event.add("uid", visit_uid(visit))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("last-modified", _utc(visit.updated_at))
    event.add("dtstart", _utc(visit.starts_at))
    event.add("dtend", _utc(visit.ends_at))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    cancelled = visit.status == Visit.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def appointment_calendar(visit: Visit) -> Calendar:
    """One appointment, for the patient's own calendar. Needs visit.physiotherapist and
    .location."""
    summary = _("IMS appointment at %(clinic)s") % {"clinic": settings.CLINIC_NAME}
    before_url = absolute_url(reverse("content:page-detail", args=["before-your-appointment"]))
    lines = [
        _("With %(physiotherapist)s.") % {"physiotherapist": display_name(visit.physiotherapist)},
        _("Before you come, please read: %(url)s") % {"url": before_url},
    ]
    phone = visit.location.phone or settings.CLINIC_PHONE
    if phone:
        lines.append(_("To move or cancel, call %(phone)s.") % {"phone": phone})
    if visit.status == Visit.Status.CANCELLED:
        # Calendar apps that ignore STATUS still show the word.
        summary = _("Cancelled: %(summary)s") % {"summary": summary}
    calendar = _calendar(settings.CLINIC_NAME)
    event = _event(visit, summary, "\n".join(lines), before_url)
    event.add("location", where(visit.location))
    calendar.add_component(event)
    return calendar


def address_lines(location: Location) -> list[str]:
    return [line.strip() for line in location.address.splitlines() if line.strip()]


def where(location: Location) -> str:
    """A location on one line, as calendar apps show and map it."""
    return ", ".join([location.name, *address_lines(location)])


def feed_visits(user, now: datetime):
    """The physiotherapist's booked and attended visits from 30 days ago to 180 ahead."""
    return (
        Visit.objects.counting()
        .for_physiotherapist(user)
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lt=now + FEED_AHEAD)
        .select_related("patient", "location")
        .order_by("starts_at")
    )


def physiotherapist_feed(physiotherapist: PhysiotherapistProfile) -> Calendar:
    """The physiotherapist's visits, each with the patient's initials and nothing more."""
    calendar = _calendar(_("IMS visits at %(clinic)s") % {"clinic": settings.CLINIC_NAME})
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    for visit in feed_visits(physiotherapist.user, timezone.now()):
        url = absolute_url(visit.get_absolute_url())  # needs signing in to open
        summary = _("IMS: %(initials)s") % {"initials": patient_initials(visit.patient)}
        event = _event(visit, summary, url, url)
        event.add("location", where(visit.location))
        calendar.add_component(event)
    return calendar

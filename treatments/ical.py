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
from icalendar import Calendar, Event, vDuration

from treatments.models import Practitioner, Session

PRODID = "-//IMS clinic//Appointments//EN"
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=180)
# How often a calendar app should fetch the feed again (Google and Apple read these).
FEED_REFRESH = timedelta(minutes=30)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def session_uid(session: Session) -> str:
    """The same for every download of a session, so a calendar updates its event in place."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"session-{session.pk}@{host}"


def patient_initials(patient) -> str:
    first = patient.preferred_name or patient.legal_first_name
    return ".".join(name.strip()[:1].upper() for name in (first, patient.legal_last_name)) + "."


def practitioner_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(session: Session, summary: str, description: str, url: str) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("last-modified", _utc(session.updated_at))
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    cancelled = session.status == Session.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def appointment_calendar(session: Session) -> Calendar:
    """One appointment, for the patient's own calendar. Needs session.practitioner."""
    summary = f"IMS appointment at {settings.CLINIC_NAME}"
    before_url = absolute_url(reverse("content:page-detail", args=["before-your-appointment"]))
    lines = [
        f"With {practitioner_name(session.practitioner)}.",
        f"Before you come, please read: {before_url}",
    ]
    if settings.CLINIC_PHONE:
        lines.append(f"To move or cancel, call {settings.CLINIC_PHONE}.")
    if session.status == Session.Status.CANCELLED:
        # Calendar apps that ignore STATUS still show the word.
        summary = f"Cancelled: {summary}"
    calendar = _calendar(settings.CLINIC_NAME)
    calendar.add_component(_event(session, summary, "\n".join(lines), before_url))
    return calendar


def feed_sessions(user, now: datetime):
    """The physiotherapist's booked and attended sessions from 30 days ago to 180 ahead."""
    return (
        Session.objects.counting()
        .for_practitioner(user)
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lt=now + FEED_AHEAD)
        .select_related("patient")
        .order_by("starts_at")
    )


def practitioner_feed(practitioner: Practitioner) -> Calendar:
    """The physiotherapist's sessions, each with the patient's initials and nothing more."""
    calendar = _calendar(f"IMS sessions at {settings.CLINIC_NAME}")
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    for session in feed_sessions(practitioner.user, timezone.now()):
        url = absolute_url(session.get_absolute_url())  # needs signing in to open
        calendar.add_component(
            _event(session, f"IMS: {patient_initials(session.patient)}", url, url)
        )
    return calendar

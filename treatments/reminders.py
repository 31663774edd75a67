"""Emails to patients: a reminder a day or two before a booked session, and aftercare advice
after an attended one. Run by the send_reminders command, from cron every few minutes.

A session moved after its reminder went out is reminded again at its new time.

Each email is claimed before it is sent: a ReminderSent row is created and the email sent in
one transaction. The row's unique constraint makes a second copy of the command, running at
the same moment, fail to claim it and skip it; a failed send rolls the claim back, so the next
run tries again. The emails hold no clinical content: email is not a private channel.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from treatments.ical import absolute_url, practitioner_name
from treatments.models import ReminderSent, Session

logger = logging.getLogger(__name__)

# Sessions starting 24 to 48 hours from now are reminded, so a run missed for a while (or a
# session booked the day before) is still covered, and nobody is reminded a week ahead.
REMINDER_FROM, REMINDER_UNTIL = timedelta(hours=24), timedelta(hours=48)
AFTERCARE_WITHIN = timedelta(hours=48)
# The claim holds a lock (on SQLite, the whole database's write lock) while the mail server
# answers, so never wait on it for ever. EMAIL_TIMEOUT, when set, decides instead.
SEND_TIMEOUT_SECONDS = 15
# The education page each email links to, by its slug.
PAGES = {
    ReminderSent.Kind.REMINDER: "before-your-appointment",
    ReminderSent.Kind.AFTERCARE: "aftercare",
}


@dataclass
class Outcome:
    reminders: int = 0
    aftercare: int = 0
    failed: int = 0


def _emailable(sessions, kind: str):
    already_sent = ReminderSent.objects.filter(
        session=OuterRef("pk"), kind=kind, for_starts_at=OuterRef("starts_at")
    )
    return (
        sessions.filter(patient__archived_at__isnull=True)
        .exclude(patient__email="")
        .exclude(Exists(already_sent))
        .select_related("patient", "practitioner")
        .order_by("starts_at")
    )


def sessions_due_a_reminder(now: datetime):
    sessions = Session.objects.booked().filter(
        starts_at__gte=now + REMINDER_FROM, starts_at__lt=now + REMINDER_UNTIL
    )
    return _emailable(sessions, ReminderSent.Kind.REMINDER)


def sessions_due_aftercare(now: datetime):
    sessions = Session.objects.filter(
        status=Session.Status.ATTENDED, starts_at__gt=now - AFTERCARE_WITHIN, starts_at__lte=now
    )
    return _emailable(sessions, ReminderSent.Kind.AFTERCARE)


def render_email(session: Session, kind: str) -> tuple[str, str]:
    """The subject and body of a session's email. Needs session.patient and .practitioner."""
    patient = session.patient
    ctx = {
        "first_name": patient.preferred_name or patient.legal_first_name,
        "starts_at": timezone.localtime(session.starts_at),
        "practitioner_name": practitioner_name(session.practitioner),
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "page_url": absolute_url(reverse("content:page-detail", args=[PAGES[kind]])),
    }
    subject = render_to_string(f"treatments/email/{kind}_subject.txt", ctx)
    body = render_to_string(f"treatments/email/{kind}_body.txt", ctx)
    return " ".join(subject.split()), body.strip() + "\n"


def _mail_connection():
    return get_connection(timeout=settings.EMAIL_TIMEOUT or SEND_TIMEOUT_SECONDS)


def send_session_email(session: Session, kind: str) -> bool:
    """Claim and send one email; False if another run has claimed it already.

    A failed send raises, and its claim is rolled back with the transaction.
    """
    subject, body = render_email(session, kind)
    try:
        with transaction.atomic():
            ReminderSent.objects.create(session=session, kind=kind, for_starts_at=session.starts_at)
            send_mail(subject, body, None, [session.patient.email], connection=_mail_connection())
    except IntegrityError:
        return False
    return True


def send_due_emails(now: datetime | None = None) -> Outcome:
    now = now or timezone.now()
    outcome = Outcome()
    due = [
        (ReminderSent.Kind.REMINDER, sessions_due_a_reminder(now)),
        (ReminderSent.Kind.AFTERCARE, sessions_due_aftercare(now)),
    ]
    for kind, sessions in due:
        for session in sessions:
            try:
                sent = send_session_email(session, kind)
            except Exception:  # one bad address or a mail server hiccup must not stop the rest
                logger.exception("Could not send the %s email for session %s", kind, session.pk)
                outcome.failed += 1
                continue
            if sent and kind == ReminderSent.Kind.REMINDER:
                outcome.reminders += 1
            elif sent:
                outcome.aftercare += 1
    return outcome

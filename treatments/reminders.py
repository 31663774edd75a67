"""Emails to patients: a reminder a day or two before a booked visit, and aftercare advice
after an attended one. Run by the send_reminders command, from cron every few minutes.

A visit moved after its reminder went out is reminded again at its new time.

Each email is claimed before it is sent: a ReminderSent row is created, and committed, before
the email goes out. The row's unique constraint makes a second copy of the command, running at
the same moment, fail to claim it and skip it; a failed send releases the claim, so the next
run tries again. The claim is committed first so that a database that stops answering during
a send cannot lose the claim of an email already sent: a run after the outage sends nothing
twice. The emails hold no clinical content: email is not a private channel.

When the patient has online access, each email carries a signed link to a visit
(patients/online/visit_links.py): the reminder to its own visit, the aftercare email to the
patient's next booked one, as the visit it follows is over. The reminder carries the visit's
calendar file too.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from patients.online import visit_links
from patients.online.access import may_sign_in
from patients.roles import display_name
from treatments.ical import absolute_url, address_lines, appointment_calendar
from treatments.models import ReminderSent, Visit

logger = logging.getLogger(__name__)

# Visits starting 24 to 48 hours from now are reminded, so a run missed for a while (or a
# visit booked the day before) is still covered, and nobody is reminded a week ahead.
REMINDER_FROM, REMINDER_UNTIL = timedelta(hours=24), timedelta(hours=48)
AFTERCARE_WITHIN = timedelta(hours=48)
# Never wait on the mail server for ever. EMAIL_TIMEOUT, when set, decides instead.
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


def _emailable(visits, kind: str):
    already_sent = ReminderSent.objects.filter(
        visit=OuterRef("pk"), kind=kind, for_starts_at=OuterRef("starts_at")
    )
    return (
        visits.filter(patient__archived_at__isnull=True)
        .exclude(patient__email="")
        .exclude(Exists(already_sent))
        .select_related("patient", "physiotherapist", "location")
        .order_by("starts_at")
    )


def visits_due_a_reminder(now: datetime):
    visits = Visit.objects.booked().filter(
        starts_at__gte=now + REMINDER_FROM, starts_at__lt=now + REMINDER_UNTIL
    )
    return _emailable(visits, ReminderSent.Kind.REMINDER)


def visits_due_aftercare(now: datetime):
    """Attended IMS treatments of the last 48 hours: aftercare is about the needling."""
    visits = Visit.objects.needling().filter(
        status=Visit.Status.ATTENDED, starts_at__gt=now - AFTERCARE_WITHIN, starts_at__lte=now
    )
    return _emailable(visits, ReminderSent.Kind.AFTERCARE).select_related("chart")


def has_home_plan_to_read(visit: Visit) -> bool:
    """The visit's signed chart has a home plan, and the patient may sign in to read it."""
    chart = visit.chart if visit.is_charted else None
    return bool(chart and chart.is_signed and chart.home_plan) and may_sign_in(visit.patient)


def next_booked_visit(visit: Visit) -> Visit | None:
    """The patient's next booked visit, for the aftercare email's link."""
    return (
        Visit.objects.for_patient(visit.patient_id)
        .booked()
        .upcoming()
        .select_related("patient")
        .order_by("starts_at")
        .first()
    )


def render_email(visit: Visit, kind: str) -> tuple[str, str]:
    """The subject and body of a visit's email. Needs visit.patient, .physiotherapist and
    .location."""
    patient = visit.patient
    ctx = {
        "first_name": patient.preferred_name or patient.legal_first_name,
        "starts_at": timezone.localtime(visit.starts_at),
        "physiotherapist_name": display_name(visit.physiotherapist),
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": visit.location.phone or settings.CLINIC_PHONE,
        "location": visit.location,
        "address_lines": address_lines(visit.location),
        "page_url": absolute_url(reverse("content:page-detail", args=[PAGES[kind]])),
    }
    if kind == ReminderSent.Kind.AFTERCARE and has_home_plan_to_read(visit):
        # Only a link: the plan itself stays behind the patient's sign-in.
        ctx["home_plan_url"] = absolute_url(reverse("patients:online-home-plan"))
    if kind == ReminderSent.Kind.REMINDER:
        ctx["visit_link"] = visit_links.link_for(visit)
    elif next_visit := next_booked_visit(visit):
        ctx["next_starts_at"] = timezone.localtime(next_visit.starts_at)
        ctx["next_visit_link"] = visit_links.link_for(next_visit)
    with translation.override(patient.preferred_language):
        subject = render_to_string(f"treatments/email/{kind}_subject.txt", ctx)
        body = render_to_string(f"treatments/email/{kind}_body.txt", ctx)
    return " ".join(subject.split()), body.strip() + "\n"


def calendar_attachment(visit: Visit) -> MIMEText:
    """The visit as a calendar file, which mail apps offer to add to the calendar."""
    with translation.override(visit.patient.preferred_language):
        calendar = appointment_calendar(visit)
    calendar.add("method", "PUBLISH")  # RFC 6047: the same method as the attachment's
    part = MIMEText(calendar.to_ical().decode(), "calendar", "utf-8")
    part.set_param("method", "PUBLISH")
    part.add_header(
        "Content-Disposition", "attachment", filename=f"appointment-{visit.date:%Y-%m-%d}.ics"
    )
    return part


def email_for(visit: Visit, kind: str) -> EmailMessage:
    subject, body = render_email(visit, kind)
    message = EmailMessage(subject, body, None, [visit.patient.email])
    if kind == ReminderSent.Kind.REMINDER:
        message.attach(calendar_attachment(visit))
    return message


def _mail_connection():
    return get_connection(timeout=settings.EMAIL_TIMEOUT or SEND_TIMEOUT_SECONDS)


def send_visit_email(visit: Visit, kind: str) -> bool:
    """Claim and send one email; False if another run has claimed it already.

    A failed send raises, and its claim is released. Should the database not answer the
    release either, that email is logged and not sent: once at most, never twice.
    """
    message = email_for(visit, kind)
    try:
        with transaction.atomic():
            claim = ReminderSent.objects.create(
                visit=visit, kind=kind, for_starts_at=visit.starts_at
            )
    except IntegrityError:
        return False
    try:
        message.connection = _mail_connection()
        message.send()
    except Exception:
        try:
            claim.delete()
        except DatabaseError:
            logger.exception(
                "The %s email for visit %s was not sent and its claim (ReminderSent %s) could "
                "not be released: delete that row for the next run to send it",
                kind, visit.pk, claim.pk,
            )  # fmt: skip
        raise
    return True


def send_due_emails(now: datetime | None = None) -> Outcome:
    now = now or timezone.now()
    outcome = Outcome()
    due = [
        (ReminderSent.Kind.REMINDER, visits_due_a_reminder(now)),
        (ReminderSent.Kind.AFTERCARE, visits_due_aftercare(now)),
    ]
    for kind, visits in due:
        for visit in visits:
            try:
                sent = send_visit_email(visit, kind)
            except (OperationalError, InterfaceError):
                raise  # the database does not answer: the run stops (send_reminders says so)
            except Exception:  # one bad address or a mail server hiccup must not stop the rest
                logger.exception("Could not send the %s email for visit %s", kind, visit.pk)
                outcome.failed += 1
                continue
            if sent and kind == ReminderSent.Kind.REMINDER:
                outcome.reminders += 1
            elif sent:
                outcome.aftercare += 1
    return outcome

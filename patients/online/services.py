"""Signing a patient in by a link sent to their email, without a password.

The link carries a random secret; only its hash is kept (patients.models.SignInLink), with when
it expires and when it was used. That record makes the link single-use and lets the page say
plainly why a link no longer works. A link changed by hand matches no record at all.
"""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.models import Patient, SignInLink
from patients.online import access

LINK_LIFETIME = timedelta(minutes=15)
# At most this many links go to one patient's record in a day, whatever the address asks.
LINKS_PER_PATIENT_PER_DAY = 10
# Signing in again from these would go round in a circle.
SIGN_IN_PAGES = ("/patients/online/link", "/patients/online/sign-out")
NOT_OURS = gettext_lazy("This link is not one we sent. Copy the whole link from the email.")


class LinkError(Exception):
    """Why a sign-in link cannot be used, in words for the patient; 404 for a link we never
    sent, 400 for one that was ours."""

    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.status = status


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_link(patient: Patient) -> str:
    """A new link's secret, kept as a hash."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    SignInLink.objects.create(
        patient=patient, token_hash=hash_of(token), created_at=now, expires_at=now + LINK_LIFETIME
    )
    return token


def page_after_sign_in(asked: str | None) -> str:
    """Where a link leads once it signs the patient in: the patient page they were sent to
    sign in from (a home plan linked from an email), else their visits. Only the patient's own
    pages on this site: never another site, a staff page or the sign-in pages themselves."""
    visits = reverse("patients:online-visits")
    if not asked or len(asked) > 300 or not url_has_allowed_host_and_scheme(asked, None):
        return visits
    path = urlsplit(asked).path
    if not path.startswith("/patients/online/") or path.startswith(SIGN_IN_PAGES):
        return visits
    return asked


def send_links(email: str, next_page: str = "") -> list[Patient]:
    """Email a sign-in link for each record this address may sign in to; none if there is
    none. Returns the patients a link went to (the page says the same either way). The link
    leads to `next_page` once signed in, when it is one of the patient's pages."""
    then = page_after_sign_in(next_page)
    query = "" if then == reverse("patients:online-visits") else "?" + urlencode({"next": then})
    sent = []
    day_ago = timezone.now() - timedelta(days=1)
    for patient in access.records_for(email)[:5]:
        if patient.sign_in_links.sent_since(day_ago).count() >= LINKS_PER_PATIENT_PER_DAY:
            continue
        token = make_link(patient)
        url = settings.SITE_URL.rstrip("/") + reverse("patients:online-link", args=[token]) + query
        context = {"patient": patient, "url": url, "minutes": 15,
                   "clinic": settings.CLINIC_NAME, "phone": settings.CLINIC_PHONE}  # fmt: skip
        with translation.override(patient.preferred_language):
            subject = _("Your sign-in link for %(clinic)s") % {"clinic": settings.CLINIC_NAME}
            body = render_to_string("patients/online/link_email.txt", context)
        send_mail(subject, body, None, [patient.email])
        sent.append(patient)
    return sent


def valid_link(token: str, *, lock: bool = False) -> SignInLink:
    """The link this token opens, still usable; LinkError says why not."""
    links = SignInLink.objects.select_related("patient")
    link = (links.select_for_update() if lock else links).filter(token_hash=hash_of(token)).first()
    if link is None:
        raise LinkError(NOT_OURS, status=404)
    if link.used_at is not None:
        raise LinkError(_("This link has been used already. Each link works once."))
    if link.expires_at <= timezone.now():
        raise LinkError(_("This link has expired: links work for 15 minutes."))
    if not access.may_sign_in(link.patient):
        raise LinkError(_("Online access is not turned on for you. Please call the clinic."))
    return link


@transaction.atomic
def use_link(token: str) -> Patient:
    """The patient the link signs in, marking it used (locked, so two presses at once cannot
    both use it); LinkError says why it cannot."""
    link = valid_link(token, lock=True)
    # Marked used only if still unused: SQLite has no row locks, and this holds there too.
    if not SignInLink.objects.filter(pk=link.pk, used_at=None).update(used_at=timezone.now()):
        raise LinkError(_("This link has been used already. Each link works once."))
    return link.patient

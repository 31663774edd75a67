"""A signed link to one visit, sent in the reminder and aftercare emails: it opens that visit
(to see it, take it to a calendar, or cancel it) without signing in.

The link holds the visit, its patient and the time it was booked for, signed with the site's
secret key: nothing is stored, and a link changed by hand fails its signature. It works while
the visit is booked and has not started. Moving the visit gives it a new time, so a link to the
old time stops working: the email it came in no longer tells the truth.
"""

import re
from datetime import UTC, datetime

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.online import access
from treatments.ical import absolute_url
from treatments.models import Visit

SALT = "patients.online.visit-link"
# What signing.dumps() makes of three numbers, with room to spare; anything else is not
# unsigned at all (a hostile or huge token costs nothing).
TOKEN = re.compile(r"[A-Za-z0-9_:-]{20,200}")
NOT_OURS = gettext_lazy("This link is not one we sent. Copy the whole link from the email.")


class VisitLinkError(Exception):
    """Why a visit link cannot be used, in words for the patient; 404 for a link we never
    sent, 400 for one of ours that no longer works."""

    def __init__(self, message, status: int = 400, visit: Visit | None = None):
        super().__init__(str(message))
        self.status = status
        self.visit = visit


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def make_token(visit: Visit) -> str:
    return signing.dumps([visit.pk, visit.patient_id, _seconds(visit.starts_at)], salt=SALT)


def link_for(visit: Visit) -> str | None:
    """The link to put in an email, or None when the patient has no online access (the
    email then says to call, as it always did)."""
    if not access.may_sign_in(visit.patient):
        return None
    return absolute_url(reverse("patients:online-visit-link", args=[make_token(visit)]))


def _signed(token: str) -> tuple[int, int, int]:
    if not TOKEN.fullmatch(token):
        raise VisitLinkError(NOT_OURS, status=404)
    try:
        visit_pk, patient_pk, seconds = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise VisitLinkError(NOT_OURS, status=404) from None
    if not all(type(number) is int for number in (visit_pk, patient_pk, seconds)):
        raise VisitLinkError(NOT_OURS, status=404)
    return visit_pk, patient_pk, seconds


def signed_visit(token: str) -> tuple[Visit, int]:
    """The visit this link was made for, whatever became of it since, and the time (in
    seconds) it was booked for then; VisitLinkError (404) if the link is not ours."""
    visit_pk, patient_pk, seconds = _signed(token)
    visit = (
        Visit.objects.select_related("patient", "physiotherapist", "location", "visit_type")
        .filter(pk=visit_pk, patient_id=patient_pk)
        .first()
    )
    if visit is None:
        raise VisitLinkError(NOT_OURS, status=404)
    return visit, seconds


def visit_for(token: str) -> Visit:
    """The visit this link opens, still open to the patient; VisitLinkError says why not.
    Comes with its patient, physiotherapist, location and visit type."""
    visit, seconds = signed_visit(token)
    if visit.status == Visit.Status.CANCELLED:
        raise VisitLinkError(
            _("This visit is cancelled, so this link no longer works."), visit=visit
        )
    if _seconds(visit.starts_at) != seconds:
        booked_for = timezone.localtime(datetime.fromtimestamp(seconds, tz=UTC))
        raise VisitLinkError(
            _(
                "This link was for your visit on %(day)s at %(time)s. That visit has been "
                "moved since, so this link no longer works."
            )
            % {"day": date_format(booked_for, "l j F"), "time": date_format(booked_for, "H:i")},
            visit=visit,
        )
    if visit.status != Visit.Status.BOOKED or visit.checked_in_at or not visit.has_not_started:
        raise VisitLinkError(
            _("This link has expired: it works until the visit starts."), visit=visit
        )
    if not access.may_sign_in(visit.patient):
        raise VisitLinkError(
            _("Online access is not turned on for you. Please call the clinic."), visit=visit
        )
    return visit

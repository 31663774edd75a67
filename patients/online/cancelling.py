"""A patient cancelling one of their own visits online, up to the clinic's notice.

The rule lives here so the page, and any later way in (a signed link in the reminder email),
ask the same question. The cancelling itself goes through the booking service, so a late
cancellation is recorded exactly as the front desk's are.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.models import Patient
from treatments.booking.services import cancel_visit
from treatments.models import ClinicSettings, Visit

# Kept on the visit for staff, in the clinic's working language whatever the patient's.
REASON = "Cancelled online by the patient"
REASON_MAX_LENGTH = 200


class CancelError(Exception):
    """Why this visit cannot be cancelled online, in words for the patient."""


def clinic_phone(visit: Visit | None) -> str:
    return (visit.location.phone if visit and visit.location_id else "") or settings.CLINIC_PHONE


def why_not_cancellable(visit: Visit, *, notice_hours: int) -> str | None:
    """None if the patient may cancel this visit online now; otherwise why not."""
    return why_not_changeable(visit, notice_hours=notice_hours, moving=False)


def why_not_changeable(visit: Visit, *, notice_hours: int, moving: bool) -> str | None:
    """None if the patient may cancel (or move) this visit online now; otherwise why not.
    Cancelling and moving keep the same notice (ClinicSettings.online_cancellation_notice_hours)."""
    if visit.status == Visit.Status.CANCELLED:
        return _("This visit is already cancelled.")
    if visit.status != Visit.Status.BOOKED or visit.checked_in_at or not visit.has_not_started:
        if moving:
            return _("This visit has started or is over, so it cannot be moved.")
        return _("This visit has started or is over, so it cannot be cancelled.")
    if visit.starts_at - timezone.now() < timedelta(hours=notice_hours):
        if moving:
            away = ngettext(
                "This visit is less than %(hours)s hour away, so it cannot be moved online.",
                "This visit is less than %(hours)s hours away, so it cannot be moved online.",
                notice_hours,
            ) % {"hours": notice_hours}
        else:
            away = ngettext(
                "This visit is less than %(hours)s hour away, so it cannot be cancelled online.",
                "This visit is less than %(hours)s hours away, so it cannot be cancelled online.",
                notice_hours,
            ) % {"hours": notice_hours}
        return away + " " + please_call(visit)
    return None


def please_call(visit: Visit | None = None) -> str:
    phone = clinic_phone(visit) if visit is not None else settings.CLINIC_PHONE
    if phone:
        return _("Please call us at %(phone)s.") % {"phone": phone}
    return _("Please call the clinic.")


def cancel_online(*, patient: Patient, visit: Visit, reason_given: str = "") -> Visit:
    """Cancel the patient's own visit if the clinic's notice allows; CancelError says why not."""
    if visit.patient_id != patient.pk:
        raise CancelError(_("This is not one of your visits."))
    reason_given = " ".join(reason_given.split())[:REASON_MAX_LENGTH]
    refusal = why_not_cancellable(
        visit, notice_hours=ClinicSettings.load().online_cancellation_notice_hours
    )
    if refusal:
        raise CancelError(refusal)
    try:
        return cancel_visit(visit, reason=f"{REASON}: {reason_given}" if reason_given else REASON)
    except ValidationError:  # changed by the front desk since the page was opened
        raise CancelError(
            _("This visit was changed in the meantime. Please look at it again.")
        ) from None

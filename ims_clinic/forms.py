import math
import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import verify_token

from ims_clinic.models import AuditEntry
from patients.models import Patient

User = get_user_model()

USERNAME_MAX_LENGTH = 150
WRONG_CODE = _("That code did not match. Codes change every 30 seconds; try the newest one.")


class StaffAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing an over-long username before anything looks it up.

    AuthenticationForm sets the field's max_length after the field is built, so the length is
    never checked; an over-long name would reach the sign-in throttle's records (255 characters)
    and fail there.
    """

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if len(username) > USERNAME_MAX_LENGTH:
            raise ValidationError(
                _("Usernames have at most %(count)d characters.") % {"count": USERNAME_MAX_LENGTH}
            )
        return username


# The entries are filtered from the start of the first day to the start of the day after the
# last, in the clinic's time zone: both must be moments Python and the databases hold, in UTC
# too. The first and last days Python knows are out.
FILTER_DATE_RANGE = [
    MinValueValidator(date.min + timedelta(days=1)),
    MaxValueValidator(date.max - timedelta(days=1)),
]


class AuditFilterForm(forms.Form):
    """The audit trail's filters: a patient (by name, phone or birth date), a staff user, dates."""

    patient = forms.CharField(
        label=_("Patient"), required=False, max_length=100,
        help_text=_("Name, phone number or date of birth (YYYY-MM-DD)."),
    )  # fmt: skip
    user = forms.ModelChoiceField(
        label=_("Staff user"), required=False, empty_label=_("Anyone"),
        queryset=User.objects.filter(Q(groups__isnull=False) | Q(is_superuser=True))
        .distinct().order_by("username"),
    )  # fmt: skip
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *AuditEntry.Action.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, validators=FILTER_DATE_RANGE,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=_("To"), required=False, validators=FILTER_DATE_RANGE,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The “from” date must be on or before the “to” date."))
        return cleaned

    def entries(self):
        """The entries that match, newest first, with the names the list shows."""
        entries = AuditEntry.objects.select_related("patient")
        data = self.cleaned_data
        if data["patient"]:
            entries = entries.filter(patient__in=Patient.objects.search(data["patient"]))
        if data["user"]:
            entries = entries.filter(user=data["user"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        # The clinic's days, not UTC days: "today" means today where the clinic is.
        if data["date_from"]:
            entries = entries.filter(at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        return entries


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class TwoStepCodeForm(forms.Form):
    """The 6-digit code from the user's authenticator app, checked against their device.

    Spaces are allowed (some apps show them). Wrong codes are throttled by django-otp: each one
    doubles the wait before the next try (1, 2, 4, 8... seconds), so guessing is hopeless.
    """

    code = forms.CharField(
        label=_("6-digit code"),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, user, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.device = user, device
        self.verified_device, self.throttled = None, False

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not re.fullmatch(r"[0-9]{6}", code):
            raise ValidationError(WRONG_CODE)
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            self.throttled = True
            wait = (details["locked_until"] - timezone.now()).total_seconds()
            raise ValidationError(
                _("Too many wrong codes. Wait %(wait)s, then try the newest code.")
                % {"wait": how_long(wait)}
            )
        # django-otp locks the device row while it checks, so a code works only once.
        self.verified_device = verify_token(self.user, self.device.persistent_id, code)
        if self.verified_device is None:
            raise ValidationError(WRONG_CODE)
        return code


def how_long(seconds: float) -> str:
    seconds = max(math.ceil(seconds), 1)
    if seconds < 120:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}

from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ims_clinic.models import AuditEntry
from patients.models import Patient

User = get_user_model()

USERNAME_MAX_LENGTH = 150


class StaffAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing an over-long username before anything looks it up.

    AuthenticationForm sets the field's max_length after the field is built, so the length is
    never checked; an over-long name would reach the sign-in throttle's records (255 characters)
    and fail there.
    """

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if len(username) > USERNAME_MAX_LENGTH:
            raise ValidationError(f"Usernames have at most {USERNAME_MAX_LENGTH} characters.")
        return username


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
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=_("To"), required=False,
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

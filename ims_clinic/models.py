"""The audit trail: who saw or changed which record, signed in or was turned away, and when."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# The username kept for a change made with no one signed in; stored in English, like any
# username, and shown in the reader's language (AuditEntry.shown_username).
NO_USER = gettext_noop("(no signed-in user: a command or the shell)")


class AuditEntryQuerySet(models.QuerySet):
    """Entries are written once and never changed or removed, not even in bulk."""

    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only: entries cannot be changed.")

    def delete(self):
        raise TypeError("The audit trail is append-only: entries cannot be deleted.")

    def for_patient(self, patient_pk: int):
        return self.filter(patient_id=patient_pk)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        EXPORTED = "exported", _("Exported")
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")
        SIGNED_IN = "signed_in", _("Signed in")
        SIGNED_OUT = "signed_out", _("Signed out")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        REFUSED = "refused", _("Refused access")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # PROTECT: an audited account is deactivated, never deleted, so its entries keep a name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("staff user"),
    )  # fmt: skip
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    record_type = models.CharField(_("record type"), max_length=40, blank=True)
    record_id = models.CharField(_("record id"), max_length=40, blank=True)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("patient"),
    )  # fmt: skip
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["patient", "at"], name="audit_patient_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]
        triggers = [
            # The database itself refuses to change or remove an entry, whatever the code does.
            pgtrigger.Protect(
                name="audit_entry_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("The audit trail is append-only: entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only: entries cannot be deleted.")

    @property
    def shown_username(self) -> str:
        return gettext(NO_USER) if self.username == NO_USER else self.username

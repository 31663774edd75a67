"""The clinic admin's side of outcome measures: how often to re-assess, which questionnaires
are offered, and the licensed text of those whose text the project may not ship."""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from treatments.admin import ClinicAdminOnly
from treatments.models import ClinicSettings, Instrument
from treatments.outcomes.instruments import check_licensed_text

MAX_TEXT_FILE = 512 * 1024


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(ClinicAdminOnly, admin.ModelAdmin):
    """One row of settings: the list opens it straight away."""

    fieldsets = [
        (_("Questionnaires"), {"fields": ["reassess_every"]}),
        (
            _("Patients online"),
            {
                "fields": [
                    "online_cancellation_notice_hours",
                    "online_booking",
                    "online_booking_notice_hours",
                    "online_booking_weeks_ahead",
                    "online_booking_most_upcoming",
                    "new_patients_book_directly",
                ],
                "description": _(
                    "Which visit types and physiotherapists patients may book online is set on "
                    "each visit type and each physiotherapist's profile."
                ),
            },
        ),
    ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        settings, _created = ClinicSettings.objects.get_or_create(pk=1)
        return redirect(reverse("admin:treatments_clinicsettings_change", args=[settings.pk]))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class InstrumentForm(forms.ModelForm):
    text_file = forms.FileField(
        label=_("Licensed text (JSON file)"),
        required=False,
        help_text=_("For a questionnaire whose text the project may not ship: the item texts "
                    "your clinic's licence gives you, as a JSON file of the instrument's items."),
    )  # fmt: skip

    class Meta:
        model = Instrument
        fields = ["is_active"]

    def clean_text_file(self):
        upload = self.cleaned_data.get("text_file")
        if not upload:
            return None
        if upload.size > MAX_TEXT_FILE:
            raise ValidationError(_("The file is too large: a questionnaire's text is a few "
                                    "kilobytes."))  # fmt: skip
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ValidationError(_("The file is not JSON text.")) from None
        return check_licensed_text(self.instance.definition, data)

    def save(self, commit=True):
        text = self.cleaned_data.get("text_file")
        if text:
            self.instance.licensed_text = text
        return super().save(commit)


@admin.register(Instrument)
class InstrumentAdmin(ClinicAdminOnly, admin.ModelAdmin):
    """Questionnaires come from the project's files; the clinic chooses which it offers and
    loads licensed text. They are never added or deleted here."""

    form = InstrumentForm
    list_display = ["title", "code", "is_active", "text_shipped", "text_loaded"]
    readonly_fields = ["title", "code", "source", "licence"]
    fields = ["title", "code", "source", "licence", "is_active", "text_file"]

    @admin.display(boolean=True, description=_("text in the project"))
    def text_shipped(self, instrument) -> bool:
        return bool(instrument.definition.get("text_included"))

    @admin.display(boolean=True, description=_("licensed text loaded"))
    def text_loaded(self, instrument) -> bool:
        return instrument.licensed_text is not None

    @admin.display(description=_("source"))
    def source(self, instrument) -> str:
        return instrument.definition.get("source", "")

    @admin.display(description=_("licence"))
    def licence(self, instrument) -> str:
        licence = instrument.definition.get("licence") or {}
        return format_html("{} <a href=\"{}\">{}</a>", licence.get("text", ""),
                           licence.get("url", ""), licence.get("url", ""))  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

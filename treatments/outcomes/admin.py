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

from ims_clinic.languages import TRANSLATION_LANGUAGES
from treatments.admin import ClinicAdminOnly
from treatments.models import ClinicSettings, Instrument
from treatments.outcomes.instruments import check_licensed_text, check_translation

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
    """The licensed English text, and a validated translation in one language at a time."""

    text_file = forms.FileField(
        label=_("Licensed text (JSON file)"),
        required=False,
        help_text=_("For a questionnaire whose text the project may not ship: the item texts "
                    "your clinic's licence gives you, as a JSON file of the instrument's items."),
    )  # fmt: skip

    translation_language = forms.ChoiceField(
        label=_("Translation: language"),
        required=False,
        choices=[("", "---------"), *TRANSLATION_LANGUAGES],
        help_text=_("Patients reading this language get the questionnaire in it; without a "
                    "translation they get it in English, with a note."),
    )  # fmt: skip
    translation_file = forms.FileField(
        label=_("Translation: text (JSON file)"),
        required=False,
        help_text=_("The items of a validated translation, as a JSON file shaped like the "
                    "licensed text, with its \"title\" if it has one."),
    )  # fmt: skip
    translation_source = forms.CharField(
        label=_("Translation: source and licence"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who validated this translation (a reference) and what lets the clinic use "
                    "it."),
    )  # fmt: skip

    class Meta:
        model = Instrument
        fields = ["is_active"]

    def clean_text_file(self):
        data = read_json(self.cleaned_data.get("text_file"))
        return None if data is None else check_licensed_text(self.instance.definition, data)

    def clean(self):
        cleaned = super().clean()
        data = read_json(cleaned.get("translation_file"), self, "translation_file")
        language, source = cleaned.get("translation_language"), cleaned.get("translation_source")
        if data is None:
            return cleaned
        if not language:
            self.add_error("translation_language", _("Choose the translation's language."))
        if not (source or "").strip():
            message = _("Name the validated translation and the licence that lets you use it.")
            self.add_error("translation_source", message)
        if language and (source or "").strip():
            try:
                cleaned["translation"] = check_translation(self.instance.definition, data, source)
            except ValidationError as error:
                self.add_error("translation_file", error)
        return cleaned

    def save(self, commit=True):
        text = self.cleaned_data.get("text_file")
        if text:
            self.instance.licensed_text = text
        translation = self.cleaned_data.get("translation")
        if translation:
            language = self.cleaned_data["translation_language"]
            self.instance.translations = {**self.instance.translations, language: translation}
        return super().save(commit)


def read_json(upload, form=None, field=None):
    """The JSON an uploaded file holds; None when nothing was uploaded. A bad file is refused,
    on `field` of `form` when given (from clean()), else raised (from clean_<field>())."""
    if not upload:
        return None
    try:
        if upload.size > MAX_TEXT_FILE:
            raise ValidationError(_("The file is too large: a questionnaire's text is a few "
                                    "kilobytes."))  # fmt: skip
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ValidationError(_("The file is not JSON text.")) from None
    except ValidationError as error:
        if form is None:
            raise
        form.add_error(field, error)
        return None


@admin.register(Instrument)
class InstrumentAdmin(ClinicAdminOnly, admin.ModelAdmin):
    """Questionnaires come from the project's files; the clinic chooses which it offers and
    loads licensed text. They are never added or deleted here."""

    form = InstrumentForm
    list_display = ["title", "code", "is_active", "text_shipped", "text_loaded", "languages"]
    readonly_fields = ["title", "code", "source", "licence", "languages"]
    fields = ["title", "code", "source", "licence", "is_active", "text_file", "languages",
              "translation_language", "translation_file", "translation_source"]  # fmt: skip

    @admin.display(description=_("validated translations"))
    def languages(self, instrument) -> str:
        names = dict(TRANSLATION_LANGUAGES)
        return ", ".join(names.get(code, code) for code in sorted(instrument.translations)) or "-"

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

"""The admin keeps the app's rules: no deletes, clinical records for physiotherapists only."""

from csp.constants import UNSAFE_HASHES
from csp.decorators import csp_update
from django.contrib import admin, messages
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from ims_clinic import audit
from patients.forms import ExplainedTopicsField
from patients.models import Consent, Patient, Precaution, Screening
from patients.roles import is_physiotherapist

# django-simple-history's history page carries one style attribute, style="border-top: 0" on
# its paginator, which the Content Security Policy would refuse. Rather than keep a copy of its
# template, that page alone allows that one attribute, named by its hash: any other style
# attribute is still refused. Django's own admin pages need nothing: they have no inline
# script, and their one <style> (on a change list with actions neither above nor below it)
# is never used here.
HISTORY_PAGE_STYLE = {
    "style-src-attr": [UNSAFE_HASHES, "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"]
}


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Health records are never deleted: a patient is archived, a visit cancelled."""

    @method_decorator(csp_update(HISTORY_PAGE_STYLE))
    def history_view(self, request, object_id, extra_context=None):
        if not hasattr(self.opts, "simple_history_manager_attribute"):
            # A record kept without a history of its own (a reminder sent): the admin's log.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ClinicalAdmin(NoDeleteAdmin):
    """Clinical content: only physiotherapists may see it, whatever permissions say."""

    def has_module_permission(self, request) -> bool:
        return is_physiotherapist(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_physiotherapist(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return is_physiotherapist(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_physiotherapist(request.user) and super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # A record opened in the admin is a look at the record like any other (saves are
        # recorded with their history).
        record = self.get_object(request, object_id) if response.status_code == 200 else None
        if request.method == "GET" and record is not None:
            audit.viewed(request, record, "in the admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        record = self.get_object(request, object_id) if response.status_code == 200 else None
        if record is not None:
            audit.viewed(request, record, "its history, in the admin")
        return response


@admin.register(Patient)
class PatientAdmin(ClinicalAdmin):
    list_display = [
        "legal_last_name",
        "legal_first_name",
        "preferred_name",
        "date_of_birth",
        "phone",
        "archived_at",
    ]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["legal_last_name", "legal_first_name", "preferred_name", "phone", "email"]
    readonly_fields = ["archived_at", "created_at", "updated_at"]
    actions = ["archive", "restore"]

    @admin.action(description=gettext_lazy("Archive the selected patients"))
    def archive(self, request, queryset):
        for patient in queryset.active():
            patient.archive()
        messages.success(
            request, gettext("Archived. Archived records are kept and can be restored.")
        )

    @admin.action(description=gettext_lazy("Restore the selected patients"))
    def restore(self, request, queryset):
        for patient in queryset.archived():
            patient.restore()
        messages.success(request, gettext("Restored."))


class PrecautionInline(admin.TabularInline):
    model = Precaution
    extra = 0

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Screening)
class ScreeningAdmin(ClinicalAdmin):
    list_display = ["patient", "screened_on", "signed_by"]
    list_select_related = ["patient", "signed_by"]
    inlines = [PrecautionInline]
    autocomplete_fields = ["patient"]
    readonly_fields = ["signed_by", "signed_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A signed screening is never edited: a new screening replaces it.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        obj.signed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Consent)
class ConsentAdmin(ClinicalAdmin):
    list_display = ["patient", "consented_on", "given_by", "obtained_by", "withdrawn_on"]
    list_select_related = ["patient", "obtained_by"]
    autocomplete_fields = ["patient"]
    readonly_fields = ["obtained_by"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The topics as checkboxes, not the JSON the model keeps them in.
        if db_field.name == "explained":
            return ExplainedTopicsField()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.obtained_by = request.user
        super().save_model(request, obj, form, change)

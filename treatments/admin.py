from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from patients.admin import ClinicalAdmin, NoDeleteAdmin
from patients.roles import CLINIC_ADMIN, has_role
from treatments.models import (
    AdverseEvent,
    Chart,
    ClinicHours,
    DayOff,
    NeedledSite,
    PhysiotherapistProfile,
    ReminderSent,
    TreatmentCourse,
    Visit,
    WorkingHours,
)
from treatments.scheduling import save_visit


@admin.register(PhysiotherapistProfile)
class PhysiotherapistProfileAdmin(NoDeleteAdmin):
    """Clinic admins keep each physiotherapist's registration and needling authorization."""

    list_display = [
        "__str__",
        "registration_number",
        "needling_authorized",
        "authorization_expires",
    ]
    list_select_related = ["user"]

    def has_module_permission(self, request) -> bool:
        return has_role(request.user, CLINIC_ADMIN) and super().has_module_permission(request)


@admin.register(TreatmentCourse)
class TreatmentCourseAdmin(ClinicalAdmin):
    list_display = [
        "patient",
        "region",
        "expected_length",
        "status",
        "started_on",
        "physiotherapist",
    ]
    list_filter = ["status", "expected_length"]
    list_select_related = ["patient", "physiotherapist"]
    autocomplete_fields = ["patient"]
    search_fields = ["patient__legal_last_name", "patient__legal_first_name", "region"]


@admin.register(Visit)
class VisitAdmin(ClinicalAdmin):
    list_display = ["patient", "date", "start_time", "physiotherapist", "status"]
    list_filter = ["status"]
    list_select_related = ["patient", "physiotherapist"]
    date_hierarchy = "date"
    autocomplete_fields = ["patient", "course"]
    readonly_fields = ["cancelled_at"]

    def save_model(self, request, obj, form, change) -> None:
        # The form has already run Visit.clean() (the weekly and overlap rules); save_visit
        # adds the transaction and the row locks. The admin may record a visit outside the
        # opening hours (an exception the clinic allowed); the booking pages may not.
        save_visit(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A save that loses a race (another visit for this patient or physiotherapist saved
        # at the same moment) is refused by save_visit after the form passed. The admin's
        # transaction has rolled back; say why and show the form again rather than a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(
                request, f"Nothing was saved: {' '.join(error.messages)}", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class NeedledSiteInline(ReadOnlyInline):
    model = NeedledSite


class AdverseEventInline(ReadOnlyInline):
    model = AdverseEvent


@admin.register(Chart)
class ChartAdmin(ClinicalAdmin):
    """Charts are read here; they are written in the app, where the needling rules are checked."""

    list_display = ["visit", "charted_by", "charted_at"]
    list_select_related = ["visit__patient", "charted_by"]
    inlines = [NeedledSiteInline, AdverseEventInline]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClinicHours)
class ClinicHoursAdmin(admin.ModelAdmin):
    """Clinic admins set when the clinic is open; a weekday without a row is closed."""

    list_display = ["__str__", "opens_at", "closes_at"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["physiotherapist", "weekday", "starts_at", "ends_at"]
    list_filter = ["physiotherapist", "weekday"]
    list_select_related = ["physiotherapist"]


@admin.register(DayOff)
class DayOffAdmin(admin.ModelAdmin):
    list_display = ["physiotherapist", "date", "reason"]
    list_filter = ["physiotherapist"]
    list_select_related = ["physiotherapist"]
    date_hierarchy = "date"


@admin.register(ReminderSent)
class ReminderSentAdmin(ClinicalAdmin):
    """What was emailed to whom: a record, never edited."""

    list_display = ["visit", "kind", "sent_at"]
    list_select_related = ["visit__patient"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

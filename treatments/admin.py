from django.contrib import admin

from patients.admin import ClinicalAdmin, NoDeleteAdmin
from patients.roles import CLINIC_ADMIN, has_role
from treatments.models import (
    AdverseEvent,
    NeedledSite,
    Practitioner,
    Session,
    SessionChart,
    TreatmentCourse,
)
from treatments.scheduling import save_session


@admin.register(Practitioner)
class PractitionerAdmin(NoDeleteAdmin):
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
    list_display = ["patient", "region", "expected_length", "status", "started_on", "practitioner"]
    list_filter = ["status", "expected_length"]
    list_select_related = ["patient", "practitioner"]
    autocomplete_fields = ["patient"]
    search_fields = ["patient__legal_last_name", "patient__legal_first_name", "region"]


@admin.register(Session)
class SessionAdmin(ClinicalAdmin):
    list_display = ["patient", "date", "start_time", "practitioner", "status"]
    list_filter = ["status"]
    list_select_related = ["patient", "practitioner"]
    date_hierarchy = "date"
    autocomplete_fields = ["patient", "course"]
    readonly_fields = ["cancelled_at"]

    def save_model(self, request, obj, form, change) -> None:
        # The form has already run Session.clean() (the weekly rule); save_session adds the
        # transaction and the clear message should another save win the race.
        save_session(obj)


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


@admin.register(SessionChart)
class SessionChartAdmin(ClinicalAdmin):
    """Charts are read here; they are written in the app, where the needling rules are checked."""

    list_display = ["session", "charted_by", "charted_at"]
    list_select_related = ["session__patient", "charted_by"]
    inlines = [NeedledSiteInline, AdverseEventInline]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

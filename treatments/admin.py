from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.admin import ClinicalAdmin, NoDeleteAdmin
from patients.roles import CLINIC_ADMIN, display_name, has_role
from treatments.booking import rules, services
from treatments.forms import add_service_errors
from treatments.models import (
    AdverseEvent,
    AppointmentRequest,
    Chart,
    ClinicHours,
    DayOff,
    Location,
    Muscle,
    NeedledSite,
    PhysiotherapistProfile,
    ReminderSent,
    TreatmentCourse,
    Visit,
    VisitType,
    WorkingHours,
)


class ClinicAdminOnly:
    """Settings of the clinic that its clinic admins keep."""

    def has_module_permission(self, request) -> bool:
        return has_role(request.user, CLINIC_ADMIN) and super().has_module_permission(request)


class AuthorizationExpiring(admin.SimpleListFilter):
    title = _("needling authorization")
    parameter_name = "authorization"

    def lookups(self, request, model_admin):
        return [("expiring", _("Expired or expiring within 30 days"))]

    def queryset(self, request, queryset):
        if self.value() == "expiring":
            return queryset.authorization_expiring(rules.AUTHORIZATION_NOTICE_DAYS)
        return queryset


@admin.register(PhysiotherapistProfile)
class PhysiotherapistProfileAdmin(ClinicAdminOnly, NoDeleteAdmin):
    """Clinic admins keep each physiotherapist's registration and needling authorization."""

    list_display = [
        "__str__",
        "registration_number",
        "needling_authorized",
        "authorization_expires",
        "bookable_online",
    ]
    list_editable = ["bookable_online"]
    list_filter = [AuthorizationExpiring, "bookable_online"]
    list_select_related = ["user"]


@admin.register(VisitType)
class VisitTypeAdmin(ClinicAdminOnly, admin.ModelAdmin):
    """The kinds of visit the clinic books. A type is retired (no longer offered), never
    deleted: the visits on the record keep it."""

    list_display = ["name", "length_minutes", "is_needling", "colour", "bookable_online",
                    "is_active", "position"]  # fmt: skip
    list_editable = ["bookable_online", "position"]
    list_filter = ["is_active", "is_needling", "bookable_online"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Muscle)
class MuscleAdmin(ClinicAdminOnly, admin.ModelAdmin):
    """The muscles offered when charting, with their spinal levels. A muscle is retired (no
    longer offered), never deleted: the charts that name it keep it."""

    list_display = ["name", "region", "nerve_supply", "has_sides", "is_paraspinal", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["name", "other_names"]

    @admin.display(description=_("nerve supply"))
    def nerve_supply(self, muscle: Muscle) -> str:
        return muscle.nerve_supply

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TreatmentCourse)
class TreatmentCourseAdmin(ClinicalAdmin):
    list_display = ["patient", "region", "expected_length", "status", "started_on",
                    "physiotherapist"]  # fmt: skip
    list_filter = ["status", "expected_length"]
    list_select_related = ["patient", "physiotherapist"]
    autocomplete_fields = ["patient"]
    search_fields = ["patient__legal_last_name", "patient__legal_first_name", "region"]


class VisitAdminForm(forms.ModelForm):
    """The admin writes visits through the booking services, like every other path: a new visit
    that is ahead is booked, one that has started is recorded with its outcome; a visit on file
    is moved by editing its time, and changes status only by a named change."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Visit.Status.choices,
        initial=Visit.Status.ATTENDED,
        required=False,
        help_text=_("For a visit that has started: what happened. A new visit ahead is booked."),
    )
    change = forms.ChoiceField(label=_("Change the status"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to cancel, or to undo attended or no-show."),
    )

    class Meta:
        model = Visit
        fields = ["patient", "course", "physiotherapist", "visit_type", "date", "start_time"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "physiotherapist" in self.fields:
            self.fields["physiotherapist"].label_from_instance = display_name
        if "change" in self.fields:
            changes = [c for c in self.instance.allowed_changes if c != Visit.Change.MOVE]
            labels = dict(Visit.Change.choices)
            self.fields["change"].choices = [("", _("No change"))] + [
                (change, labels[change]) for change in changes
            ]

    def _update_errors(self, errors: ValidationError) -> None:
        # A rule about a field the form does not show (the status of a visit on file that
        # breaks today's rules) is shown at the top of the form rather than failing.
        if hasattr(errors, "error_dict"):
            shown: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                shown.setdefault(field if field in self.fields else NON_FIELD_ERRORS, []).extend(
                    messages
                )
            errors = ValidationError(shown)
        super()._update_errors(errors)

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            self.instance = self._write()
        except ValidationError as error:
            add_service_errors(self, error)

    def _write(self) -> Visit:
        data = self.cleaned_data
        when = {"day": data["date"], "start_time": data["start_time"]}
        if self.instance.pk is None:
            booking = {key: data[key] for key in ("patient", "course", "physiotherapist",
                                                  "visit_type")}  # fmt: skip
            self.instance.set_times()
            if self.instance.starts_at > timezone.now():
                return services.book_visit(**booking, **when)
            return services.record_past_visit(
                **booking,
                **when,
                status=data["outcome"] or Visit.Status.ATTENDED,
                cancellation_reason=data["reason"],
            )
        visit = Visit.objects.get(pk=self.instance.pk)
        moved = {"date", "start_time", "physiotherapist", "visit_type"} & set(self.changed_data)
        if moved:
            visit = services.move_visit(
                visit,
                physiotherapist=data["physiotherapist"],
                visit_type=data["visit_type"],
                **when,
            )
        if data.get("change"):
            visit = services.CHANGES[data["change"]](visit, data["reason"])
        return visit


@admin.register(Visit)
class VisitAdmin(ClinicalAdmin):
    form = VisitAdminForm
    list_display = ["patient", "date", "start_time", "physiotherapist", "visit_type", "status"]
    list_filter = ["status", "visit_type"]
    list_select_related = ["patient", "physiotherapist", "visit_type"]
    date_hierarchy = "date"
    autocomplete_fields = ["patient", "course"]

    def get_fields(self, request, obj=None):
        booking = ["patient", "course", "physiotherapist", "visit_type", "date", "start_time"]
        if obj is None:
            return [*booking, "outcome", "reason"]
        return [*booking, "status", "cancellation_reason", "change", "reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["patient", "course", "status", "cancellation_reason"]

    def save_model(self, request, obj, form, change) -> None:
        """Saved already, by the booking service the form called (VisitAdminForm); what the
        rules warn about is said here, as the booking page says it."""
        for warning in rules.booking_warnings(obj):
            self.message_user(request, warning, messages.WARNING)

    def save_related(self, request, form, formsets, change) -> None:
        """A visit has no related rows to save here."""


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

    list_display = ["visit", "kind", "charted_by", "charted_at"]
    list_select_related = ["visit__patient", "charted_by"]
    inlines = [NeedledSiteInline, AdverseEventInline]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OpeningHoursInline(admin.TabularInline):
    """When the location is open; a weekday without a row is closed there."""

    model = ClinicHours
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    """Clinic admins keep the clinic's locations. A location is closed, never deleted: its
    visits stay on the record."""

    list_display = ["name", "phone", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["name", "address"]
    inlines = [OpeningHoursInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["physiotherapist", "weekday", "starts_at", "ends_at", "location"]
    list_filter = ["physiotherapist", "weekday", "location"]
    list_select_related = ["physiotherapist", "location"]


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


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(NoDeleteAdmin):
    """New patients' requests, for clinic admins to read: the front desk books or declines them
    on its own page (treatments/booking/requests/), and none is ever deleted."""

    list_display = ["__str__", "status", "created_at", "handled_at"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AppointmentRequest._meta.fields]

    def has_module_permission(self, request) -> bool:
        return has_role(request.user, CLINIC_ADMIN) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return has_role(request.user, CLINIC_ADMIN) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# The outcome measures' admin lives beside them.
import treatments.outcomes.admin  # noqa: E402, F401

import secrets
from datetime import date, datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DateField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Lower, Mod
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.history import ClinicalQuerySet, HistoryKeepingQuerySet
from patients.models import Consent, Patient, digits_only
from patients.roles import PHYSIOTHERAPIST, display_name
from treatments.constraints import (
    DateRange,
    PostgresExclusionConstraint,
    TimeOfDayRange,
    TimestampRange,
)
from treatments.outcomes.instruments import in_language

PAIN_SCALE = [MinValueValidator(0), MaxValueValidator(10)]
SPINAL_SEGMENTS = (
    [f"C{n}" for n in range(1, 9)]
    + [f"T{n}" for n in range(1, 13)]
    + [f"L{n}" for n in range(1, 6)]
    + ["S1", "S2"]
)
# The needle's effect lasts 7-10 days, so IMS is given at most once a week: two needling
# visits of one patient are at least this many calendar days apart.
NEEDLING_DAYS_APART = 7
LATE_CANCELLATION = timedelta(hours=24)
# Visit rules that are checked in Python rather than by asking the database: the first two by
# the booking rules (treatments/booking/rules.py), with a message that names the conflicting
# visit; the others by Visit.clean(), because asking costs a query and two savepoints each on
# every booking.
CHECKED_IN_STAYS = _(
    "The patient has checked in for this visit: it can no longer be cancelled or marked a no-show."
)
RULES_CHECKED_IN_PYTHON = {
    "visit_once_a_week",
    "visit_no_double_booking",
    "visit_duration_5_to_240_minutes",
    "visit_cancelled_with_reason_and_time",
    "visit_needling_in_a_course",
    "visit_checked_in_only_if_booked_or_attended",
}
# Who may be the physiotherapist of a course or a visit, or have working hours.
PHYSIOTHERAPISTS_ONLY = {"groups__name": PHYSIOTHERAPIST}
NOT_A_PHYSIOTHERAPIST = _("Choose a physiotherapist: only staff with that role see patients.")
NEEDLING_NEEDS_A_COURSE = _(
    "An IMS treatment is part of a course: choose the patient's course, or open one first."
)
OVERLAPPING_HOURS = _(
    "These hours overlap the physiotherapist's other hours on this weekday: they can be at one "
    "place at a time."
)
WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
            (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]  # fmt: skip


def pain_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 10})


def too_close_for_needling(day: date, other: date) -> bool:
    return abs((day - other).days) < NEEDLING_DAYS_APART


def needling_week_around(day: date) -> tuple[date, date]:
    """The first and last day on which a needling visit would be too close to one on `day`."""
    span = timedelta(days=NEEDLING_DAYS_APART - 1)
    return day - span, day + span


def physiotherapist_field(related_name: str, **kwargs) -> models.ForeignKey:
    """The person who treats: a staff member with the Physiotherapist role."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=kwargs.pop("on_delete", models.PROTECT),
        related_name=related_name,
        verbose_name=_("physiotherapist"),
        limit_choices_to=PHYSIOTHERAPISTS_ONLY,
        error_messages={"invalid": NOT_A_PHYSIOTHERAPIST},
        **kwargs,
    )


class PhysiotherapistProfileQuerySet(HistoryKeepingQuerySet):
    def authorization_expiring(self, within_days: int = 30):
        """Needling authorizations that expire in the next `within_days` days, or have expired,
        of staff still at the clinic; soonest first."""
        until = timezone.localdate() + timedelta(days=within_days)
        return (
            self.filter(needling_authorized=True, authorization_expires__lte=until)
            .filter(user__is_active=True)
            .select_related("user")
            .order_by("authorization_expires")
        )


class PhysiotherapistProfile(models.Model):
    """A physiotherapist's professional details, on their staff account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="physiotherapist_profile"
    )
    registration_number = models.CharField(_("registration number"), max_length=40)
    needling_authorized = models.BooleanField(
        _("authorized to needle"),
        default=False,
        help_text=_("Holds the college's needling authorization (acupuncture/dry needling)."),
    )
    authorization_expires = models.DateField(_("authorization expires"), null=True, blank=True)
    calendar_token = models.CharField(
        _("calendar feed key"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The secret part of the private calendar feed's address."),
    )
    bookable_online = models.BooleanField(
        _("patients may book with them online"),
        default=False,
        help_text=_("Used only while the clinic's online booking is on."),
    )

    history = HistoricalRecords(excluded_fields=["calendar_token"])
    objects = PhysiotherapistProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(needling_authorized=False) | Q(authorization_expires__isnull=False),
                name="profile_authorization_has_expiry",
                violation_error_message=_("Give the date the needling authorization expires."),
            ),
            models.UniqueConstraint(
                fields=["calendar_token"],
                condition=~Q(calendar_token=""),
                name="profile_calendar_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return display_name(self.user)

    def renew_calendar_token(self) -> str:
        """A new secret feed address; the old one stops working at once."""
        self.calendar_token = secrets.token_urlsafe(32)
        self.save(update_fields=["calendar_token"])
        return self.calendar_token

    def can_needle_on(self, day: date) -> bool:
        return (
            self.needling_authorized
            and self.authorization_expires is not None
            and (self.authorization_expires >= day)
        )


class TreatmentCourseQuerySet(ClinicalQuerySet):
    def active(self):
        return self.filter(status=TreatmentCourse.Status.ACTIVE)

    def for_physiotherapist(self, user):
        return self.filter(physiotherapist=user)


class TreatmentCourse(models.Model):
    class Length(models.TextChoices):
        SHORT = "short", _("Short: 2-3 IMS treatments")
        EXTENDED = "extended", _("Extended: 6-12 IMS treatments")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        DISCONTINUED = "discontinued", _("Discontinued")

    EXPECTED_VISITS = {Length.SHORT: (2, 3), Length.EXTENDED: (6, 12)}

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    physiotherapist = physiotherapist_field("courses")
    region = models.CharField(
        _("region or complaint"), max_length=120, help_text=_("For example: right low back.")
    )
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    expected_length = models.CharField(
        _("expected length"), max_length=10, choices=Length.choices, default=Length.SHORT
    )
    goals = models.TextField(_("goals"), help_text=_("What the patient wants to be able to do."))
    baseline_pain = models.PositiveSmallIntegerField(
        _("baseline pain (0-10)"), validators=PAIN_SCALE, help_text=_("NPRS at the start.")
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = TreatmentCourseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("treatment course")
        verbose_name_plural = _("treatment courses")
        indexes = [
            # The few active courses among years of finished ones (the due list).
            models.Index(
                fields=["patient"], condition=Q(status="active"), name="course_active_patient_idx"
            ),
            # The courses completed in a period (the clinic's results), not all years of them.
            models.Index(
                fields=["ended_on"],
                condition=Q(status="completed"),
                name="course_completed_ended_on_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=pain_in_range("baseline_pain"),
                name="course_baseline_pain_0_to_10",
                violation_error_message=_("Pain is scored from 0 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_on__isnull=True)
                | (~Q(status="active") & Q(ended_on__isnull=False)),
                name="course_end_date_when_ended",
                violation_error_message=_("A finished course has an end date; an active one none."),
            ),
            models.CheckConstraint(
                condition=~Q(status="discontinued") | ~Q(end_reason=""),
                name="course_discontinued_with_reason",
                violation_error_message=_("Give the reason the course was discontinued."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="course_ends_after_it_starts",
                violation_error_message=_("A course cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} ({self.get_expected_length_display()})"

    def get_absolute_url(self) -> str:
        return reverse("treatments:course-detail", args=[self.pk])

    def clean(self) -> None:
        if self.started_on and self.started_on > timezone.localdate() + timedelta(days=366):
            raise ValidationError({"started_on": _("Start the course within the next year.")})
        if self._state.adding and self.patient_id and self.patient.is_archived:
            raise ValidationError(_("This patient's record is archived. Restore it first."))
        if self.patient_id and self.started_on and self.started_on < self.patient.date_of_birth:
            raise ValidationError(
                {"started_on": _("A course cannot start before the patient's birth.")}
            )
        if self.pk and not self.is_active:
            booked = self.visits.booked().upcoming().count()
            if booked:
                raise ValidationError(
                    ngettext(
                        "The course still has %(count)d booked visit: cancel it to end the course.",
                        "The course still has %(count)d booked visits: cancel them to end the "
                        "course.",
                        booked,
                    ),
                    params={"count": booked},
                    code="booked_visits",
                )

    @property
    def expected_visits(self) -> tuple[int, int]:
        return self.EXPECTED_VISITS[self.expected_length]

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class LocationQuerySet(models.QuerySet):
    def open(self):
        """Locations still in use: a closed one keeps its visits and hours on the record."""
        return self.filter(is_open=True)

    def several(self) -> bool:
        """Whether the clinic has more than one open location: with one, the pages say
        nothing about locations."""
        return self.open().count() > 1


class Location(models.Model):
    """A place where the clinic sees patients, with its own address, phone and opening hours.

    A fresh install has one; with one, the pages say nothing about locations. Every visit is
    at a location: the one where its physiotherapist works at that time (WorkingHours).
    """

    name = models.CharField(
        _("name"), max_length=80, unique=True,
        error_messages={"unique": _("A location with this name exists.")},
    )  # fmt: skip
    address = models.TextField(
        _("address"), max_length=300, blank=True,
        help_text=_("As patients should read it in their reminders."),
    )  # fmt: skip
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_open = models.BooleanField(
        _("open"), default=True,
        help_text=_("Untick when the clinic stops seeing patients here; its records stay."),
    )  # fmt: skip

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="location_has_a_name",
                violation_error_message=_("A location needs a name."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        others_open = Location.objects.open().exclude(pk=self.pk)
        if not self.is_open and not others_open.exists():
            raise ValidationError(
                {"is_open": _("The clinic needs at least one open location.")}, code="last_open"
            )


def main_location_id() -> int | None:
    """The location a row is at unless told otherwise: the first open one made, which is a
    fresh install's only location (migration 0017 makes it)."""
    return Location.objects.open().order_by("pk").values_list("pk", flat=True).first()


class VisitType(models.Model):
    """A kind of visit the clinic books: an initial assessment, an IMS treatment, a follow-up.

    A visit copies the length and the needling flag of its type when it is booked, so editing a
    type later never rewrites the visits already on the record. Types are retired, never
    deleted.
    """

    class Colour(models.TextChoices):
        # Each is a CSS class in static/css/calendar.css, with text that keeps its contrast.
        BLUE = "blue", _("Blue")
        GREEN = "green", _("Green")
        PURPLE = "purple", _("Purple")
        ORANGE = "orange", _("Orange")
        TEAL = "teal", _("Teal")
        PINK = "pink", _("Pink")
        GREY = "grey", _("Grey")

    name = models.CharField(_("name"), max_length=60)
    length_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("From 5 to 240 minutes, in steps of 5."),
    )
    is_needling = models.BooleanField(
        _("needling visit"),
        default=False,
        help_text=_(
            "An IMS treatment: at most one a week per patient, in a course, and charted only "
            "after screening, with consent and a current needling authorization."
        ),
    )
    colour = models.CharField(
        _("colour on the calendar"), max_length=10, choices=Colour.choices, default=Colour.BLUE
    )
    bookable_online = models.BooleanField(_("patients may book it online"), default=False)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Only offered types can be booked.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first in lists.")
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="visit_type_name_unique",
                violation_error_message=_("There is a visit type with this name already."),
            ),
            models.CheckConstraint(
                condition=Q(length_minutes__gte=5, length_minutes__lte=240)
                & Exact(Mod("length_minutes", 5), 0),
                name="visit_type_length_5_to_240_in_fives",
                violation_error_message=_("A visit lasts from 5 to 240 minutes, in steps of 5."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VisitQuerySet(ClinicalQuerySet):
    def counting(self):
        """Visits that take place or will: booked or attended. They hold the physiotherapist's
        time, and a needling one counts for the weekly rule."""
        return self.filter(status__in=Visit.COUNTING)

    def needling(self):
        return self.filter(is_needling=True)

    def needling_near(self, day: date):
        """Needling visits too close to `day` for another needling visit."""
        return self.needling().filter(date__range=needling_week_around(day))

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now())

    def for_patient(self, patient):
        return self.filter(patient=patient)

    def on(self, day: date):
        return self.filter(date=day)

    def attended_not_charted(self):
        return self.filter(status=Visit.Status.ATTENDED, chart__isnull=True)

    def booked(self):
        return self.filter(status=Visit.Status.BOOKED)

    def for_physiotherapist(self, user):
        return self.filter(physiotherapist=user)

    def with_needled_site_count(self):
        """Each visit with `needled_site_count`: the sites on its chart (0 if uncharted)."""
        return self.annotate(needled_site_count=models.Count("chart__sites"))


class Visit(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        ATTENDED = "attended", _("Attended")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    class Change(models.TextChoices):
        MOVE = "move", _("Move")
        CANCEL = "cancel", _("Cancel")
        RESTORE = "restore", _("Restore")
        MARK_ATTENDED = "mark_attended", _("Mark attended")
        MARK_NO_SHOW = "mark_no_show", _("Mark no-show")
        UNDO_ATTENDED = "undo_attended", _("Undo attended")
        UNDO_NO_SHOW = "undo_no_show", _("Undo no-show")
        CHECK_IN = "check_in", _("Check in")

    # Each named change: the status it is allowed from, and the status it leads to. The only
    # code that changes a visit's status is treatments/booking/services.py, which keeps to it.
    TRANSITIONS: ClassVar[dict[str, tuple[str, str]]] = {
        Change.MOVE: (Status.BOOKED, Status.BOOKED),
        Change.CANCEL: (Status.BOOKED, Status.CANCELLED),
        Change.RESTORE: (Status.CANCELLED, Status.BOOKED),
        Change.MARK_ATTENDED: (Status.BOOKED, Status.ATTENDED),
        Change.MARK_NO_SHOW: (Status.BOOKED, Status.NO_SHOW),
        Change.UNDO_ATTENDED: (Status.ATTENDED, Status.BOOKED),
        Change.UNDO_NO_SHOW: (Status.NO_SHOW, Status.BOOKED),
        # The patient has arrived: the status stays booked until the visit is marked.
        Change.CHECK_IN: (Status.BOOKED, Status.BOOKED),
    }
    COUNTING = [Status.BOOKED, Status.ATTENDED]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits")
    course = models.ForeignKey(
        TreatmentCourse,
        on_delete=models.PROTECT,
        related_name="visits",
        null=True,
        blank=True,
        help_text=_("An IMS treatment is always in a course; an assessment may come before one."),
    )
    physiotherapist = physiotherapist_field("visits")
    visit_type = models.ForeignKey(
        VisitType, on_delete=models.PROTECT, related_name="visits", verbose_name=_("visit type")
    )
    # Where the physiotherapist works at that time: set by the booking services, never chosen.
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="visits", verbose_name=_("location"),
        editable=False,
    )  # fmt: skip
    # Copied from the type when booked: the weekly rule's constraint reads it from this row.
    is_needling = models.BooleanField(_("needling visit"), default=False, editable=False)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    # Filled from date, start time and duration in the clinic's time zone, for ordering and
    # the physiotherapist's calendar.
    starts_at = models.DateTimeField(editable=False, db_index=True)
    ends_at = models.DateTimeField(editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    # When the front desk saw the patient arrive (the day sheet); set by services.check_in.
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True, editable=False)
    # Booked by the patient online (or from a new patient's online request): the day sheet
    # marks it, and it counts towards the clinic's limit of visits a patient holds online.
    booked_online = models.BooleanField(_("booked online"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["patient", "date"], name="visit_patient_date_idx"),
            # A physiotherapist's week (the calendar) and day (the double-booking check).
            models.Index(fields=["physiotherapist", "date"], name="visit_physiotherapist_date_idx"),
            # Every physiotherapist's visits of a day or a month (the day sheet, the reports).
            models.Index(fields=["date"], name="visit_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=240),
                name="visit_duration_5_to_240_minutes",
                violation_error_message=_("A visit lasts from 5 to 240 minutes."),
            ),
            models.CheckConstraint(
                condition=(Q(status="cancelled", cancelled_at__isnull=False)
                           & ~Q(cancellation_reason=""))
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="visit_cancelled_with_reason_and_time",
                violation_error_message=_("A cancelled visit has the reason and the time it was "
                                          "cancelled; any other visit has neither."),
            ),
            models.CheckConstraint(
                condition=Q(is_needling=False) | Q(course__isnull=False),
                name="visit_needling_in_a_course",
                violation_error_message=NEEDLING_NEEDS_A_COURSE,
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status__in=["booked", "attended"]),
                name="visit_checked_in_only_if_booked_or_attended",
                violation_error_message=CHECKED_IN_STAYS,
            ),
            PostgresExclusionConstraint(
                name="visit_once_a_week",
                expressions=[
                    ("patient", RangeOperators.EQUAL),
                    (
                        DateRange(
                            "date",
                            ExpressionWrapper(
                                F("date") + Value(NEEDLING_DAYS_APART), output_field=DateField()
                            ),
                            Value("[)"),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(status__in=["booked", "attended"], is_needling=True),
                violation_error_message=_("IMS is given at most once a week: needling visits of "
                                          "one patient are at least 7 days apart."),
            ),
            PostgresExclusionConstraint(
                name="visit_no_double_booking",
                expressions=[
                    ("physiotherapist", RangeOperators.EQUAL),
                    (TimestampRange("starts_at", "ends_at", Value("[)")), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["booked", "attended"]),
                violation_error_message=_("This physiotherapist already has a visit then."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return gettext("%(patient)s on %(day)s at %(time)s") % {
            "patient": self.patient, "day": date_format(self.date, "D j M Y"),
            "time": f"{self.start_time:%H:%M}"}  # fmt: skip

    def save(self, *args, **kwargs) -> None:
        self.set_times()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("treatments:visit-detail", args=[self.pk])

    def get_constraints(self):
        # These rules are checked in Python (see RULES_CHECKED_IN_PYTHON); the database
        # constraints stay as the backstop for every other path, and for saves at one moment.
        return [
            (model, [c for c in constraints if c.name not in RULES_CHECKED_IN_PYTHON])
            for model, constraints in super().get_constraints()
        ]

    def clean(self) -> None:
        """The rules about this visit alone. The rules across visits (the weekly rule, no
        double booking, hours) are the booking rules' (treatments/booking/rules.py)."""
        errors = {}
        if self.course_id and self.patient_id and self.course.patient_id != self.patient_id:
            errors["course"] = _("This course belongs to another patient.")
        elif self.is_needling and not self.course_id:
            errors["course"] = NEEDLING_NEEDS_A_COURSE
        if self.date and self.patient_id and self.date < self.patient.date_of_birth:
            errors["date"] = _("The visit date is before the patient's date of birth.")
        if self.duration_minutes is not None and not 5 <= self.duration_minutes <= 240:
            errors["duration_minutes"] = _("A visit lasts from 5 to 240 minutes.")
        self.set_times()
        if self.status in (self.Status.ATTENDED, self.Status.NO_SHOW) and self.has_not_started:
            errors["status"] = _("A visit is marked attended or missed only once it has started.")
        if self.status == self.Status.CANCELLED and not self.cancellation_reason:
            errors["cancellation_reason"] = _("Give the reason the visit was cancelled.")
        if self.checked_in_at and self.status not in self.COUNTING:
            errors["status"] = CHECKED_IN_STAYS
        if (self.status == self.Status.CANCELLED) != (self.cancelled_at is not None):
            errors["status"] = _("A visit is cancelled by cancelling it, which records the time.")
        if errors:
            raise ValidationError(errors)

    def set_times(self) -> None:
        """Fill starts_at and ends_at from the date, start time and duration (clinic's zone)."""
        if self.date and self.start_time:
            self.starts_at = timezone.make_aware(datetime.combine(self.date, self.start_time))
            self.ends_at = self.starts_at + timedelta(minutes=self.duration_minutes or 0)

    @property
    def has_not_started(self) -> bool:
        return self.starts_at is not None and self.starts_at > timezone.now()

    @property
    def allowed_changes(self) -> list[str]:
        """The named changes this visit's status allows (Visit.TRANSITIONS)."""
        return [change for change, (was, _after) in self.TRANSITIONS.items() if was == self.status]

    @property
    def cancelling_now_is_late(self) -> bool:
        """Cancelling now would be a late cancellation: less than 24 hours before the start."""
        return self.starts_at - timezone.now() < LATE_CANCELLATION

    @property
    def is_late_cancellation(self) -> bool:
        """Cancelled less than 24 hours before it was due to start."""
        return bool(self.cancelled_at and self.starts_at - self.cancelled_at < LATE_CANCELLATION)

    @property
    def counts_for_weekly_rule(self) -> bool:
        return self.status in self.COUNTING

    @property
    def is_charted(self) -> bool:
        return hasattr(self, "chart")


class Chart(models.Model):
    """What happened at an attended visit, written fresh each time: only where the needles
    went may start from the last visit (charting.sites_to_start_from), never the responses,
    the pain or the note.

    A needling visit's chart records the needling (sites, response, pain before and after); any
    other visit gets a visit note: what the patient reports, the findings, the plan and a pain
    score (pain_before), with no needling details.
    """

    class Kind(models.TextChoices):
        NEEDLING = "needling", _("IMS treatment")
        NOTE = "note", _("Visit note")

    class Position(models.TextChoices):
        PRONE = "prone", _("Lying face down")
        SIDE_LYING = "side_lying", _("Lying on the side")
        SUPINE = "supine", _("Lying on the back")
        SITTING = "sitting", _("Sitting (fainting is likelier)")

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="chart")
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.NEEDLING, editable=False
    )
    consent_confirmed = models.BooleanField(
        _("consent confirmed this visit"),
        default=False,
        help_text=_("The patient (or their substitute) agreed to needling today."),
    )
    consent_confirmed_by = models.CharField(
        _("consent confirmed by"),
        max_length=20,
        choices=Consent.GivenBy.choices,
        default=Consent.GivenBy.PATIENT,
    )
    patient_position = models.CharField(
        _("patient position"), max_length=15, choices=Position.choices, blank=True
    )
    electrical_stimulation = models.BooleanField(_("electrical stimulation"), default=False)
    stimulation_hz = models.DecimalField(
        _("frequency (Hz)"), max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(200)],
    )  # fmt: skip
    stimulation_ma = models.DecimalField(
        _("intensity (mA)"), max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(50)],
    )  # fmt: skip
    stimulation_minutes = models.PositiveSmallIntegerField(
        _("stimulation (minutes)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )  # fmt: skip
    pain_before = models.PositiveSmallIntegerField(_("pain before (0-10)"), validators=PAIN_SCALE)
    pain_after = models.PositiveSmallIntegerField(
        _("pain after (0-10)"), validators=PAIN_SCALE, null=True, blank=True
    )
    retest_note = models.TextField(
        _("range of motion or re-test"), blank=True, help_text=_("What changed on re-testing.")
    )
    note = models.TextField(_("treatment note"), blank=True)
    reported = models.TextField(_("what the patient reports"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    plan = models.TextField(_("plan"), blank=True)
    home_plan = models.TextField(
        _("home plan for the patient"),
        blank=True,
        help_text=_("What the patient does until the next visit (exercises, heat or cold, "
                    "activity), in plain words: the patient reads it online."),
    )  # fmt: skip
    charted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("charted by"),
    )
    charted_at = models.DateTimeField(_("charted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # A signed chart is locked: it changes only by an amendment with a reason (charting.py).
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("signed by"),
    )  # fmt: skip
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=pain_in_range("pain_before") & pain_in_range("pain_after"),
                name="chart_pain_0_to_10",
                violation_error_message=_("Pain is scored from 0 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(kind="note") | Q(consent_confirmed=True),
                name="chart_consent_confirmed",
                violation_error_message=_("Confirm consent for this visit before needling."),
            ),
            models.CheckConstraint(
                condition=Q(kind="note")
                | (~Q(patient_position="") & Q(pain_after__isnull=False) & ~Q(note="")),
                name="chart_needling_details_complete",
                violation_error_message=_(
                    "An IMS treatment's chart gives the position, the pain after and a note."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="needling")
                | (
                    ~Q(reported="")
                    & ~Q(plan="")
                    & Q(
                        consent_confirmed=False,
                        patient_position="",
                        electrical_stimulation=False,
                        pain_after__isnull=True,
                    )
                ),
                name="chart_visit_note_complete",
                violation_error_message=_(
                    "A visit note says what the patient reports and the plan, with no needling."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    electrical_stimulation=True,
                    stimulation_hz__isnull=False,
                    stimulation_ma__isnull=False,
                    stimulation_minutes__isnull=False,
                )
                | Q(
                    electrical_stimulation=False,
                    stimulation_hz__isnull=True,
                    stimulation_ma__isnull=True,
                    stimulation_minutes__isnull=True,
                ),
                name="chart_stimulation_details_complete",
                violation_error_message=_(
                    "Give Hz, mA and minutes with electrical stimulation, and none without it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(signed_by__isnull=True, signed_at__isnull=True)
                | Q(signed_by__isnull=False, signed_at__isnull=False),
                name="chart_signed_by_someone_at_a_time",
                violation_error_message=_("A signed chart records who signed it and when."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Chart of %(visit)s") % {"visit": self.visit}

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


def segments_between(first: str, last: str) -> list[str]:
    """The spinal segments from first to last, both included, in the spine's order."""
    if first not in SPINAL_SEGMENTS or last not in SPINAL_SEGMENTS:
        return []
    return SPINAL_SEGMENTS[SPINAL_SEGMENTS.index(first) : SPINAL_SEGMENTS.index(last) + 1]


class MuscleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


def muscle_key(text: str) -> str:
    """A spelling reduced to letters and digits, lower case: "G. medius" and "g medius" meet."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class Muscle(models.Model):
    """A muscle IMS commonly needles, with its segmental nerve supply: the spinal levels whose
    paraspinal sites are needled with it, since IMS treats the segment as well as the painful
    spot. Loaded from treatments/muscles.json, which names its anatomy source; the clinic admin
    keeps the list. A muscle is retired, never deleted: charts keep it."""

    class Region(models.TextChoices):
        HEAD_NECK = "head_neck", _("Head and neck")
        SHOULDER_ARM = "shoulder_arm", _("Shoulder and arm")
        TRUNK = "trunk", _("Back and trunk")
        HIP_LEG = "hip_leg", _("Hip and leg")

    name = models.CharField(_("name"), max_length=80)
    other_names = models.CharField(
        _("other names"), max_length=300, blank=True,
        help_text=_("Other spellings, separated by commas, that mean this muscle only."),
    )  # fmt: skip
    region = models.CharField(_("region"), max_length=15, choices=Region.choices)
    has_sides = models.BooleanField(
        _("has a left and a right"), default=True,
        help_text=_("A site in this muscle is charted with its side."),
    )  # fmt: skip
    first_segment = models.CharField(
        _("first spinal level"), max_length=3, blank=True,
        choices=[(s, s) for s in SPINAL_SEGMENTS],
    )  # fmt: skip
    last_segment = models.CharField(
        _("last spinal level"), max_length=3, blank=True,
        choices=[(s, s) for s in SPINAL_SEGMENTS],
    )  # fmt: skip
    other_nerve = models.CharField(
        _("other nerve supply"), max_length=120, blank=True,
        help_text=_("A supply that is not a spinal level, such as the accessory nerve."),
    )  # fmt: skip
    is_paraspinal = models.BooleanField(
        _("needled beside the spine"), default=False,
        help_text=_("A paraspinal site at a muscle's level is charted in this muscle."),
    )  # fmt: skip
    source = models.CharField(_("anatomy source"), max_length=300)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Untick to retire it: charts keep it.")
    )

    objects = MuscleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="muscle_name_once",
                violation_error_message=_("This muscle is already on the list."),
            ),
            models.CheckConstraint(
                condition=Q(first_segment="", last_segment="")
                | (Q(first_segment__in=SPINAL_SEGMENTS) & Q(last_segment__in=SPINAL_SEGMENTS)),
                name="muscle_levels_first_and_last",
                violation_error_message=_(
                    "Give both the first and the last spinal level, or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.first_segment and self.last_segment and not self.levels:
            raise ValidationError(
                {"last_segment": _("The last spinal level comes after the first.")}
            )

    @property
    def levels(self) -> list[str]:
        return segments_between(self.first_segment, self.last_segment)

    @property
    def nerve_supply(self) -> str:
        levels = self.first_segment
        if self.last_segment != self.first_segment:
            levels = f"{self.first_segment}-{self.last_segment}"
        return ", ".join(part for part in (levels, self.other_nerve) if part)

    def spellings(self) -> set[str]:
        names = [self.name, *self.other_names.split(",")]
        return {muscle_key(name) for name in names} - {""}


# Beyond this, a chart is more likely a slip (a row pasted twice) than a visit.
MOST_SITES = 40


class NeedledSite(models.Model):
    """One needled site. The muscle is chosen from the clinic's list (listed_muscle, its name
    copied into muscle) or written freely for a muscle not on it; charts from before the list
    keep their free text until manage.py map_muscle_names finds a certain match."""

    class Side(models.TextChoices):
        LEFT = "left", _("Left")
        RIGHT = "right", _("Right")
        BOTH = "both", _("Both")

    class SiteType(models.TextChoices):
        PAIN_SITE = "pain_site", _("At the pain site")
        PARASPINAL = "paraspinal", _("Paraspinal")

    class Response(models.TextChoices):
        GRASP = "grasp", _("Grasp (cramp)")
        TWITCH = "twitch", _("Local twitch")
        NONE = "none", _("None")

    chart = models.ForeignKey(Chart, on_delete=models.CASCADE, related_name="sites")
    muscle = models.CharField(_("muscle"), max_length=80)
    listed_muscle = models.ForeignKey(
        Muscle, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("muscle on the list"),
    )  # fmt: skip
    side = models.CharField(_("side"), max_length=5, choices=Side.choices, blank=True)
    site_type = models.CharField(_("site"), max_length=10, choices=SiteType.choices)
    spinal_segment = models.CharField(
        _("spinal segment"), max_length=3, choices=[(s, s) for s in SPINAL_SEGMENTS],
        blank=True,
    )  # fmt: skip
    response = models.CharField(_("response"), max_length=6, choices=Response.choices)
    insertions = models.PositiveSmallIntegerField(
        _("insertions"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    over_thorax = models.BooleanField(_("over the thorax"), default=False)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spinal_segment__in=[*SPINAL_SEGMENTS, ""]),
                name="site_spinal_segment_exists",
                violation_error_message=_("Choose a spinal segment from C1 to S2."),
            ),
            models.CheckConstraint(
                condition=Q(site_type="pain_site") | ~Q(spinal_segment=""),
                name="site_paraspinal_has_a_level",
                violation_error_message=_("A paraspinal site is charted with its spinal level."),
            ),
            # Whether a listed muscle has sides is on its own row; clean() reads it.
            models.CheckConstraint(
                condition=~Q(side="") | Q(listed_muscle__isnull=False),
                name="site_side_given",
                violation_error_message=_("Choose the side of the needled site."),
            ),
            models.CheckConstraint(
                condition=Q(insertions__gte=1, insertions__lte=50),
                name="site_insertions_1_to_50",
                violation_error_message=_("Insertions are counted from 1 to 50."),
            ),
        ]

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.get_side_display(), self.spinal_segment) if part)
        return f"{self.muscle_display} ({where})" if where else self.muscle_display

    def clean(self) -> None:
        if self.side == "" and (self.listed_muscle is None or self.listed_muscle.has_sides):
            raise ValidationError(
                {
                    "side": _("Choose the side of %(muscle)s.")
                    % {"muscle": self.muscle or _("the muscle")}
                }
            )

    @property
    def muscle_display(self) -> str:
        """The muscle as reports show it: a name not on the list says so."""
        if self.listed_muscle_id is not None:
            return self.muscle
        return _("%(muscle)s (not on the muscle list)") % {"muscle": self.muscle}


class AdverseEvent(models.Model):
    """An adverse event at or after a visit (Physiotherapy Alberta's severity scale)."""

    class Kind(models.TextChoices):
        BRUISING = "bruising", _("Bruising")
        BLEEDING = "bleeding", _("Bleeding")
        PAIN_DURING = "pain_during", _("Pain during treatment")
        PAIN_AFTER = "pain_after", _("Pain after treatment")
        FLARE = "flare", _("Symptom flare")
        DROWSINESS = "drowsiness", _("Drowsiness")
        FATIGUE = "fatigue", _("Fatigue")
        FAINT = "faint", _("Feeling faint")
        NAUSEA = "nausea", _("Nausea")
        HEADACHE = "headache", _("Headache")
        EMOTIONAL = "emotional", _("Emotional release")
        SHAKINESS = "shakiness", _("Shakiness")
        NUMBNESS = "numbness", _("Numbness")
        NERVE = "nerve", _("Nerve irritation")
        STUCK_NEEDLE = "stuck_needle", _("Stuck or bent needle")
        BROKEN_NEEDLE = "broken_needle", _("Broken needle")
        INFECTION = "infection", _("Infection")
        PNEUMOTHORAX = "pneumothorax", _("Pneumothorax")

    class Severity(models.TextChoices):
        MILD = "mild", _("Mild")
        SIGNIFICANT = "significant", _("Significant")
        SERIOUS = "serious", _("Serious")

    chart = models.ForeignKey(Chart, on_delete=models.CASCADE, related_name="adverse_events")
    kind = models.CharField(_("adverse event"), max_length=15, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()})"


class ClinicHours(models.Model):
    """When a location is open on a weekday. A weekday without a row is closed there."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="opening_hours",
        verbose_name=_("location"), default=main_location_id,
    )  # fmt: skip
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["location", "weekday"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="clinic_closes_after_it_opens",
                violation_error_message=_("The clinic must close after it opens."),
            ),
            models.UniqueConstraint(
                fields=["location", "weekday"],
                name="opening_hours_once_per_weekday",
                violation_error_message=_("This location already has hours on this weekday."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class WorkingHours(models.Model):
    """When a physiotherapist works on a weekday, and where; several rows make a split day, or
    a day at two locations. A physiotherapist is at one place at a time, so the rows of one
    weekday never overlap, and a visit's time says its location."""

    physiotherapist = physiotherapist_field("working_hours", on_delete=models.CASCADE)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="working_hours",
        verbose_name=_("location"), default=main_location_id,
    )  # fmt: skip
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["physiotherapist", "weekday", "starts_at"]
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="working_hours_end_after_start",
                violation_error_message=_("Working hours must end after they start."),
            ),
            # Checked with its message by clean(); held here for every other path.
            PostgresExclusionConstraint(
                name="working_hours_one_place_at_a_time",
                expressions=[
                    ("physiotherapist", RangeOperators.EQUAL),
                    ("weekday", RangeOperators.EQUAL),
                    (TimeOfDayRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=OVERLAPPING_HOURS,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if None in (self.physiotherapist_id, self.weekday, self.starts_at, self.ends_at):
            return
        overlapping = WorkingHours.objects.filter(
            physiotherapist_id=self.physiotherapist_id,
            weekday=self.weekday,
            starts_at__lt=self.ends_at,
            ends_at__gt=self.starts_at,
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(OVERLAPPING_HOURS)

    def get_constraints(self):
        # The overlap is checked by clean() on every database (SQLite has no ranges).
        return [
            (model, [c for c in constraints if c.name != "working_hours_one_place_at_a_time"])
            for model, constraints in super().get_constraints()
        ]


class DayOff(models.Model):
    physiotherapist = physiotherapist_field("days_off", on_delete=models.CASCADE)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name_plural = _("days off")
        constraints = [
            models.UniqueConstraint(
                fields=["physiotherapist", "date"],
                name="day_off_once_per_date",
                violation_error_message=_("This day off is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(physiotherapist)s off on %(day)s") % {
            "physiotherapist": self.physiotherapist,
            "day": date_format(self.date, "j M Y"),
        }


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(resolved_at__isnull=True)


class WaitlistEntry(models.Model):
    """A patient who would like an earlier appointment if one comes free."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="waitlist_entries")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True,
                            help_text=_("For example: mornings only."))  # fmt: skip
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Where the patient would like to be seen; none when any location will do.
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("location"), help_text=_("Leave empty when any location will do."),
    )  # fmt: skip
    # The visit booked for the patient from the waitlist (a freed slot's "Book"), which took
    # them off it; none when they were taken off by hand.
    booked_visit = models.OneToOneField(
        Visit, on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="waitlist_entry", verbose_name=_("visit booked from the waitlist"),
    )  # fmt: skip

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["added_at"]
        verbose_name_plural = _("waitlist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(resolved_at__isnull=True),
                name="waitlist_patient_once",
                violation_error_message=_("This patient is already on the waitlist."),
            ),
            models.CheckConstraint(
                condition=Q(booked_visit__isnull=True) | Q(resolved_at__isnull=False),
                name="waitlist_booked_entry_resolved",
                violation_error_message=_("An entry booked from the waitlist is off it."),
            ),
        ]

    def __str__(self) -> str:
        since = date_format(timezone.localtime(self.added_at), "j M")
        return gettext("%(patient)s (waiting since %(since)s)") % {
            "patient": self.patient, "since": since}  # fmt: skip

    def clean(self) -> None:
        if self._state.adding and self.patient_id and self.patient.is_archived:
            raise ValidationError(_("This patient's record is archived. Restore it first."))


class AppointmentRequestQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=AppointmentRequest.Status.WAITING)


# What a new patient tells in a few words: it becomes their record's primary concern.
REQUEST_PROBLEM_LENGTH = 200
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


class AppointmentRequest(models.Model):
    """A new patient asking online for a first assessment, with the times that suit them.

    The front desk confirms it by booking the visit (with a record found or made for them)
    or declines it with a reason; either way it stays on file."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the front desk")
        BOOKED = "booked", _("Booked")
        DECLINED = "declined", _("Declined")

    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    date_of_birth = models.DateField(_("date of birth"))
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=30)
    problem = models.CharField(_("what brings them"), max_length=500)
    times_that_suit = models.CharField(_("times that suit them"), max_length=500)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("location"), help_text=_("Empty when any location will do."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        editable=False, related_name="+", verbose_name=_("handled by"),
    )  # fmt: skip
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="appointment_requests", verbose_name=_("patient"),
    )  # fmt: skip
    visit = models.OneToOneField(
        Visit, on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="appointment_request", verbose_name=_("visit booked"),
    )  # fmt: skip
    decline_reason = models.CharField(_("why declined"), max_length=300, blank=True)
    # The language the site was showing them: their emails, and their record if one is made.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE, editable=False,
    )  # fmt: skip

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting", handled_at__isnull=True)
                | (~Q(status="waiting") & Q(handled_at__isnull=False)),
                name="appointment_request_handled_when_not_waiting",
                violation_error_message=_("A request is handled once it is booked or declined."),
            ),
            models.CheckConstraint(
                condition=~Q(status="booked") | Q(visit__isnull=False, patient__isnull=False),
                name="appointment_request_booked_has_visit",
                violation_error_message=_("A booked request names its patient and visit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.created_at:%Y-%m-%d})"

    def clean(self) -> None:
        """What a person can get wrong in the form; the same rules as a patient's record."""
        errors = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        elif self.date_of_birth and self.date_of_birth < EARLIEST_BIRTH_DATE:
            errors["date_of_birth"] = _("The date of birth must be in 1900 or later.")
        if self.phone and len(digits_only(self.phone)) < 7:
            errors["phone"] = _("Enter a phone number with at least 7 digits.")
        if len(self.problem) > REQUEST_PROBLEM_LENGTH:
            errors["problem"] = _("Please keep this to %(count)d characters or fewer.") % {
                "count": REQUEST_PROBLEM_LENGTH
            }
        if errors:
            raise ValidationError(errors)


class ReminderSent(models.Model):
    """An email sent about a visit: one of each kind per visit and time, so a visit that
    is moved after its reminder went out is reminded again at its new time."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Appointment reminder")
        AFTERCARE = "aftercare", _("Aftercare")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="emails")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    for_starts_at = models.DateTimeField(_("for the visit at"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["sent_at"]
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "kind", "for_starts_at"],
                name="email_once_per_visit_kind_and_time",
                violation_error_message=_("This email was already sent."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s for %(visit)s") % {
            "kind": self.get_kind_display(),
            "visit": self.visit,
        }


class BookingSeriesQuerySet(models.QuerySet):
    def open_for(self, user):
        """The series this staff member booked and has not finished with, newest first."""
        return self.filter(booked_by=user, handled_at__isnull=True).order_by("-created_at")


class BookingSeries(models.Model):
    """What became of each week of a weekly series, kept for the staff member who booked it
    until they have dealt with the weeks that could not be booked as asked.

    `weeks` holds one entry per week: its number, the day and time asked for, the visit booked
    (its id) or the problem, and the time offered instead (an ISO date-time), if any.
    """

    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("booked by"),
    )  # fmt: skip
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(
        TreatmentCourse, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    physiotherapist = physiotherapist_field("+")
    visit_type = models.ForeignKey(
        VisitType, on_delete=models.PROTECT, related_name="+", verbose_name=_("visit type")
    )
    weeks = models.JSONField(_("weeks"), default=list)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("finished with"), null=True, blank=True)

    objects = BookingSeriesQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("booking series")

    def __str__(self) -> str:
        return gettext("Weekly series for %(patient)s from %(day)s") % {
            "patient": self.patient,
            "day": date_format(timezone.localtime(self.created_at), "j M Y")}  # fmt: skip

    def get_absolute_url(self) -> str:
        return reverse("treatments:series-results", args=[self.pk])


# Outcome measures: scored questionnaires over a course (treatments/outcomes/).


class ClinicSettings(models.Model):
    """The clinic's choices that are not about hours. One row, made when first read."""

    reassess_every = models.PositiveSmallIntegerField(
        _("re-assess every"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text=_("Questionnaires are due again after this many IMS treatments."),
    )
    online_cancellation_notice_hours = models.PositiveSmallIntegerField(
        _("online cancellation notice (hours)"),
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
        help_text=_("Patients may cancel a visit online up to this many hours before it starts; "
                    "after that they call the clinic. 0 to 168."),
    )  # fmt: skip
    online_booking = models.BooleanField(
        _("online booking is on"),
        default=False,
        help_text=_("Patients with an email on file may sign in and book the visit types and "
                    "physiotherapists marked bookable online."),
    )  # fmt: skip
    online_booking_notice_hours = models.PositiveSmallIntegerField(
        _("online booking notice (hours)"),
        default=12,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
        help_text=_("The earliest a patient may book online is this many hours ahead. 0 to 168."),
    )
    online_booking_weeks_ahead = models.PositiveSmallIntegerField(
        _("online booking up to (weeks ahead)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Patients may book online up to this many weeks ahead. 1 to 52."),
    )
    online_booking_most_upcoming = models.PositiveSmallIntegerField(
        _("most upcoming visits booked online"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("A patient may hold at most this many upcoming visits booked online. 1 to 10."),
    )
    new_patients_book_directly = models.BooleanField(
        _("new patients may book an initial assessment directly"),
        default=False,
        help_text=_("Off: a new patient asks for a first assessment with the times that suit "
                    "them, and the front desk confirms it. On: they pick a free time themselves."),
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = _("clinic settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=1), name="clinic_settings_one_row",
                violation_error_message=_("The clinic has one set of settings."),
            ),
            models.CheckConstraint(
                condition=Q(reassess_every__gte=1, reassess_every__lte=26),
                name="clinic_settings_reassess_1_to_26",
                violation_error_message=_("Re-assess every 1 to 26 IMS treatments."),
            ),
            models.CheckConstraint(
                condition=Q(online_cancellation_notice_hours__lte=168),
                name="clinic_settings_cancellation_notice_0_to_168",
                violation_error_message=_("The online cancellation notice is 0 to 168 hours."),
            ),
            models.CheckConstraint(
                condition=Q(online_booking_notice_hours__lte=168),
                name="clinic_settings_booking_notice_0_to_168",
                violation_error_message=_("The online booking notice is 0 to 168 hours."),
            ),
            models.CheckConstraint(
                condition=Q(online_booking_weeks_ahead__gte=1, online_booking_weeks_ahead__lte=52),
                name="clinic_settings_weeks_ahead_1_to_52",
                violation_error_message=_("Online booking reaches 1 to 52 weeks ahead."),
            ),
            models.CheckConstraint(
                condition=Q(online_booking_most_upcoming__range=(1, 10)),
                name="clinic_settings_most_upcoming_1_to_10",
                violation_error_message=_("A patient may hold 1 to 10 visits booked online."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return str(_("Clinic settings"))

    @classmethod
    def load(cls) -> "ClinicSettings":
        """The settings on file, or the defaults: reading them never writes."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Instrument(models.Model):
    """A scored questionnaire, loaded from its file in treatments/outcomes/instruments/.

    `definition` is that file (FHIR Questionnaire-shaped); `licensed_text` is the item text a
    clinic uploads for an instrument whose text the project may not ship.
    """

    code = models.SlugField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=120)
    definition = models.JSONField(_("definition"), editable=False)
    licensed_text = models.JSONField(_("licensed text"), null=True, blank=True, editable=False)
    # {language: {"title", "source", "instructions", "items"}}: validated translations the
    # clinic may use, loaded in the admin. Without one, a reader of that language gets English.
    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Offered when choosing a course's measures.")
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language: a shipped instrument's title is in the
        catalogues (LABELS in outcomes/instruments.py); one a clinic typed is shown as typed."""
        return gettext(self.title)

    @property
    def short_title(self) -> str:
        return self.definition.get("short_title") or self.code.upper()

    @property
    def has_text(self) -> bool:
        return bool(self.definition.get("text_included") or self.licensed_text)

    def text_in(self, language: str) -> tuple[dict, bool]:
        """The questionnaire for a reader of `language`, and whether it is in that language."""
        if language == settings.LANGUAGE_CODE:
            return in_language(self.definition, self.licensed_text, {}, language)[0], True
        return in_language(self.definition, self.licensed_text, self.translations, language)


class CourseMeasureQuerySet(models.QuerySet):
    def delete(self):
        raise TypeError("A course's measures are never deleted: their answers are records.")


class CourseMeasure(models.Model):
    """An instrument chosen to follow a course's function (or pain), with its answers."""

    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT, related_name="measures")
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="+", verbose_name=_("questionnaire")
    )
    chosen_at = models.DateTimeField(_("chosen"), auto_now_add=True)

    objects = CourseMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "instrument"], name="course_measure_once",
                violation_error_message=_("This questionnaire is already one of the course's "
                                          "measures."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return gettext("%(instrument)s for %(course)s") % {
            "instrument": self.instrument.shown_title, "course": self.course}  # fmt: skip


class MeasureResponse(models.Model):
    """One answered questionnaire, scored when saved (treatments/outcomes/services.py)."""

    class Occasion(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        REASSESSMENT = "reassessment", _("Re-assessment")
        DISCHARGE = "discharge", _("Discharge")

    class Source(models.TextChoices):
        TYPED = "typed", _("Typed in by the physiotherapist")
        KIOSK = "kiosk", _("Answered at the clinic")
        LINK = "link", _("Answered through an emailed link")
        ONLINE = "online", _("Answered online by the patient, signed in")

    measure = models.ForeignKey(CourseMeasure, on_delete=models.PROTECT, related_name="responses")
    occasion = models.CharField(_("occasion"), max_length=15, choices=Occasion.choices)
    answered_on = models.DateField(_("answered on"))
    answers = models.JSONField(_("answers"), default=dict)
    activities = models.JSONField(_("activities named"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    # The IMS treatments attended in the course by the day of answering: "by session 3".
    treatments_before = models.PositiveSmallIntegerField(_("IMS treatments before"), default=0)
    is_important_change = models.BooleanField(_("important change from baseline"), default=False)
    source = models.CharField(_("answered"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("entered by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["answered_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"], condition=Q(occasion="baseline"), name="response_one_baseline",
                violation_error_message=_("This questionnaire already has a baseline."),
            ),
            models.UniqueConstraint(
                fields=["measure"], condition=Q(occasion="discharge"),
                name="response_one_discharge",
                violation_error_message=_("This questionnaire already has a discharge answer."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.measure.instrument.short_title} {self.get_occasion_display()} {self.score}"


class AnswerLink(models.Model):
    """A private, single-use way for the patient to answer one questionnaire: an emailed link
    (7 days) or the clinic's tablet (the kiosk, for an hour). Only the token's hash is kept."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Emailed link")
        KIOSK = "kiosk", _("Clinic tablet")

    measure = models.ForeignKey(CourseMeasure, on_delete=models.PROTECT, related_name="links")
    occasion = models.CharField(
        _("occasion"), max_length=15, choices=MeasureResponse.Occasion.choices
    )
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_to = models.EmailField(_("sent to"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("sent by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("answered"), null=True, blank=True)
    response = models.OneToOneField(
        MeasureResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="link"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, response__isnull=True)
                | Q(used_at__isnull=False, response__isnull=False),
                name="answer_link_used_with_its_answer",
                violation_error_message=_("A used link has its answer; an unused one none."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(channel)s for %(measure)s") % {
            "channel": self.get_channel_display(), "measure": self.measure}  # fmt: skip

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class DischargeSummary(models.Model):
    """The physiotherapist's closing note on a course; the rest is read from the records."""

    course = models.OneToOneField(
        TreatmentCourse, on_delete=models.PROTECT, related_name="discharge_summary"
    )
    note = models.TextField(
        _("physiotherapist's note"),
        help_text=_("How the course went, what the patient does at home, and any follow-up."),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("written by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("discharge summaries")

    def __str__(self) -> str:
        return gettext("Discharge summary of %(course)s") % {"course": self.course}

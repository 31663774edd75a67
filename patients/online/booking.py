"""Patients booking and moving their own visits online: the clinic's limits (ClinicSettings),
what a patient may book, the free times offered, and the booking itself.

The one place for the online rules: the pages only call these functions. The visit is saved by
treatments.booking.services, so every rule of the app (once a week, no double booking, hours,
locations) holds as it does for the front desk; these add the clinic's online limits.

Which visit types a patient may book online (the issue leaves "initial" to us; decided here):
- A patient with an active course: every type the clinic makes bookable online, booked into
  that course (the newest, if there are several).
- A new patient (no visit on record and no active course): the bookable types without needling
  count as an initial assessment, offered only when the clinic lets new patients book directly.
  A needling type needs a course (rules.check_needling_in_a_course), so never.
- Anyone else (visits on record but no active course): nothing online. They call, and their
  physiotherapist opens a course first.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.models import Patient
from patients.online.cancelling import please_call, why_not_changeable
from treatments.booking import services
from treatments.booking.availability import Availability
from treatments.booking.rules import nearest_allowed_dates
from treatments.models import (
    PHYSIOTHERAPISTS_ONLY,
    ClinicSettings,
    TreatmentCourse,
    Visit,
    VisitType,
    too_close_for_needling,
)


class OnlineBookingError(Exception):
    """Why this cannot be booked or moved online, in words for the patient."""


@dataclass(frozen=True)
class Window:
    """When a patient may book online: from `opens_at` (the notice) to the end of `last_day`."""

    opens_at: datetime
    last_day: date

    @property
    def first_day(self) -> date:
        return timezone.localdate(self.opens_at)

    def holds(self, day: date, start_time: time) -> bool:
        starts = timezone.make_aware(datetime.combine(day, start_time))
        return starts >= self.opens_at and day <= self.last_day


@dataclass(frozen=True)
class FreeTime:
    day: date
    start_time: time
    physiotherapist: User
    location_id: int | None


def window(clinic: ClinicSettings) -> Window:
    now = timezone.now()
    return Window(
        opens_at=now + timedelta(hours=clinic.online_booking_notice_hours),
        last_day=timezone.localdate(now) + timedelta(weeks=clinic.online_booking_weeks_ahead),
    )


def active_course(patient: Patient) -> TreatmentCourse | None:
    return patient.courses.active().order_by("-started_on", "-pk").first()


def bookable_types(
    patient: Patient, clinic: ClinicSettings, course: TreatmentCourse | None
) -> QuerySet[VisitType]:
    """The types this patient may book online (see the module's docstring)."""
    offered = VisitType.objects.filter(bookable_online=True, is_active=True)
    if course is not None:
        return offered
    if clinic.new_patients_book_directly and not patient.visits.exists():
        return offered.filter(is_needling=False)
    return offered.none()


def bookable_physiotherapists() -> QuerySet[User]:
    """Physiotherapists the clinic lets patients book online: still at the clinic, with the role."""
    return (
        get_user_model()
        .objects.filter(**PHYSIOTHERAPISTS_ONLY)
        .filter(is_active=True, physiotherapist_profile__bookable_online=True)
        .order_by("first_name", "last_name", "pk")
    )


def held_online(patient: Patient) -> int:
    """How many upcoming visits the patient holds that were booked online."""
    upcoming = Visit.objects.for_patient(patient).booked().upcoming()
    return upcoming.filter(booked_online=True).count()


def booking_is_off() -> str:
    return _("Online booking is off: please call the clinic to book.")


def why_not_booking(patient: Patient, clinic: ClinicSettings) -> str | None:
    """None if the patient may book another visit online now; otherwise why not."""
    if not clinic.online_booking:
        return booking_is_off()
    most = clinic.online_booking_most_upcoming
    if held_online(patient) >= most:
        return ngettext(
            "You already hold %(count)d visit booked online, as many as can be booked online. "
            "Once it has passed you can book again, or call the clinic.",
            "You already hold %(count)d visits booked online, as many as can be booked online. "
            "Once one has passed you can book again, or call the clinic.",
            most,
        ) % {"count": most}
    return None


def why_not_movable(visit: Visit, clinic: ClinicSettings) -> str | None:
    """None if the patient may move this visit online now: with the same notice as cancelling."""
    if not clinic.online_booking:
        return _("Online booking is off: please call the clinic to move a visit.")
    notice = clinic.online_cancellation_notice_hours
    return why_not_changeable(visit, notice_hours=notice, moving=True)


def needling_dates(patient: Patient, *, ignoring: int | None = None) -> list[date]:
    """The days of the patient's booked and attended needling visits: the weekly rule's."""
    counting = Visit.objects.counting().needling().for_patient(patient).exclude(pk=ignoring)
    return list(counting.values_list("date", flat=True))


def next_needling_day(taken: list[date], *, from_day: date) -> date:
    """The first day from `from_day` on that keeps the weekly rule with every day in `taken`."""
    return nearest_allowed_dates(taken, from_day, from_day)[1]


def weekly_rule_words(visit_type: VisitType, day: date) -> str:
    return _("Your next %(type)s can be on %(day)s or later.") % {
        "type": visit_type.name,
        "day": date_format(day, "l j F"),
    }


def first_day_for(clinic: ClinicSettings, course: TreatmentCourse | None) -> date:
    first = window(clinic).first_day
    return max(first, course.started_on) if course else first


def free_times(
    *, patient: Patient, minutes: int, needling: bool, physiotherapists: list[User],
    clinic: ClinicSettings, course: TreatmentCourse | None, ignoring: Visit | None = None,
) -> dict[date, list[FreeTime]]:  # fmt: skip
    """The free times within the clinic's online window, by day, that keep the weekly rule for
    a needling visit. `ignoring` is a visit being moved: its own time counts as free. Runs a
    fixed number of queries however long the window and however many physiotherapists."""
    limits = window(clinic)
    first = first_day_for(clinic, course)
    ignoring_pk = ignoring.pk if ignoring else None
    taken = needling_dates(patient, ignoring=ignoring_pk) if needling else []
    ids = [physiotherapist.pk for physiotherapist in physiotherapists]
    availability = Availability.load(ids, first, limits.last_day)
    found: dict[date, list[FreeTime]] = {}
    day = first
    while day <= limits.last_day:
        if not any(too_close_for_needling(day, other) for other in taken):
            for physiotherapist in physiotherapists:
                for slot in availability.free_slots(
                    physiotherapist.pk, day, minutes, ignoring=ignoring_pk
                ):
                    if limits.holds(day, slot):
                        place = availability.location_at(physiotherapist.pk, day, slot)
                        found.setdefault(day, []).append(
                            FreeTime(day, slot, physiotherapist, place)
                        )
        day += timedelta(days=1)
    for times in found.values():
        times.sort(key=lambda free: free.start_time)
    return found


def _check_window(clinic: ClinicSettings, day: date, start_time: time) -> None:
    if window(clinic).holds(day, start_time):
        return
    hours, weeks = clinic.online_booking_notice_hours, clinic.online_booking_weeks_ahead
    raise OnlineBookingError(
        ngettext(
            "Online, a visit is booked at least %(hours)d hour ahead",
            "Online, a visit is booked at least %(hours)d hours ahead",
            hours,
        ) % {"hours": hours}
        + " "
        + ngettext(
            "and up to %(weeks)d week ahead. Please choose another time.",
            "and up to %(weeks)d weeks ahead. Please choose another time.",
            weeks,
        ) % {"weeks": weeks}
    )  # fmt: skip


def too_close_words(
    patient: Patient, visit_type: VisitType, day: date, *, ignoring: int | None = None
) -> str | None:
    """Why the weekly rule refuses a needling visit on `day`, with the first day it allows from
    then on; None when it allows that day."""
    if not visit_type.is_needling:
        return None
    taken = needling_dates(patient, ignoring=ignoring)
    if not any(too_close_for_needling(day, other) for other in taken):
        return None
    return (
        _("IMS is given at most once a week.")
        + " "
        + weekly_rule_words(visit_type, next_needling_day(taken, from_day=day))
    )


def _refusal(
    error: ValidationError, *, patient: Patient, visit_type: VisitType, day: date,
    ignoring: int | None = None,
) -> str:  # fmt: skip
    """A refusal by the booking rules, in words for the patient. The weekly rule's names the
    first day it allows from the one asked for (a visit saved meanwhile may have taken it)."""
    codes = {item.code for item in getattr(error, "error_list", [])}
    if codes & {"once_a_week", "patient_race"}:
        words = too_close_words(patient, visit_type, day, ignoring=ignoring)
        if words:
            return words
    return _("This time has just been taken or can no longer be booked. Please choose another.")


def book_online(
    *, patient: Patient, visit_type: VisitType, physiotherapist: User, day: date,
    start_time: time,
) -> Visit:  # fmt: skip
    """Book a visit for the patient themselves, within the clinic's online limits and every
    rule of the app; OnlineBookingError says why not."""
    clinic = ClinicSettings.load()
    with transaction.atomic():
        # One online booking per patient at a time, so two at once cannot both pass the limit.
        Patient.objects.select_for_update().only("pk").get(pk=patient.pk)
        refusal = why_not_booking(patient, clinic)
        if refusal:
            raise OnlineBookingError(refusal)
        course = active_course(patient)
        if not bookable_types(patient, clinic, course).filter(pk=visit_type.pk).exists():
            raise OnlineBookingError(
                _("This kind of visit cannot be booked online.") + " " + please_call()
            )
        if not bookable_physiotherapists().filter(pk=physiotherapist.pk).exists():
            raise OnlineBookingError(
                _("This physiotherapist cannot be booked online.") + " " + please_call()
            )
        _check_window(clinic, day, start_time)
        try:
            return services.book_visit(
                patient=patient, physiotherapist=physiotherapist, visit_type=visit_type,
                day=day, start_time=start_time, course=course, booked_online=True,
            )  # fmt: skip
        except ValidationError as error:
            raise OnlineBookingError(
                _refusal(
                    error,
                    patient=patient,
                    visit_type=visit_type,
                    day=day,
                )
            ) from None


def move_online(*, patient: Patient, visit: Visit, day: date, start_time: time) -> Visit:
    """Move the patient's own visit to another free time with the same physiotherapist, of the
    same type, up to the clinic's notice; OnlineBookingError says why not."""
    if visit.patient_id != patient.pk:
        raise OnlineBookingError(_("This is not one of your visits."))
    clinic = ClinicSettings.load()
    refusal = why_not_movable(visit, clinic)
    if refusal:
        raise OnlineBookingError(refusal)
    if not bookable_physiotherapists().filter(pk=visit.physiotherapist_id).exists():
        raise OnlineBookingError(
            _("Visits with this physiotherapist are moved by the clinic.")
            + " "
            + please_call(visit)
        )
    _check_window(clinic, day, start_time)
    try:
        return services.move_visit(visit, day=day, start_time=start_time)
    except ValidationError as error:
        raise OnlineBookingError(
            _refusal(
                error,
                patient=patient,
                visit_type=visit.visit_type,
                day=day,
                ignoring=visit.pk,
            )
        ) from None


def weekly_rule_before_choosing(
    patient: Patient, visit_type: VisitType, clinic: ClinicSettings, course: TreatmentCourse | None
) -> str | None:
    """The weekly rule in plain words before the patient picks a day, when it holds them back:
    a needling type, and a needling visit on record."""
    if not visit_type.is_needling:
        return None
    taken = needling_dates(patient)
    if not taken:
        return None
    return weekly_rule_words(
        visit_type, next_needling_day(taken, from_day=first_day_for(clinic, course))
    )

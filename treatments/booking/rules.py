"""The rules about when a visit can be, each refusal worded once in `error_messages`.

- Once a week: two booked or attended needling visits of one patient are at least
  NEEDLING_DAYS_APART calendar days apart. Visits without needling do not count.
- No double booking: a physiotherapist's booked and attended visits never overlap, whatever
  their type.
- Hours: a booking is within the clinic's opening hours and the physiotherapist's working
  hours, not on their day off.
- When: a booking starts in the future and within BOOKING_HORIZON.

On PostgreSQL the first two are exclusion constraints as well (treatments/models.py), which hold
them for any path and for saves at the same moment; these functions give the readable message.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from patients.roles import display_name
from treatments.booking.availability import Availability, nearest_free_slots
from treatments.models import (
    NEEDLING_NEEDS_A_COURSE,
    Visit,
    main_location_id,
    too_close_for_needling,
)

BOOKING_HORIZON = timedelta(days=2 * 366)
# A booking refused for a clash offers the physiotherapist's nearest free times this many days
# either side that keep every rule.
ALTERNATIVES_WITHIN_DAYS = 21
# The expiry of a needling authorization is shown this many days ahead.
AUTHORIZATION_NOTICE_DAYS = 30

error_messages = {
    "once_a_week": _(
        "IMS is given at most once a week. %(patient)s already has an IMS treatment "
        "%(status)s on %(day)s at %(time)s (%(apart)s)."
    ),
    "next_allowed": _("The next allowed date is %(after)s or later."),
    "nearest_allowed": _(
        "The nearest allowed dates are %(before)s or earlier, and %(after)s or later."
    ),
    "same_day": _("the same day"),
    "double_booking": _("%(name)s already has a visit on %(day)s from %(starts)s to %(ends)s."),
    "patient_race": _("Another visit for this patient was saved at the same moment. Try again."),
    "physiotherapist_race": _(
        "Another visit for this physiotherapist was saved at the same moment. Try again."
    ),
    "passed": _("This time has passed: choose a later time."),
    "too_far_ahead": _("Book within the next two years."),
    "not_yet_started": _("A past visit is recorded only once its time has come."),
    "archived": _("This patient's record is archived. Restore it before booking."),
    "course_ended": _("This course has ended. Open a new course to book more visits."),
    "before_course": _("This course starts on %(day)s: book its visits from then on."),
    "type_not_offered": _("%(type)s is no longer offered. Choose another visit type."),
    "charted": _("This visit is charted, so it stays attended. Amend the chart if it is wrong."),
    "reason_needed": _("Say why: the reason is kept in the visit's history."),
    "cancellation_reason": _("Give the reason the visit was cancelled."),
    "authorization_expires": _(
        "%(name)s's needling authorization will have expired by %(day)s. Renew it before this "
        "IMS treatment, or it cannot be charted."
    ),
    # A change the visit's status does not allow (Visit.TRANSITIONS).
    Visit.Change.MOVE: _("Only a booked visit can be moved."),
    Visit.Change.CANCEL: _("Only a booked visit can be cancelled."),
    Visit.Change.RESTORE: _("Only a cancelled visit can be restored."),
    Visit.Change.MARK_ATTENDED: _("Only a booked visit can be marked attended."),
    Visit.Change.MARK_NO_SHOW: _("Only a booked visit can be marked as a no-show."),
    Visit.Change.UNDO_ATTENDED: _("Only an attended visit can be set back to booked."),
    Visit.Change.UNDO_NO_SHOW: _("Only a no-show can be set back to booked."),
    Visit.Change.CHECK_IN: _("Only a booked visit can be checked in."),
    "check_in_on_its_day": _("A patient is checked in on the day of their visit, %(day)s."),
    "checked_in_already": _("%(patient)s checked in at %(time)s already."),
}


def long_date(day: date) -> str:
    return formats.date_format(day, "l j F Y")


class BookingRefused(ValidationError):
    """A booking the rules refuse, with the nearest times that would be allowed."""

    def __init__(self, error: ValidationError, alternatives: list[datetime]):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.alternatives = alternatives


def refuse(key: str, **params) -> None:
    raise ValidationError(error_messages[key], code=key, params=params or None)


def nearest_allowed_dates(taken: list[date], day: date, earliest: date) -> tuple[date | None, date]:
    """The latest date on or before `day` and the earliest after it that keep the weekly rule
    with every date in `taken`. The first is None when it would be before `earliest`: a date
    that can no longer be booked is no use to anyone."""

    def clashes(candidate: date) -> bool:
        return any(too_close_for_needling(candidate, other) for other in taken)

    before, after = day, day
    while clashes(before) and before >= earliest:
        before -= timedelta(days=1)
    while clashes(after):
        after += timedelta(days=1)
    return (before if before >= earliest else None), after


def earliest_bookable_day(visit: Visit) -> date:
    earliest = timezone.localdate()
    if visit.course_id and visit.course.started_on > earliest:
        earliest = visit.course.started_on
    return earliest


def check_once_a_week(visit: Visit, *, earliest: date | None = None) -> None:
    """Refuse a booked or attended needling visit within a week of another of the patient's.

    The message names the conflicting visit and the nearest dates that would be allowed, from
    `earliest` on (by default: today, or the course's start if later).
    """
    if not visit.is_needling or visit.status not in Visit.COUNTING:
        return
    others = Visit.objects.counting().needling().for_patient(visit.patient_id).exclude(pk=visit.pk)
    conflict = others.needling_near(visit.date).order_by("date").first()
    if conflict is None:
        return
    gap = abs((conflict.date - visit.date).days)
    apart = error_messages["same_day"] if gap == 0 else ngettext(
        "%(gap)d day apart", "%(gap)d days apart", gap
    ) % {"gap": gap}  # fmt: skip
    message = error_messages["once_a_week"] % {
        "patient": visit.patient,
        "status": conflict.get_status_display().lower(),
        "day": long_date(conflict.date),
        "time": f"{conflict.start_time:%H:%M}",
        "apart": apart,
    }
    taken = list(others.values_list("date", flat=True))
    if earliest is None:
        earliest = earliest_bookable_day(visit)
    before, after = nearest_allowed_dates(taken, visit.date, earliest)
    if before is None:
        allowed = error_messages["next_allowed"] % {"after": long_date(after)}
    else:
        allowed = error_messages["nearest_allowed"] % {
            "before": long_date(before),
            "after": long_date(after),
        }
    raise ValidationError(f"{message} {allowed}", code="once_a_week")


def check_no_double_booking(visit: Visit) -> None:
    """Refuse a booked or attended visit that overlaps another of the same physiotherapist."""
    if visit.status not in Visit.COUNTING:
        return
    visit.set_times()
    # A visit lasts at most 240 minutes, so only visits dated the day before, the day or the
    # day after can overlap: the date range lets the index on (physiotherapist, date) find them
    # among years of visits.
    nearby = (visit.date - timedelta(days=1), visit.date + timedelta(days=1))
    clash = (
        Visit.objects.counting()
        .filter(physiotherapist_id=visit.physiotherapist_id, date__range=nearby)
        .filter(starts_at__lt=visit.ends_at, ends_at__gt=visit.starts_at)
        .exclude(pk=visit.pk)
        .select_related("physiotherapist")
        .first()
    )
    if clash:
        starts, ends = timezone.localtime(clash.starts_at), timezone.localtime(clash.ends_at)
        refuse(
            "double_booking",
            name=display_name(clash.physiotherapist),
            day=long_date(clash.date),
            starts=f"{starts:%H:%M}",
            ends=f"{ends:%H:%M}",
        )


def check_within_hours(visit: Visit) -> None:
    """Refuse a time outside the clinic's hours or the physiotherapist's, or on their day off;
    within them, the visit is at the location where the physiotherapist works then."""
    availability = Availability.load(
        [visit.physiotherapist_id], visit.date, visit.date, visits=False
    )
    problem = availability.problem_with(
        visit.physiotherapist_id, visit.date, visit.start_time, visit.duration_minutes
    )
    if problem:
        raise ValidationError(problem, code="outside_hours")
    visit.location_id = availability.location_at(
        visit.physiotherapist_id, visit.date, visit.start_time
    )


def place_visit(visit: Visit) -> None:
    """A visit recorded outside the hours (or not checked against them) is where its
    physiotherapist works that day, else at the main location."""
    availability = Availability.load(
        [visit.physiotherapist_id], visit.date, visit.date, visits=False
    )
    visit.location_id = (
        availability.location_at(visit.physiotherapist_id, visit.date, visit.start_time)
        or main_location_id()
    )


def check_bookable_time(visit: Visit) -> None:
    """A booking starts in the future, within the next two years, and not before its course."""
    visit.set_times()
    if visit.starts_at <= timezone.now():
        refuse("passed")
    if visit.date > timezone.localdate() + BOOKING_HORIZON:
        refuse("too_far_ahead")
    if visit.course_id and visit.date < visit.course.started_on:
        refuse("before_course", day=long_date(visit.course.started_on))


def check_can_book(visit: Visit) -> None:
    """What a new booking needs of its patient, course and type."""
    if visit.patient.is_archived:
        refuse("archived")
    if visit.course_id and not visit.course.is_active:
        refuse("course_ended")
    if not visit.visit_type.is_active:
        refuse("type_not_offered", type=visit.visit_type)
    check_needling_in_a_course(visit)


def check_needling_in_a_course(visit: Visit) -> None:
    """Visit.clean says so too; asked first, so that the refusal offers no other times, which
    would be refused alike."""
    if visit.is_needling and not visit.course_id:
        raise ValidationError({"course": NEEDLING_NEEDS_A_COURSE})


def check_change_allowed(visit: Visit, change: str, *, status: str | None = None) -> None:
    """Refuse a change the visit's status does not allow: its status as given, or as stored."""
    allowed_from, _after = Visit.TRANSITIONS[change]
    if (status or visit.status) != allowed_from:
        raise ValidationError(error_messages[change], code="not_allowed")


def allowed_alternatives(
    visit: Visit, *, count: int = 3, days: int = ALTERNATIVES_WITHIN_DAYS
) -> list[datetime]:
    """The physiotherapist's free times nearest the one asked for that keep every rule: from
    now on, and for a needling visit, a week from the patient's other needling visits."""
    taken = []
    if visit.is_needling:
        taken = list(
            Visit.objects.counting()
            .needling()
            .for_patient(visit.patient_id)
            .exclude(pk=visit.pk)
            .values_list("date", flat=True)
        )
    earliest = earliest_bookable_day(visit)

    def allowed(day: date) -> bool:
        return day >= earliest and not any(too_close_for_needling(day, other) for other in taken)

    around = timezone.make_aware(datetime.combine(visit.date, visit.start_time))
    return nearest_free_slots(
        visit.physiotherapist_id,
        around,
        visit.duration_minutes,
        count=count,
        days=days,
        allowed=allowed,
        ignoring=visit.pk,
    )


def booking_warnings(visit: Visit) -> list[str]:
    """What staff should know about a booking the rules allow: a needling visit with someone
    whose needling authorization will have expired by then."""
    if not visit.is_needling:
        return []
    profile = getattr(visit.physiotherapist, "physiotherapist_profile", None)
    if profile is not None and profile.can_needle_on(visit.date):
        return []
    return [
        error_messages["authorization_expires"]
        % {"name": display_name(visit.physiotherapist), "day": long_date(visit.date)}
    ]

"""A weekly series: the same weekday and time for several weeks, each week checked on its own.

What became of each week is kept (BookingSeries) for the staff member who booked it, until they
have booked the times offered for the weeks that could not be booked, or said they are done:
signing out and in again, or opening it on another computer, loses nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from treatments.booking import rules, services
from treatments.booking.rules import BookingRefused
from treatments.models import BookingSeries, TreatmentCourse, Visit, VisitType

MAX_SERIES_WEEKS = 52
# A week that could not be booked is offered the nearest allowed time this many days around it.
ALTERNATIVE_WITHIN_DAYS = 3

messages = {
    "weeks": _("A weekly series is from 1 to %(weeks)d weeks."),
    "nothing_to_accept": _("There is no time to accept for that week."),
    "finished": _("This series is finished: the calendar shows what is booked."),
}


@dataclass
class SeriesWeek:
    """A week of a series, as its page shows it."""

    number: int
    day: date
    start_time: time
    visit: Visit | None = None
    problem: str = ""
    alternative: datetime | None = None


def remaining_treatments(course: TreatmentCourse) -> int:
    """How many more IMS treatments the course's expected range allows (a series' default)."""
    counted = course.visits.counting().needling().count()
    return max(course.expected_visits[1] - counted, 1)


def book_series(
    *,
    patient: Patient,
    physiotherapist: User,
    visit_type: VisitType,
    first_day: date,
    start_time: time,
    weeks: int,
    booked_by: User,
    course: TreatmentCourse | None = None,
) -> BookingSeries:
    """Book the same weekday and time for `weeks` weeks. Weeks that keep every rule are booked;
    each that does not is kept with its problem and the nearest allowed time that week. An
    unexpected error books none of them."""
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise ValidationError(messages["weeks"], params={"weeks": MAX_SERIES_WEEKS})
    booking = {"patient": patient, "course": course, "physiotherapist": physiotherapist,
               "visit_type": visit_type}  # fmt: skip
    # What the patient, course and type must be holds for every week alike: refused whole.
    rules.check_can_book(services.unsaved_visit(day=first_day, start_time=start_time, **booking))
    plan = [SeriesWeek(n + 1, first_day + timedelta(weeks=n), start_time) for n in range(weeks)]
    with transaction.atomic():
        for week in plan:
            try:
                week.visit = services.book_visit(day=week.day, start_time=start_time, **booking)
            except ValidationError as refused:
                week.problem = " ".join(refused.messages)
        # Alternatives once every bookable week is in, so that none of them clashes with those.
        for week in plan:
            if week.problem:
                wanted = services.unsaved_visit(day=week.day, start_time=start_time, **booking)
                found = rules.allowed_alternatives(wanted, count=1, days=ALTERNATIVE_WITHIN_DAYS)
                week.alternative = found[0] if found else None
        return BookingSeries.objects.create(
            booked_by=booked_by, weeks=[_as_record(week) for week in plan],
            handled_at=None if any(week.problem for week in plan) else timezone.now(),
            **booking,
        )  # fmt: skip


def _as_record(week: SeriesWeek) -> dict:
    return {
        "number": week.number,
        "day": week.day.isoformat(),
        "time": f"{week.start_time:%H:%M}",
        "visit": week.visit.pk if week.visit else None,
        "problem": week.problem,
        "alternative": week.alternative.isoformat() if week.alternative else None,
    }


def weeks_of(series: BookingSeries) -> list[SeriesWeek]:
    """The series' weeks with their visits, in one query."""
    visits = Visit.objects.in_bulk([week["visit"] for week in series.weeks if week["visit"]])
    return [
        SeriesWeek(
            number=week["number"],
            day=date.fromisoformat(week["day"]),
            start_time=time.fromisoformat(week["time"]),
            visit=visits.get(week["visit"]),
            problem=week["problem"],
            alternative=(
                timezone.localtime(datetime.fromisoformat(week["alternative"]))
                if week["alternative"]
                else None
            ),
        )
        for week in series.weeks
    ]


def warnings_for(series: BookingSeries) -> list[str]:
    """What staff should know about the weeks booked (rules.booking_warnings), said once: the
    first week the physiotherapist's authorization will have expired by; the later weeks would
    only repeat it."""
    for week in weeks_of(series):
        if week.visit:
            week.visit.physiotherapist = series.physiotherapist  # one user, read once
            found = rules.booking_warnings(week.visit)
            if found:
                return found
    return []


def accept_alternative(series: BookingSeries, number: int) -> Visit:
    """Book the time offered for one week that could not be booked as asked. If it was taken
    since, the week is offered the nearest time free now, and the refusal is raised."""
    refused = None
    with transaction.atomic():
        series = BookingSeries.objects.select_for_update().get(pk=series.pk)
        week = next((w for w in series.weeks if w["number"] == number), None)
        if series.handled_at or week is None or week["visit"] or not week["alternative"]:
            raise ValidationError(messages["nothing_to_accept"], code="nothing_to_accept")
        moment = timezone.localtime(datetime.fromisoformat(week["alternative"]))
        try:
            visit = services.book_visit(
                patient=series.patient, course=series.course,
                physiotherapist=series.physiotherapist, visit_type=series.visit_type,
                day=moment.date(), start_time=moment.time(),
            )  # fmt: skip
        except BookingRefused as error:
            refused = error
            offered = error.alternatives[0].isoformat() if error.alternatives else None
            week.update(problem=" ".join(error.messages), alternative=offered)
        else:
            week.update(visit=visit.pk, problem="", alternative=None)
            if all(w["visit"] for w in series.weeks):
                series.handled_at = timezone.now()
        series.save(update_fields=["weeks", "handled_at"])
    if refused is not None:
        raise refused
    return visit


def finish(series: BookingSeries) -> BookingSeries:
    """The staff member has dealt with the series: it is no longer listed as open."""
    if series.handled_at is None:
        series.handled_at = timezone.now()
        series.save(update_fields=["handled_at"])
    return series

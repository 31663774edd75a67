"""The clinic admin's reports: visits, attendance, new patients and courses, the waitlist and
utilisation, over a period, counted by week or by month.

Every number is counted by the database (aggregates grouped by physiotherapist, visit type and
week or month); Python only lays the counted rows out. Each report runs a fixed number of
queries however many visits, patients or physiotherapists there are.

A period may name a location: every visit counted comes from `visits_in`, which keeps to it;
utilisation counts the working hours there; patients, courses and waitlist entries count when
they were seen (or wish to be seen) there.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import (
    ExtractHour,
    ExtractIsoWeekDay,
    ExtractMinute,
    TruncMonth,
    TruncWeek,
)
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ims_clinic.charts import BarChart, BarSeries, LineChart, Series
from patients.models import Patient
from patients.roles import display_name
from treatments.models import (
    LATE_CANCELLATION,
    DayOff,
    TreatmentCourse,
    Visit,
    WaitlistEntry,
    WorkingHours,
)

WEEK, MONTH = "week", "month"
BY_CHOICES = [(WEEK, _("Week")), (MONTH, _("Month"))]
TRUNC = {WEEK: TruncWeek, MONTH: TruncMonth}
NAMES = ("first_name", "last_name", "username")


@dataclass
class Period:
    """The days counted, both included, and whether they are counted by week or by month."""

    date_from: date
    date_to: date
    by: str = MONTH
    location_id: int | None = None  # all locations when None

    def starts(self) -> list[date]:
        """The first day of each week (Monday) or month the period touches, in order."""
        if self.by == WEEK:
            day = self.date_from - timedelta(days=self.date_from.weekday())
        else:
            day = self.date_from.replace(day=1)
        starts = []
        while day <= self.date_to:
            starts.append(day)
            day = self.next_start(day)
        return starts

    def next_start(self, start: date) -> date:
        if self.by == WEEK:
            return start + timedelta(days=7)
        return (start + timedelta(days=32)).replace(day=1)

    def label(self, start: date) -> str:
        if self.by == WEEK:
            return str(_("Week of %(day)s")) % {"day": date_format(start, "j M Y")}
        return date_format(start, "M Y")

    def labels(self) -> list[str]:
        return [self.label(start) for start in self.starts()]

    def trunc(self, field_name: str):
        """The week or month of a date (or date-time, in the clinic's zone), as a date."""
        return TRUNC[self.by](field_name, output_field=DateField())

    def weekday_counts(self, start: date) -> dict[int, int]:
        """How many of each weekday (0 Monday) the period has in the week or month from `start`."""
        first = max(start, self.date_from)
        last = min(self.next_start(start) - timedelta(days=1), self.date_to)
        counts = dict.fromkeys(range(7), 0)
        for offset in range((last - first).days + 1):
            counts[(first + timedelta(days=offset)).weekday()] += 1
        return counts


@dataclass
class Report:
    """One report as the page shows it: its charts, then one table, which is also its CSV."""

    slug: str
    title: str
    description: str
    headers: list[str]
    rows: list[list]
    charts: list = field(default_factory=list)
    # How many columns on the left name the row (period, physiotherapist, visit type).
    label_columns: int = 1

    def csv_rows(self) -> Iterable[list]:
        yield self.headers
        yield from self.rows


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def shown_percent(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


def physiotherapist_label(row: dict, prefix: str = "physiotherapist__") -> str:
    user = get_user_model()(**{name: row[f"{prefix}{name}"] for name in NAMES})
    return display_name(user)


def _name_fields(prefix: str = "physiotherapist__") -> list[str]:
    return [f"{prefix}{name}" for name in NAMES]


def visits_in(period: Period) -> QuerySet:
    """Every visit the reports count from, at the period's location if it names one."""
    visits = Visit.objects.filter(date__range=(period.date_from, period.date_to)).order_by()
    if period.location_id:
        visits = visits.filter(location_id=period.location_id)
    return visits


def seen_there(period: Period, path: str = "") -> Q:
    """Records (patients, courses) with a visit at the period's location; all without one."""
    if not period.location_id:
        return Q()
    return Q(Exists(Visit.objects.filter(**{path: OuterRef("pk")}, location_id=period.location_id)))


# Visits per physiotherapist, by visit type ---------------------------------------------------


def visits_report(period: Period) -> Report:
    """Booked and attended visits per physiotherapist, per week or month, by visit type.
    One query."""
    counted = (
        visits_in(period)
        .counting()
        .annotate(start=period.trunc("date"))
        .values("start", "physiotherapist", *_name_fields(), "visit_type__name")
        .annotate(visits=Count("pk"))
    )
    rows, per_physiotherapist = [], defaultdict(lambda: defaultdict(int))
    for row in sorted(
        counted,
        key=lambda r: (r["start"], physiotherapist_label(r).casefold(), r["visit_type__name"]),
    ):
        name = physiotherapist_label(row)
        rows.append([period.label(row["start"]), name, row["visit_type__name"], row["visits"]])
        per_physiotherapist[name][period.label(row["start"])] += row["visits"]
    chart = LineChart(
        title=str(_("Visits per physiotherapist")),
        description=str(_("Booked and attended visits of each physiotherapist, over time.")),
        x_label=str(_("Period")),
        y_label=str(_("Visits")),
        y_min=0,
        y_max=None,
        series=[
            Series(name, [(label, per_physiotherapist[name].get(label, 0))
                          for label in period.labels()])
            for name in sorted(per_physiotherapist, key=str.casefold)
        ],
    )  # fmt: skip
    return Report(
        slug="visits",
        title=str(_("Visits")),
        description=str(
            _("Booked and attended visits per physiotherapist, by visit type. Cancelled and "
              "missed visits are in the attendance report.")
        ),
        headers=[str(_("Period")), str(_("Physiotherapist")), str(_("Visit type")),
                 str(_("Visits"))],
        rows=rows,
        charts=[chart] if per_physiotherapist else [],
        label_columns=3,
    )  # fmt: skip


# Attendance, late cancellations and no-shows -------------------------------------------------


def late_cancellation() -> Q:
    """Cancelled less than LATE_CANCELLATION before the visit was due to start (or after it):
    Visit.is_late_cancellation, as a condition the database checks."""
    return Q(status=Visit.Status.CANCELLED, cancelled_at__gt=F("starts_at") - LATE_CANCELLATION)


def attendance_counts() -> dict:
    late = late_cancellation()
    return {
        "total": Count("pk"),
        "attended": Count("pk", filter=Q(status=Visit.Status.ATTENDED)),
        "no_shows": Count("pk", filter=Q(status=Visit.Status.NO_SHOW)),
        "late": Count("pk", filter=late),
        "early": Count("pk", filter=Q(status=Visit.Status.CANCELLED) & ~late),
        "booked": Count("pk", filter=Q(status=Visit.Status.BOOKED)),
    }


def _attendance_cells(row: dict) -> list:
    due = row["attended"] + row["no_shows"] + row["late"]
    return [
        row["total"], row["attended"], row["no_shows"], row["late"], row["early"], row["booked"],
        shown_percent(percent(row["attended"], due)),
        shown_percent(percent(row["no_shows"], due)),
        shown_percent(percent(row["late"], due)),
    ]  # fmt: skip


def attendance_report(period: Period) -> Report:
    """Per physiotherapist and week or month, and per physiotherapist over the whole period.
    Two queries."""
    visits = visits_in(period)
    by_period = (
        visits.annotate(start=period.trunc("date"))
        .values("start", "physiotherapist", *_name_fields())
        .annotate(**attendance_counts())
    )
    overall = visits.values("physiotherapist", *_name_fields()).annotate(**attendance_counts())
    overall = sorted(overall, key=lambda row: physiotherapist_label(row).casefold())
    rows = [[str(_("Whole period")), physiotherapist_label(row), *_attendance_cells(row)]
            for row in overall]  # fmt: skip
    rows += [
        [period.label(row["start"]), physiotherapist_label(row), *_attendance_cells(row)]
        for row in sorted(
            by_period, key=lambda r: (r["start"], physiotherapist_label(r).casefold())
        )
    ]
    names = [physiotherapist_label(row) for row in overall]
    due = [row["attended"] + row["no_shows"] + row["late"] for row in overall]
    chart = BarChart(
        title=str(_("Attendance, no-shows and late cancellations")),
        description=str(
            _("For each physiotherapist, the share of visits due in the period that were "
              "attended, missed, or cancelled less than 24 hours ahead.")
        ),
        x_label=str(_("Physiotherapist")),
        y_label=str(_("Percent of visits due")),
        categories=names,
        series=[
            BarSeries(str(label),
                      [percent(row[key], d) for row, d in zip(overall, due, strict=True)])
            for key, label in [("attended", _("Attended")), ("no_shows", _("No-shows")),
                               ("late", _("Late cancellations"))]
        ],
    )  # fmt: skip
    return Report(
        slug="attendance",
        title=str(_("Attendance")),
        description=str(
            _("Attended visits, no-shows and late cancellations (cancelled less than 24 hours "
              "before the start), as counts and as rates. A rate is of the visits that were "
              "due: attended, missed or cancelled late. Visits cancelled earlier, and those "
              "still booked, are counted but left out of the rates.")
        ),
        headers=[str(h) for h in (
            _("Period"), _("Physiotherapist"), _("All visits"), _("Attended"), _("No-shows"),
            _("Late cancellations"), _("Earlier cancellations"), _("Still booked"),
            _("Attendance rate"), _("No-show rate"), _("Late cancellation rate"),
        )],
        rows=rows,
        charts=[chart] if overall else [],
        label_columns=2,
    )  # fmt: skip


# New patients, courses started and completed -------------------------------------------------


def _per_start(rows: QuerySet, name: str) -> dict[date, int]:
    return {row["start"]: row[name] for row in rows}


def patients_report(period: Period) -> Report:
    """New patients (records created in the period), courses started and courses completed,
    per week or month. Three queries."""
    span = (period.date_from, period.date_to)
    new = Patient.objects.filter(seen_there(period, "patient"), created_at__date__range=span)
    courses = TreatmentCourse.objects.filter(seen_there(period, "course")).order_by()
    started = courses.filter(started_on__range=span)
    completed = courses.filter(status=TreatmentCourse.Status.COMPLETED, ended_on__range=span)
    new = new.order_by()
    counted = {
        "patients": _per_start(
            new.annotate(start=period.trunc("created_at")).values("start")
            .annotate(n=Count("pk")), "n"),
        "started": _per_start(
            started.annotate(start=period.trunc("started_on")).values("start")
            .annotate(n=Count("pk")), "n"),
        "completed": _per_start(
            completed.annotate(start=period.trunc("ended_on")).values("start")
            .annotate(n=Count("pk")), "n"),
    }  # fmt: skip
    labels = {"patients": _("New patients"), "started": _("Courses started"),
              "completed": _("Courses completed")}  # fmt: skip
    starts = period.starts()
    rows = [
        [period.label(start), *(counted[key].get(start, 0) for key in labels)] for start in starts
    ]
    chart = LineChart(
        title=str(_("New patients and courses")),
        description=str(_("New patients, courses started and courses completed, over time.")),
        x_label=str(_("Period")),
        y_label=str(_("Number")),
        y_min=0,
        y_max=None,
        series=[
            Series(str(label), [(period.label(s), counted[key].get(s, 0)) for s in starts])
            for key, label in labels.items()
        ],
    )
    return Report(
        slug="patients",
        title=str(_("New patients and courses")),
        description=str(
            _(
                "Patients whose record was made in the period, courses started in it, and "
                "courses completed in it (discontinued courses are not counted as completed)."
            )
        ),
        headers=[str(_("Period")), *(str(label) for label in labels.values())],
        rows=rows,
        charts=[chart],
    )


# The waitlist --------------------------------------------------------------------------------


def waitlist_report(period: Period) -> Report:
    """Patients added to the waitlist, and visits booked from it (by the visit's date), per
    week or month. Two queries."""
    span = (period.date_from, period.date_to)
    added = _per_start(
        WaitlistEntry.objects.filter(added_at__date__range=span).order_by()
        .filter(Q(location_id=period.location_id) | Q(location__isnull=True)
                if period.location_id else Q())
        .annotate(start=period.trunc("added_at")).values("start").annotate(n=Count("pk")),
        "n",
    )  # fmt: skip
    visits = (
        visits_in(period)
        .annotate(start=period.trunc("date"))
        .values("start")
        .annotate(
            booked=Count("pk", filter=Q(waitlist_entry__isnull=False)),
            attended=Count(
                "pk", filter=Q(waitlist_entry__isnull=False, status=Visit.Status.ATTENDED)
            ),
            all_visits=Count("pk"),
        )
    )
    visits = {row["start"]: row for row in visits}
    empty = {"booked": 0, "attended": 0, "all_visits": 0}
    starts = period.starts()
    rows = []
    for start in starts:
        row = visits.get(start, empty)
        rows.append([
            period.label(start), added.get(start, 0), row["booked"], row["attended"],
            shown_percent(percent(row["booked"], row["all_visits"])),
        ])  # fmt: skip
    chart = BarChart(
        title=str(_("The waitlist")),
        description=str(_("Patients added to the waitlist, and visits booked from it.")),
        x_label=str(_("Period")),
        y_label=str(_("Number")),
        categories=[period.label(start) for start in starts],
        series=[
            BarSeries(str(_("Added to the waitlist")), [added.get(s, 0) for s in starts]),
            BarSeries(
                str(_("Visits booked from the waitlist")),
                [visits.get(s, empty)["booked"] for s in starts],
            ),
        ],
    )
    return Report(
        slug="waitlist",
        title=str(_("The waitlist")),
        description=str(
            _("Patients added to the waitlist in the period, and the visits in the period that "
              "were booked from it (through “Book” on a freed slot's list of who could take "
              "it), with how many of those were attended.")
        ),
        headers=[str(h) for h in (
            _("Period"), _("Added to the waitlist"), _("Visits booked from the waitlist"),
            _("Of which attended"), _("Share of all visits"),
        )],
        rows=rows,
        charts=[chart],
    )  # fmt: skip


# Utilisation ---------------------------------------------------------------------------------


def _minutes(field_name: str):
    return ExtractHour(field_name) * 60 + ExtractMinute(field_name)


def utilisation_report(period: Period) -> Report:
    """Booked time over working time, per physiotherapist, per week or month and over the
    whole period. Working time is the working hours of each weekday, on each such day of the
    period, less the days off; booked time is the length of the booked and attended visits.
    Four queries."""
    span = (period.date_from, period.date_to)
    # Minutes worked on each weekday (0 Monday), per physiotherapist.
    hours = (
        WorkingHours.objects.order_by()
        .filter(**({"location_id": period.location_id} if period.location_id else {}))
        .values("physiotherapist", "weekday")
        .annotate(minutes=Sum(_minutes("ends_at") - _minutes("starts_at")))
    )
    weekly = defaultdict(dict)
    for row in hours:
        weekly[row["physiotherapist"]][row["weekday"]] = row["minutes"]
    # Days off, per physiotherapist, week or month and weekday.
    days_off = (
        DayOff.objects.filter(date__range=span).order_by()
        .annotate(start=period.trunc("date"), weekday=ExtractIsoWeekDay("date") - 1)
        .values("physiotherapist", "start", "weekday")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    off = defaultdict(int)
    for row in days_off:
        off[row["physiotherapist"], row["start"], row["weekday"]] = row["n"]
    booked = (
        visits_in(period).counting()
        .annotate(start=period.trunc("date"))
        .values("physiotherapist", "start")
        .annotate(minutes=Sum("duration_minutes"))
    )  # fmt: skip
    booked = {(row["physiotherapist"], row["start"]): row["minutes"] for row in booked}
    ids = set(weekly) | {pk for pk, _start in booked}
    people = get_user_model().objects.filter(pk__in=ids).only(*NAMES)
    names = {user.pk: display_name(user) for user in people}
    starts = period.starts()
    weekdays = {start: period.weekday_counts(start) for start in starts}

    def working(pk: int, start: date) -> int:
        return sum(
            minutes * (weekdays[start][weekday] - off[pk, start, weekday])
            for weekday, minutes in weekly[pk].items()
        )

    order = sorted(ids, key=lambda pk: names[pk].casefold())
    totals = {
        pk: (sum(booked.get((pk, s), 0) for s in starts), sum(working(pk, s) for s in starts))
        for pk in order
    }
    rows = [
        [str(_("Whole period")), names[pk], hours_text(b), hours_text(w),
         shown_percent(percent(b, w))]
        for pk, (b, w) in totals.items()
    ]  # fmt: skip
    for start in starts:
        for pk in order:
            b, w = booked.get((pk, start), 0), working(pk, start)
            rows.append([period.label(start), names[pk], hours_text(b), hours_text(w),
                         shown_percent(percent(b, w))])  # fmt: skip
    chart = BarChart(
        title=str(_("Utilisation")),
        description=str(_("For each physiotherapist, booked time as a share of working time.")),
        x_label=str(_("Physiotherapist")),
        y_label=str(_("Percent of working time")),
        categories=[names[pk] for pk in order],
        series=[
            BarSeries(str(_("Booked")), [percent(b, w) for b, w in totals.values()]),
        ],
    )
    return Report(
        slug="utilisation",
        title=str(_("Utilisation")),
        description=str(
            _("Booked time over working time. Working time is each physiotherapist's working "
              "hours on each weekday, on every such day of the period, less their days off; "
              "booked time is the length of their booked and attended visits. Working hours "
              "are today's: a change of hours is not kept, so a past period is counted with "
              "today's hours.")
        ),
        headers=[str(h) for h in (
            _("Period"), _("Physiotherapist"), _("Booked hours"), _("Working hours"),
            _("Utilisation"),
        )],
        rows=rows,
        charts=[chart] if order else [],
        label_columns=2,
    )  # fmt: skip


def hours_text(minutes: int) -> str:
    """Minutes as hours with one decimal at most: 90 → 1.5."""
    return f"{minutes / 60:.1f}".removesuffix(".0")


REPORTS: dict[str, Callable[[Period], Report]] = {
    "visits": visits_report,
    "attendance": attendance_report,
    "patients": patients_report,
    "waitlist": waitlist_report,
    "utilisation": utilisation_report,
}

"""The clinic's results: of the courses completed in a period, how many reached an important
change on one of their questionnaires by session 3, 6 and 12, and how many sessions it took,
for the whole clinic and by region, by physiotherapist and by measure.

A course "reached an important change by session N" when one of its answers passed the
instrument's smallest important change (MCID) from baseline with at most N IMS treatments
before it; the session it was reached is the fewest treatments before such an answer.

Counted in the database, in a fixed number of queries however many courses there are. No
patient is named, and a count from 1 to 4 is never shown (`FEWER_THAN`): a small group could
point at one person.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from statistics import median

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ims_clinic.charts import BarChart, BarSeries
from patients.roles import display_name
from treatments.models import CourseMeasure, Instrument, MeasureResponse, TreatmentCourse

# The smallest count shown as itself; 1 to FEWER_THAN - 1 show as "fewer than 5".
FEWER_THAN = 5
FEWER_THAN_SHOWN = _("fewer than 5")
MEDIAN_NOT_SHOWN = _("not shown")
# The sessions by which an important change is counted: the 2-3 and 6-12 IMS treatments a
# course is expected to take.
BY_SESSIONS = (3, 6, 12)

# The region of a course is free text ("R low back / SIJ"): it is put in one of these groups
# by the first group with a keyword in it, in this order, else "other". Keywords are matched
# anywhere in the text, case aside.
OTHER = "other"
REGION_GROUPS: list[tuple[str, Promise, tuple[str, ...]]] = [
    ("low_back", _("Low back"), ("low back", "lower back", "lumbar", "lumbo", "sacro", "sij",
                                 "si joint", "sciatic", "coccyx", "tailbone")),
    ("neck", _("Neck"), ("neck", "cervical", "whiplash", "trapezius")),
    ("shoulder_arm", _("Shoulder and arm"), ("shoulder", "arm", "elbow", "wrist", "hand",
                                             "rotator", "epicondyl", "tennis", "golfer",
                                             "finger", "thumb")),
    ("hip_leg", _("Hip and leg"), ("hip", "leg", "knee", "ankle", "foot", "feet", "calf",
                                   "hamstring", "thigh", "glute", "buttock", "plantar",
                                   "achilles", "shin", "groin", "piriformis")),
    (OTHER, _("Other"), ()),
]  # fmt: skip
REGION_LABELS = {key: label for key, label, _keywords in REGION_GROUPS}


def region_group() -> Case:
    """The group of a course's region, as an expression the database works out."""
    return Case(
        *(
            When(reduce(or_, (Q(region__icontains=word) for word in words)), then=Value(key))
            for key, _label, words in REGION_GROUPS
            if words
        ),
        default=Value(OTHER),
    )


def shown(count: int) -> int | str:
    """A count as the page, the chart's table and the CSV show it."""
    return str(FEWER_THAN_SHOWN) if 0 < count < FEWER_THAN else count


def formatted_sessions(value: float) -> str:
    """7 rather than 7.0; a median between two sessions keeps its half (6.5)."""
    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


@dataclass
class Tally:
    """The courses completed in one group (a region, a physiotherapist, a measure, or all),
    and when each reached an important change.

    `sessions_to_change` holds, for each course that reached one, the session it did.
    """

    label: str
    completed: int = 0
    by_session: dict[int, int] = field(default_factory=lambda: dict.fromkeys(BY_SESSIONS, 0))
    later: int = 0
    not_at_all: int = 0
    no_questionnaires: int = 0
    sessions_to_change: list[int] = field(default_factory=list)

    @property
    def reached(self) -> int:
        return len(self.sessions_to_change)

    @property
    def median(self) -> float | None:
        """The median session of an important change, kept back below FEWER_THAN courses."""
        if self.reached < FEWER_THAN:
            return None
        return median(self.sessions_to_change)

    def counts(self) -> list[int]:
        """The counts in the order of the table's columns (columns(), without the median)."""
        by = [self.by_session[n] for n in BY_SESSIONS]
        return [self.completed, *by, self.later, self.not_at_all, self.no_questionnaires]

    def cells(self) -> list[int | str]:
        """The row as the page and the CSV show it: small counts and medians kept back."""
        median_shown = MEDIAN_NOT_SHOWN if self.median is None else formatted_sessions(self.median)
        return [*(shown(count) for count in self.counts()), str(median_shown)]

    def add(self, other: "Tally") -> None:
        self.completed += other.completed
        for n in BY_SESSIONS:
            self.by_session[n] += other.by_session[n]
        self.later += other.later
        self.not_at_all += other.not_at_all
        self.no_questionnaires += other.no_questionnaires
        self.sessions_to_change += other.sessions_to_change


def columns() -> list[str]:
    """The headers of a Tally's cells, in the language of the request."""
    return [
        str(_("Courses completed")),
        *(str(_("Important change by session %(n)d")) % {"n": n} for n in BY_SESSIONS),
        str(_("Important change after session %(n)d")) % {"n": BY_SESSIONS[-1]},
        str(_("No important change")),
        str(_("No questionnaires")),
        str(_("Median sessions to an important change")),
    ]


@dataclass
class Breakdown:
    """The tallies of one breakdown (by region, by physiotherapist, by measure)."""

    key: str
    title: Promise
    group_label: Promise
    tallies: list[Tally]
    chart_description: Promise
    note: Promise | str = ""

    def chart(self) -> BarChart:
        """A bar chart of this breakdown: for each group, the courses with an important change
        by each session counted, and with none. A count kept back is left out of the chart, and
        its table shows it as "fewer than 5"."""
        counted = [
            *((str(_("By session %(n)d")) % {"n": n}, [t.by_session[n] for t in self.tallies])
              for n in BY_SESSIONS),
            (str(_("No important change")), [t.not_at_all for t in self.tallies]),
        ]  # fmt: skip
        return BarChart(
            title=str(self.title),
            description=str(self.chart_description),
            x_label=str(self.group_label),
            y_label=str(_("Courses")),
            categories=[tally.label for tally in self.tallies],
            series=[
                BarSeries(label, [None if 0 < count < FEWER_THAN else count for count in counts])
                for label, counts in counted
            ],
            missing=FEWER_THAN_SHOWN,
        )


@dataclass
class Results:
    date_from: date
    date_to: date
    overall: Tally
    breakdowns: list[Breakdown]

    @property
    def overall_tallies(self) -> list[Tally]:
        return [self.overall]

    def csv_rows(self) -> Iterable[list]:
        """One table: the section, the group, then the page's columns."""
        yield [str(_("Section")), str(_("Group")), *columns()]
        yield [str(_("All courses")), "", *self.overall.cells()]
        for breakdown in self.breakdowns:
            for tally in breakdown.tallies:
                yield [str(breakdown.title), str(tally.label), *tally.cells()]


# The queries -------------------------------------------------------------------------------


def _first_important(responses: QuerySet, outer: str) -> Subquery:
    """The fewest IMS treatments before an answer that passed the MCID, in `outer`'s answers."""
    important = responses.filter(is_important_change=True).order_by().values(outer)
    return Subquery(important.annotate(at=Min("treatments_before")).values("at")[:1])


def _tallied(extra: Q | None = None) -> dict:
    """The counts of a Tally, counted by the database over rows annotated with `reached_at`
    (the session of the first important change, or null) and `has_measures`."""
    counts = {
        "completed": Count("pk"),
        "later": Count("pk", filter=Q(reached_at__gt=BY_SESSIONS[-1])),
        "not_at_all": Count("pk", filter=Q(reached_at__isnull=True, has_measures=True)),
        "no_questionnaires": Count("pk", filter=Q(has_measures=False)),
    }
    counts |= {f"by_{n}": Count("pk", filter=Q(reached_at__lte=n)) for n in BY_SESSIONS}
    return counts


def _tally(label: str, row: dict, sessions: list[int]) -> Tally:
    return Tally(
        label=label,
        completed=row["completed"],
        by_session={n: row[f"by_{n}"] for n in BY_SESSIONS},
        later=row["later"],
        not_at_all=row["not_at_all"],
        no_questionnaires=row["no_questionnaires"],
        sessions_to_change=sorted(sessions),
    )


def completed_courses(date_from: date, date_to: date) -> QuerySet:
    """The courses completed in the period, each with the session of its first important
    change (`reached_at`, null if none) and whether it had any questionnaire."""
    return TreatmentCourse.objects.filter(
        status=TreatmentCourse.Status.COMPLETED, ended_on__range=(date_from, date_to)
    ).annotate(
        reached_at=_first_important(
            MeasureResponse.objects.filter(measure__course=OuterRef("pk")), "measure__course"
        ),
        has_measures=Exists(CourseMeasure.objects.filter(course=OuterRef("pk"))),
        region_group=region_group(),
    )


def _tallies(rows: QuerySet, group: str, label_of: Callable[[dict], str], *names: str):
    """One Tally per value of `group` among `rows` (annotated as by `completed_courses`): the
    counts in one query, and the sessions of the first important changes, for the medians, in
    another. `names` are more fields that `label_of` reads from each row."""
    sessions = defaultdict(list)
    reached = rows.filter(reached_at__isnull=False).order_by()
    for key, at in reached.values_list(group, "reached_at"):
        sessions[key].append(at)
    counted = rows.order_by().values(group, *names).annotate(**_tallied())
    return [_tally(label_of(row), row, sessions[row[group]]) for row in counted]


def _by_label(tallies: list[Tally]) -> list[Tally]:
    return sorted(tallies, key=lambda tally: tally.label.casefold())


def by_region(courses: QuerySet) -> list[Tally]:
    """In the order of REGION_GROUPS; a group without a course is left out."""
    tallies = _tallies(courses, "region_group", lambda row: str(REGION_LABELS[row["region_group"]]))
    order = [str(label) for _key, label, _words in REGION_GROUPS]
    return sorted(tallies, key=lambda tally: order.index(tally.label))


def by_physiotherapist(courses: QuerySet) -> list[Tally]:
    names = ["first_name", "last_name", "username"]

    def label(row: dict) -> str:
        user = get_user_model()(**{name: row[f"physiotherapist__{name}"] for name in names})
        return display_name(user)

    fields = [f"physiotherapist__{name}" for name in names]
    return _by_label(_tallies(courses, "physiotherapist", label, *fields))


def by_measure(courses: QuerySet) -> list[Tally]:
    """Each (course, measure) counted once: a course with two measures counts under both."""
    measures = CourseMeasure.objects.filter(course__in=courses.values("pk")).annotate(
        reached_at=_first_important(
            MeasureResponse.objects.filter(measure=OuterRef("pk")), "measure"
        ),
        has_measures=Value(True),
    )
    used = Exists(measures.filter(instrument=OuterRef("pk")))
    instruments = {instrument.pk: instrument for instrument in Instrument.objects.filter(used)}
    label = lambda row: instruments[row["instrument"]].short_title  # noqa: E731
    return _by_label(_tallies(measures, "instrument", label))


def clinic_results(*, date_from: date, date_to: date) -> Results:
    """The results over the courses that ended from `date_from` to `date_to`, both included.
    Seven queries, whatever the number of courses."""
    courses = completed_courses(date_from, date_to)
    regions = by_region(courses)
    overall = Tally(label=str(_("All courses")))
    for tally in regions:
        overall.add(tally)
    overall.sessions_to_change.sort()
    return Results(
        date_from=date_from,
        date_to=date_to,
        overall=overall,
        breakdowns=[
            Breakdown("region", _("By region"), _("Region"), regions, _(
                "For each region, the courses that reached an important change by session 3, "
                "6 and 12, and those that reached none.")),
            Breakdown("physiotherapist", _("By physiotherapist"), _("Physiotherapist"),
                      by_physiotherapist(courses), _(
                "For each physiotherapist, the courses that reached an important change by "
                "session 3, 6 and 12, and those that reached none.")),
            Breakdown("measure", _("By measure"), _("Measure"), by_measure(courses), _(
                "For each questionnaire, the courses whose answers to it reached an important "
                "change by session 3, 6 and 12, and those that reached none."),
                note=_("Counted once for each questionnaire of each course: a course "
                       "with two questionnaires counts under both.")),
        ],
    )  # fmt: skip

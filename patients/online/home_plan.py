"""What a signed-in patient reads after their visits: the home plan their physiotherapist
wrote on each chart, and how their pain and function have changed over the course.

Only signed charts: a draft may still change, and the physiotherapist signs once it says what
they mean. Only the home plan and the pain score are read from a chart, never anything else of
it, so nothing clinical reaches the patient's page by mistake.
"""

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ims_clinic.charts import LineChart, Series
from patients.models import Patient
from patients.roles import display_name
from treatments.models import Chart, TreatmentCourse, Visit
from treatments.outcomes.measures import MeasureProgress, measure_progress, with_measures

# The newest home plans shown: the latest is the one to follow, the ones before for reference.
HOME_PLANS_SHOWN = 5


@dataclass
class HomePlan:
    day: object
    physiotherapist: str
    text: str


def home_plans(patient: Patient) -> list[HomePlan]:
    """The home plans of the patient's signed charts, newest first, in one query."""
    rows = (
        Chart.objects.filter(visit__patient=patient, signed_at__isnull=False)
        .exclude(home_plan="")
        .order_by("-visit__starts_at")
        .select_related("visit__physiotherapist")
        .only("home_plan", "visit__date", "visit__starts_at", "visit__physiotherapist")
    )[:HOME_PLANS_SHOWN]
    return [
        HomePlan(chart.visit.date, display_name(chart.visit.physiotherapist), chart.home_plan)
        for chart in rows
    ]


@dataclass
class Progress:
    """Pain at each charted visit of the latest course, and its questionnaires' scores."""

    course: TreatmentCourse | None
    pains: list[tuple[object, int]] = field(default_factory=list)  # (visit date, pain 0-10)
    measures: list[MeasureProgress] = field(default_factory=list)

    @property
    def pain_summary(self) -> str | None:
        if not self.pains:
            return None
        (first_day, first), last = self.pains[0], self.pains[-1][1]
        if len(self.pains) == 1:
            return _("Your pain was %(pain)s out of 10 at your visit on %(day)s.") % {
                "pain": first, "day": date_format(first_day, "j F")}  # fmt: skip
        if last == first:
            words = _("Your pain is %(pain)s out of 10, as at your first visit.")
            return words % {"pain": last}
        return _("Your pain went from %(first)s to %(last)s since your first visit.") % {
            "first": first, "last": last}  # fmt: skip

    @property
    def pain_chart(self) -> LineChart | None:
        if not self.pains:
            return None
        points = [(date_format(day, "j M"), pain) for day, pain in self.pains]
        return LineChart(
            title=_("Your pain at each visit"),
            description=_("Line chart of your pain from 0 (none) to 10 (worst) at the start of "
                          "each visit. The table holds the same numbers."),
            x_label=_("Visit"), y_label=_("Pain (0-10)"), y_min=0, y_max=10,
            series=[Series(_("Your pain"), points)],
        )  # fmt: skip

    @property
    def function_summaries(self) -> list[str]:
        """One sentence per questionnaire answered more than once."""
        sentences = []
        for measure in self.measures:
            first, latest = measure.baseline or measure.latest, measure.latest
            if latest is None or first is latest:
                continue
            better = measure.definition["score"]["higher_is_better"]
            which = _("a higher score is better") if better else _("a lower score is better")
            words = _("On the %(title)s your score went from %(first)s to %(last)s (%(which)s).")
            sentences.append(words % {
                "title": measure.measure.instrument.short_title, "which": which,
                "first": _score(first.score), "last": _score(latest.score),
            })  # fmt: skip
        return sentences


def _score(value) -> str:
    return f"{float(value):g}"  # 18, not 18.00


def progress(patient: Patient) -> Progress:
    """The patient's latest course, in a fixed number of queries: the course, its charted
    visits' pain, and its questionnaires with their answers."""
    course = (
        with_measures(TreatmentCourse.objects.filter(patient=patient))
        .order_by("-started_on", "-pk")
        .first()
    )
    if course is None:
        return Progress(None)
    pains = list(
        Visit.objects.filter(
            course=course, status=Visit.Status.ATTENDED, chart__signed_at__isnull=False
        )
        .order_by("starts_at")
        .values_list("date", "chart__pain_before")
    )
    return Progress(course, pains, measure_progress(course))

"""Where each of a course's questionnaires stands: its scores, the change from baseline, and
what is due next (baseline, re-assessment every few IMS treatments, discharge)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ims_clinic.charts import LineChart, ReferenceLine, Series
from treatments.models import (
    ClinicSettings,
    CourseMeasure,
    MeasureResponse,
    TreatmentCourse,
    Visit,
)
from treatments.outcomes import scoring

Occasion = MeasureResponse.Occasion
# A course that ended this recently still asks for its discharge questionnaires.
DISCHARGE_DUE_FOR = timedelta(days=30)


def with_measures(courses):
    """Courses with their measures, instruments and answers, in two more queries however many."""
    return courses.prefetch_related(
        Prefetch(
            "measures",
            queryset=CourseMeasure.objects.select_related("instrument").prefetch_related(
                Prefetch("responses", queryset=MeasureResponse.objects.select_related("entered_by"))
            ),
        )
    )


@dataclass
class Score:
    """One answer's score as the course page shows it."""

    response: MeasureResponse
    change: Decimal | None
    band: str | None


@dataclass
class MeasureProgress:
    measure: CourseMeasure

    @property
    def definition(self) -> dict:
        return self.measure.instrument.definition

    @cached_property
    def responses(self) -> list[MeasureResponse]:
        return list(self.measure.responses.all())

    @property
    def baseline(self) -> MeasureResponse | None:
        return next((r for r in self.responses if r.occasion == Occasion.BASELINE), None)

    @property
    def latest(self) -> MeasureResponse | None:
        return self.responses[-1] if self.responses else None

    @property
    def scores(self) -> list[Score]:
        baseline = self.baseline
        return [
            Score(
                response,
                scoring.change(self.definition, baseline.score, response.score)
                if baseline and response is not baseline
                else None,
                scoring.band(self.definition, response.score),
            )
            for response in self.responses
        ]

    @property
    def change(self) -> Decimal | None:
        """The latest score's change from baseline; positive is better."""
        baseline, latest = self.baseline, self.latest
        if baseline is None or latest is baseline:
            return None
        return scoring.change(self.definition, baseline.score, latest.score)

    @property
    def first_important(self) -> MeasureResponse | None:
        """The first answer that passed the smallest important change from baseline."""
        return next((r for r in self.responses if r.is_important_change), None)

    @property
    def has_important_change(self) -> bool:
        latest = self.latest
        return latest is not None and latest.is_important_change

    @property
    def mcid(self):
        return self.definition["score"]["mcid"]["points"]

    @property
    def important_share(self) -> int | None:
        """The share of the baseline that is an important change too, as a percentage."""
        share = self.definition["score"]["mcid"].get("share")
        return round(share * 100) if share else None

    @property
    def important_change_at(self) -> float | None:
        """The score that is an important change from the baseline (the MCID line)."""
        score, baseline = self.definition["score"], self.baseline
        if score.get("is_change"):  # a rating of change: its MCID is a level of its own
            return self.mcid
        if baseline is None:
            return None
        step = float(scoring.important_improvement(self.definition, baseline.score))
        step = step if score["higher_is_better"] else -step
        return min(max(float(baseline.score) + step, score["min"]), score["max"])

    @property
    def chart_id(self) -> str:
        return f"measure-{self.measure.pk}-chart"

    @property
    def chart(self) -> LineChart | None:
        """The scores over the course, with the baseline and the important-change line."""
        if not self.responses:
            return None
        instrument, score = self.measure.instrument, self.definition["score"]
        points = [
            (f"{n}. {r.get_occasion_display()}, {date_format(r.answered_on, 'j M')}",
             float(r.score))
            for n, r in enumerate(self.responses, start=1)
        ]  # fmt: skip
        lines = []
        if self.baseline is not None and not score.get("is_change"):
            lines.append(ReferenceLine(_("Baseline"), float(self.baseline.score)))
        if self.important_change_at is not None:
            lines.append(ReferenceLine(_("Important change"), self.important_change_at))
        better = _("higher is better") if score["higher_is_better"] else _("lower is better")
        return LineChart(
            title=_("%(title)s over the course") % {"title": instrument.short_title},
            description=_("Line chart of the %(title)s score at each questionnaire, from "
                          "%(min)s to %(max)s (%(better)s), with the baseline and the score "
                          "that is an important change. The table beside it holds the "
                          "numbers.") % {"title": instrument.short_title, "min": score["min"],
                                         "max": score["max"], "better": better},
            x_label=_("Questionnaire"), y_label=_("Score"), y_min=score["min"],
            y_max=score["max"], series=[Series(instrument.short_title, points)],
            reference_lines=lines,
        )  # fmt: skip


def measure_progress(course: TreatmentCourse) -> list[MeasureProgress]:
    """The course's measures (prefetched with with_measures) and where each stands."""
    return [MeasureProgress(measure) for measure in course.measures.all()]


def occasion_due(measure: CourseMeasure) -> str:
    """The occasion a measure's next answer is for: its baseline first, its discharge once the
    course has ended, otherwise a re-assessment."""
    occasions = set(measure.responses.values_list("occasion", flat=True))
    if Occasion.BASELINE not in occasions:
        return Occasion.BASELINE
    if not measure.course.is_active and Occasion.DISCHARGE not in occasions:
        return Occasion.DISCHARGE
    return Occasion.REASSESSMENT


def questionnaires_due(
    course: TreatmentCourse, measures: list[MeasureProgress], treatments: int,
    reassess_every: int, today: date,
) -> list[tuple[CourseMeasure, str]]:  # fmt: skip
    """The questionnaires to give next, with their occasion.

    Baseline while a measure has no answer; a re-assessment once another `reassess_every` IMS
    treatments have been given since the last answer; discharge when the course has ended.
    """
    due = []
    for progress in measures:
        latest = progress.latest
        if course.is_active:
            if latest is None:
                due.append((progress.measure, Occasion.BASELINE))
            elif (
                treatments >= reassess_every
                and treatments // reassess_every > latest.treatments_before // reassess_every
            ):
                due.append((progress.measure, Occasion.REASSESSMENT))
        elif (
            course.status == TreatmentCourse.Status.COMPLETED
            and progress.baseline is not None
            and not any(r.occasion == Occasion.DISCHARGE for r in progress.responses)
            and course.ended_on >= today - DISCHARGE_DUE_FOR
        ):
            due.append((progress.measure, Occasion.DISCHARGE))
    return due


def due_summary(due: list[tuple[CourseMeasure, str]]) -> str:
    """E.g. "ODI re-assessment, PSFS re-assessment"."""
    return ", ".join(
        _("%(measure)s %(occasion)s")
        % {"measure": m.instrument.short_title, "occasion": Occasion(o).label.lower()}
        for m, o in due
    )


def due_for_patient(
    patient, today: date, clinic: ClinicSettings | None = None
) -> list[tuple[TreatmentCourse, CourseMeasure, str]]:
    """Every questionnaire the patient should answer next, across their active courses and
    those completed lately: what the front desk offers on the tablet or by email. `clinic` is
    the clinic's settings when the caller has read them already."""
    courses = with_measures(
        TreatmentCourse.objects.filter(patient=patient)
        .select_related("physiotherapist")
        .filter(Q(status=TreatmentCourse.Status.ACTIVE)
                | Q(status=TreatmentCourse.Status.COMPLETED,
                    ended_on__gte=today - DISCHARGE_DUE_FOR))
        .annotate(treatments=Count("visits", filter=Q(visits__status=Visit.Status.ATTENDED,
                                                      visits__is_needling=True)))
    )  # fmt: skip
    every = (clinic or ClinicSettings.load()).reassess_every
    return [
        (course, measure, Occasion(occasion))
        for course in courses
        for measure, occasion in questionnaires_due(
            course, measure_progress(course), course.treatments, every, today
        )
    ]

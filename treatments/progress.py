"""Where a course stands against the expected 2-3 or 6-12 IMS treatments, and what needs review.

Only needling visits (IMS treatments) count: an assessment or a follow-up without needling is
not a treatment, and the 7-10 days of the needle's effect run from the last treatment.

Clinically important change on the pain scale (NPRS): a drop of 2 points or of 30% from the
baseline (Farrar, Pain 2001). The pain before a visit is compared with the baseline, since it
shows what lasted from the week before rather than the minutes after needling.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from treatments.models import ClinicSettings, TreatmentCourse, Visit
from treatments.outcomes.measures import MeasureProgress, due_summary, questionnaires_due

IMPORTANT_DROP_POINTS = 2
IMPORTANT_DROP_SHARE = 0.3
DUE_AFTER_DAYS, OVERDUE_AFTER_DAYS = 7, 10  # the needle's effect lasts 7-10 days


@dataclass
class Flag:
    code: str
    message: str
    level: str = "warning"  # Bootstrap colour: warning, danger or info


@dataclass
class CourseProgress:
    course: TreatmentCourse
    attended: list[Visit]
    next_booking: Visit | None
    today: date
    flags: list[Flag] = field(default_factory=list)
    measures: list[MeasureProgress] = field(default_factory=list)
    due: list = field(default_factory=list)  # (measure, occasion): questionnaires to give

    @property
    def visit_count(self) -> int:
        return len(self.attended)

    @property
    def expected_label(self) -> str:
        low, high = self.course.expected_visits
        return f"IMS treatment {self.visit_count} of an expected {low}-{high}"

    @property
    def charted(self) -> list[Visit]:
        return [s for s in self.attended if s.is_charted]

    @property
    def latest_pain(self) -> int | None:
        charted = self.charted
        return charted[-1].chart.pain_before if charted else None

    @property
    def change_from_baseline(self) -> int | None:
        """Points of pain gone since the start (positive is better)."""
        if self.latest_pain is None:
            return None
        return self.course.baseline_pain - self.latest_pain

    @property
    def has_important_change(self) -> bool:
        drop, baseline = self.change_from_baseline, self.course.baseline_pain
        if drop is None or drop <= 0:
            return False
        return drop >= IMPORTANT_DROP_POINTS or (
            baseline > 0 and drop / baseline >= IMPORTANT_DROP_SHARE
        )

    @property
    def improved_measures(self) -> list[MeasureProgress]:
        """The questionnaires whose latest score passed their important change from baseline."""
        return [m for m in self.measures if m.has_important_change]

    @property
    def improved(self) -> bool:
        """An important change in pain or in function."""
        return self.has_important_change or bool(self.improved_measures)

    @property
    def review_flags(self) -> list[Flag]:
        """The flags that ask for something: every flag but good news."""
        return [flag for flag in self.flags if flag.level != "success"]

    @property
    def change_summary(self) -> str:
        """The change from baseline in words, e.g. "Pain is down 3 points from 7 (43%): an
        important change"."""
        baseline, drop = self.course.baseline_pain, self.change_from_baseline
        if drop is None:
            return f"No pain score charted yet to compare with the baseline of {baseline}."
        if drop < 0:
            return f"Pain is up {_points(-drop)} from {baseline}: worse than at the start."
        if drop == 0:
            change = f"Pain is unchanged from {baseline}"
        else:
            change = f"Pain is down {_points(drop)} from {baseline} ({drop / baseline:.0%})"
        if self.has_important_change:
            return f"{change}: an important change."
        threshold = f"{IMPORTANT_DROP_POINTS} points or {IMPORTANT_DROP_SHARE:.0%}"
        return f"{change}: not yet an important change ({threshold})."

    @property
    def numbered(self) -> list[tuple[int, Visit]]:
        """The attended visits with their number in the course, from 1."""
        return list(enumerate(self.attended, start=1))

    @property
    def last_attended(self) -> Visit | None:
        return self.attended[-1] if self.attended else None

    @property
    def days_since_last(self) -> int | None:
        last = self.last_attended
        return (self.today - last.date).days if last else None


def _points(n: int) -> str:
    return f"{n} point{'s' if n != 1 else ''}"


def course_progress(
    course: TreatmentCourse, visits: list[Visit], today: date | None = None,
    measures: list[MeasureProgress] | None = None, reassess_every: int | None = None,
) -> CourseProgress:  # fmt: skip
    """Progress of one course from its visits (already loaded, charts included) and, if given,
    its questionnaires (treatments/outcomes/measures.py)."""
    today = today or timezone.localdate()
    attended = sorted(
        (s for s in visits if s.status == Visit.Status.ATTENDED and s.is_needling),
        key=lambda s: s.starts_at,
    )
    upcoming = sorted(
        (s for s in visits if s.status == Visit.Status.BOOKED and s.date >= today),
        key=lambda s: s.starts_at,
    )
    progress = CourseProgress(course, attended, upcoming[0] if upcoming else None, today)
    if measures is not None:
        every = reassess_every or ClinicSettings.load().reassess_every
        progress.measures = measures
        progress.due = questionnaires_due(course, measures, len(attended), every, today)
    progress.flags = course_flags(progress)
    return progress


def course_flags(progress: CourseProgress) -> list[Flag]:
    flags = []
    if progress.due:
        message = _("Questionnaires due: %(due)s.") % {"due": due_summary(progress.due)}
        flags.append(Flag("questionnaires_due", message, "info"))
    if not progress.course.is_active:
        return flags
    count, improved = progress.visit_count, progress.improved
    if progress.improved_measures:
        names = ", ".join(m.measure.instrument.short_title for m in progress.improved_measures)
        message = _("Important change in function: %(measures)s.") % {"measures": names}
        flags.append(Flag("important_change", message, "success"))
    if count > 12:
        message = _("%(count)d IMS treatments, past the usual 12: re-assess.") % {"count": count}
        flags.append(Flag("past_12", message, "danger"))
    elif count >= 6 and not improved:
        message = _("No important change in pain or function after 6 treatments: review the plan.")
        flags.append(Flag("no_change_6", message, "danger"))
    elif count >= 3 and not improved:
        if progress.course.expected_length == TreatmentCourse.Length.SHORT:
            message = _("No important change in pain or function after 3 treatments: consider "
                        "the extended course (6-12).")  # fmt: skip
        else:
            message = _("No important change in pain or function after 3 treatments: keep "
                        "watching; review at 6.")  # fmt: skip
        flags.append(Flag("no_change_3", message))
    days = progress.days_since_last
    if days is not None and progress.next_booking is None and days >= DUE_AFTER_DAYS:
        if days > OVERDUE_AFTER_DAYS:
            message = _("Overdue: last IMS treatment %(days)d days ago, none booked.")
            flags.append(Flag("overdue", message % {"days": days}, "danger"))
        else:
            message = _("Next IMS treatment due: last one %(days)d days ago, none booked.")
            flags.append(Flag("due", message % {"days": days}, "info"))
    return flags


@dataclass
class ChartPoint:
    visit_number: int
    pain: int
    x: float
    y: float


@dataclass
class PainChart:
    """Pain before and after each charted visit, laid out for an inline SVG line chart.

    The page draws it on the server so that it reads without JavaScript; the table beside it
    holds the same numbers for screen readers and printing.
    """

    visit_count: int
    baseline: int
    before: list[ChartPoint]
    after: list[ChartPoint]
    width: int = 640
    height: int = 300
    left: int = 48
    right: int = 16
    top: int = 40
    bottom: int = 48

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def x_axis_y(self) -> int:
        return self.height - self.bottom

    @property
    def x_end(self) -> int:
        return self.width - self.right

    @property
    def x_middle(self) -> float:
        return self.left + self.plot_width / 2

    @property
    def legend_x(self) -> int:
        return self.width - self.right - 300

    def x(self, visit_number: int) -> float:
        # Each visit has a slot of equal width; its points sit in the middle of the slot.
        slot = self.plot_width / max(self.visit_count, 1)
        return round(self.left + (visit_number - 0.5) * slot, 1)

    def y(self, pain: int) -> float:
        return round(self.top + (10 - pain) * self.plot_height / 10, 1)

    @property
    def baseline_y(self) -> float:
        return self.y(self.baseline)

    @property
    def y_ticks(self) -> list[tuple[int, float]]:
        return [(pain, self.y(pain)) for pain in range(0, 11, 2)]

    @property
    def x_ticks(self) -> list[tuple[int, float]]:
        return [(n, self.x(n)) for n in range(1, self.visit_count + 1)]

    @property
    def before_line(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.before)

    @property
    def after_line(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.after)

    @property
    def description(self) -> str:
        scores = "; ".join(
            f"visit {b.visit_number}: {b.pain} before, {a.pain} after"
            for b, a in zip(self.before, self.after, strict=True)
        )
        return (
            f"Pain from 0 (none) to 10 (worst), before and after needling. Baseline "
            f"{self.baseline}. {scores[:1].upper()}{scores[1:]}."
        )


def pain_chart(progress: CourseProgress) -> PainChart | None:
    """The pain chart of a course, or None while no attended visit is charted."""
    chart = PainChart(progress.visit_count, progress.course.baseline_pain, [], [])
    for number, visit in progress.numbered:
        if not visit.is_charted:
            continue
        for line, pain in (
            (chart.before, visit.chart.pain_before),
            (chart.after, visit.chart.pain_after),
        ):
            line.append(ChartPoint(number, pain, chart.x(number), chart.y(pain)))
    return chart if chart.before else None

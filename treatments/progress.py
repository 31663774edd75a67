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
from django.utils.translation import ngettext

from ims_clinic.charts import LineChart, ReferenceLine, Series
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
        return _("IMS treatment %(count)s of an expected %(low)s-%(high)s") % {
            "count": self.visit_count,
            "low": low,
            "high": high,
        }

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
        drop = self.change_from_baseline
        return drop is not None and is_important_drop(drop, self.course.baseline_pain)

    @property
    def important_change_at(self) -> int | None:
        """The highest pain score that is an important change from the baseline (None from a
        baseline of 0, where pain cannot drop)."""
        baseline = self.course.baseline_pain
        return next(
            (
                pain
                for pain in range(baseline - 1, -1, -1)
                if is_important_drop(baseline - pain, baseline)
            ),
            None,
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
            return _("No pain score charted yet to compare with the baseline of %(baseline)s.") % {
                "baseline": baseline
            }
        if drop < 0:
            return _("Pain is up %(points)s from %(baseline)s: worse than at the start.") % {
                "points": _points(-drop),
                "baseline": baseline,
            }
        if drop == 0:
            change = _("Pain is unchanged from %(baseline)s") % {"baseline": baseline}
        else:
            change = _("Pain is down %(points)s from %(baseline)s (%(share)s)") % {
                "points": _points(drop),
                "baseline": baseline,
                "share": f"{drop / baseline:.0%}",
            }
        if self.has_important_change:
            return _("%(change)s: an important change.") % {"change": change}
        threshold = _("%(points)s points or %(share)s") % {
            "points": IMPORTANT_DROP_POINTS,
            "share": f"{IMPORTANT_DROP_SHARE:.0%}",
        }
        return _("%(change)s: not yet an important change (%(threshold)s).") % {
            "change": change,
            "threshold": threshold,
        }

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


def is_important_drop(drop: int, baseline: int) -> bool:
    """Whether pain down `drop` points from `baseline` is a clinically important change."""
    if drop <= 0:
        return False
    return drop >= IMPORTANT_DROP_POINTS or (
        baseline > 0 and drop / baseline >= IMPORTANT_DROP_SHARE
    )


def _points(n: int) -> str:
    return ngettext("%(count)s point", "%(count)s points", n) % {"count": n}


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


def pain_chart(progress: CourseProgress) -> LineChart | None:
    """Pain before and after needling at each attended visit, against the baseline and the
    highest score that is an important change; None while no attended visit is charted.

    A visit attended but not charted yet keeps its place on the x axis, as a gap."""
    if not progress.charted:
        return None
    before, after = [], []
    for number, visit in progress.numbered:
        charted = visit.is_charted
        before.append((str(number), visit.chart.pain_before if charted else None))
        after.append((str(number), visit.chart.pain_after if charted else None))
    baseline = progress.course.baseline_pain
    reference_lines = [ReferenceLine(_("Baseline"), baseline)]
    if progress.important_change_at is not None:
        reference_lines.append(ReferenceLine(_("Important change"), progress.important_change_at))
    return LineChart(
        title=_("Pain before and after each visit"),
        description=_(
            "Line chart of pain from 0 (none) to 10 (worst) before and after needling at each "
            "visit, with the baseline of %(baseline)s. The table beside it holds the numbers."
        )
        % {"baseline": baseline},
        x_label=_("Visit"),
        y_label=_("Pain (0-10)"),
        y_min=0,
        y_max=10,
        series=[
            Series(_("Pain before needling"), before),
            Series(_("Pain after needling"), after, dashed=True),
        ],
        reference_lines=reference_lines,
        missing=_("not charted"),
    )

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

from ims_clinic.charts import LineChart, ReferenceLine, Series
from treatments.models import TreatmentCourse, Visit

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


def is_important_drop(drop: int, baseline: int) -> bool:
    """Whether pain down `drop` points from `baseline` is a clinically important change."""
    if drop <= 0:
        return False
    return drop >= IMPORTANT_DROP_POINTS or (
        baseline > 0 and drop / baseline >= IMPORTANT_DROP_SHARE
    )


def _points(n: int) -> str:
    return f"{n} point{'s' if n != 1 else ''}"


def course_progress(course: TreatmentCourse, visits: list[Visit], today: date | None = None):
    """Progress of one course from its visits (already loaded, charts included)."""
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
    progress.flags = course_flags(progress)
    return progress


def course_flags(progress: CourseProgress) -> list[Flag]:
    if not progress.course.is_active:
        return []
    flags, count, improved = [], progress.visit_count, progress.has_important_change
    if count > 12:
        flags.append(
            Flag("past_12", f"{count} IMS treatments, past the usual 12: re-assess.", "danger")
        )
    elif count >= 6 and not improved:
        flags.append(
            Flag(
                "no_change_6", "No important change after 6 treatments: review the plan.", "danger"
            )
        )
    elif count >= 3 and not improved:
        message = "No important change after 3 treatments"
        if progress.course.expected_length == TreatmentCourse.Length.SHORT:
            message += ": consider the extended course (6-12)."
        else:
            message += ": keep watching; review at 6."
        flags.append(Flag("no_change_3", message))
    days = progress.days_since_last
    if days is not None and progress.next_booking is None and days >= DUE_AFTER_DAYS:
        if days > OVERDUE_AFTER_DAYS:
            flags.append(
                Flag(
                    "overdue",
                    f"Overdue: last IMS treatment {days} days ago, none booked.",
                    "danger",
                )
            )
        else:
            flags.append(
                Flag(
                    "due", f"Next IMS treatment due: last one {days} days ago, none booked.", "info"
                )
            )
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

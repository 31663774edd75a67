"""Where a course stands against the expected 2-3 or 6-12 sessions, and what needs review.

Clinically important change on the pain scale (NPRS): a drop of 2 points or of 30% from the
baseline (Farrar, Pain 2001). The pain before a session is compared with the baseline, since it
shows what lasted from the week before rather than the minutes after needling.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from treatments.models import Session, TreatmentCourse

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
    attended: list[Session]
    next_booking: Session | None
    today: date
    flags: list[Flag] = field(default_factory=list)

    @property
    def session_count(self) -> int:
        return len(self.attended)

    @property
    def expected_label(self) -> str:
        low, high = self.course.expected_sessions
        return f"session {self.session_count} of an expected {low}-{high}"

    @property
    def charted(self) -> list[Session]:
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
        return drop >= IMPORTANT_DROP_POINTS or (baseline > 0 and drop / baseline >= IMPORTANT_DROP_SHARE)

    @property
    def last_attended(self) -> Session | None:
        return self.attended[-1] if self.attended else None

    @property
    def days_since_last(self) -> int | None:
        last = self.last_attended
        return (self.today - last.date).days if last else None


def course_progress(course: TreatmentCourse, sessions: list[Session], today: date | None = None):
    """Progress of one course from its sessions (already loaded, charts included)."""
    today = today or timezone.localdate()
    attended = sorted(
        (s for s in sessions if s.status == Session.Status.ATTENDED), key=lambda s: s.starts_at
    )
    upcoming = sorted(
        (s for s in sessions if s.status == Session.Status.BOOKED and s.date >= today),
        key=lambda s: s.starts_at,
    )
    progress = CourseProgress(course, attended, upcoming[0] if upcoming else None, today)
    progress.flags = course_flags(progress)
    return progress


def course_flags(progress: CourseProgress) -> list[Flag]:
    if not progress.course.is_active:
        return []
    flags, count, improved = [], progress.session_count, progress.has_important_change
    if count > 12:
        flags.append(Flag("past_12", f"{count} sessions, past the usual 12: re-assess.", "danger"))
    elif count >= 6 and not improved:
        flags.append(Flag("no_change_6", "No important change after 6 sessions: review the plan.", "danger"))
    elif count >= 3 and not improved:
        message = "No important change after 3 sessions"
        if progress.course.expected_length == TreatmentCourse.Length.SHORT:
            message += ": consider the extended course (6-12)."
        else:
            message += ": keep watching; review at 6."
        flags.append(Flag("no_change_3", message))
    days = progress.days_since_last
    if days is not None and progress.next_booking is None and days >= DUE_AFTER_DAYS:
        if days > OVERDUE_AFTER_DAYS:
            flags.append(Flag("overdue", f"Overdue: last session {days} days ago, none booked.", "danger"))
        else:
            flags.append(Flag("due", f"Next session due: last one {days} days ago, none booked.", "info"))
    return flags

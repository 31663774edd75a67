"""A course's discharge summary, read from its records: IMS treatments used against the
expected range, each measure's baseline and final score, and when an important change came."""

from dataclasses import dataclass

from treatments.models import DischargeSummary, TreatmentCourse
from treatments.outcomes.measures import MeasureProgress, measure_progress
from treatments.progress import CourseProgress


@dataclass
class Summary:
    course: TreatmentCourse
    progress: CourseProgress
    measures: list[MeasureProgress]
    written: DischargeSummary | None

    @property
    def treatments(self) -> int:
        return self.progress.visit_count

    @property
    def within_expected(self) -> bool:
        low, high = self.course.expected_visits
        return low <= self.treatments <= high


def course_summary(
    course: TreatmentCourse, progress: CourseProgress, written: DischargeSummary | None
) -> Summary:
    """The course must come with_measures(); `written` is its summary on file, if any."""
    return Summary(course, progress, measure_progress(course), written)

"""Where a course stands against the expected 2-3 or 6-12 IMS treatments, and its flags."""

from datetime import date, time, timedelta

import pytest

from treatments.models import Chart, TreatmentCourse, Visit
from treatments.progress import course_progress, pain_chart

TODAY = date(2030, 6, 3)


def course(length="short", baseline=7, status="active") -> TreatmentCourse:
    return TreatmentCourse(expected_length=length, baseline_pain=baseline, status=status)


def attended(days_ago: int, pain_before: int, *, needling: bool = True) -> Visit:
    visit = Visit(
        date=TODAY - timedelta(days=days_ago), start_time=time(10), status="attended",
        is_needling=needling,
    )  # fmt: skip
    visit.starts_at = -days_ago  # only the order matters here
    visit.chart = Chart(pain_before=pain_before, pain_after=max(0, pain_before - 2))
    return visit


def booked(days_ahead: int) -> Visit:
    visit = Visit(date=TODAY + timedelta(days=days_ahead), start_time=time(10), status="booked")
    visit.starts_at = days_ahead
    return visit


def progress_of(course_, pains: list[int], last_days_ago=3, *extra):
    visits = [attended(last_days_ago + 7 * (len(pains) - 1 - i), p) for i, p in enumerate(pains)]
    return course_progress(course_, [*visits, *extra], today=TODAY)


def codes(progress) -> set[str]:
    return {flag.code for flag in progress.flags}


def test_it_counts_ims_treatments_against_the_expected_range():
    label = progress_of(course("short"), [7, 6, 5]).expected_label
    assert label == "IMS treatment 3 of an expected 2-3"


def test_an_assessment_or_follow_up_without_needling_is_not_a_treatment():
    assessment = attended(1, 6, needling=False)
    progress = progress_of(course("short"), [7, 6], 3, assessment)
    assert progress.visit_count == 2
    assert progress.days_since_last == 3  # from the last IMS treatment, not the follow-up
    assert (
        progress_of(course("extended"), [7]).expected_label == "IMS treatment 1 of an expected 6-12"
    )


@pytest.mark.parametrize(
    "baseline,latest,important",
    [(7, 5, True), (7, 6, False), (3, 2, True), (10, 8, True), (7, 7, False), (5, 6, False)],
)
def test_an_important_change_is_two_points_or_thirty_percent(baseline, latest, important):
    progress = progress_of(course(baseline=baseline), [baseline, latest])
    assert progress.has_important_change is important


def test_it_compares_the_latest_pain_before_a_visit_with_the_baseline():
    progress = progress_of(course(baseline=8), [8, 6, 4])
    assert progress.latest_pain == 4
    assert progress.change_from_baseline == 4


def test_no_change_after_three_visits_suggests_the_extended_course():
    progress = progress_of(course("short", 6), [6, 6, 6], 3, booked(4))
    assert codes(progress) == {"no_change_3"}
    assert "consider the extended course" in progress.flags[0].message


def test_no_change_after_six_visits_asks_for_a_review():
    progress = progress_of(course("extended", 6), [6, 6, 6, 6, 6, 6], 3, booked(4))
    assert codes(progress) == {"no_change_6"}


def test_a_course_past_twelve_visits_asks_for_a_re_assessment():
    progress = progress_of(
        course("extended", 9), [9, 8, 7, 6, 5, 4, 3, 3, 3, 3, 3, 3, 3], 3, booked(4)
    )
    assert codes(progress) == {"past_12"}


def test_improving_courses_have_no_flags():
    assert codes(progress_of(course("short", 7), [7, 5, 3], 3, booked(4))) == set()


@pytest.mark.parametrize("days,flag", [(6, None), (7, "due"), (10, "due"), (11, "overdue")])
def test_the_next_visit_is_due_seven_to_ten_days_after_the_last(days, flag):
    progress = progress_of(course("short", 7), [7, 4], days)
    assert codes(progress) == ({flag} if flag else set())


def test_a_booked_next_visit_clears_the_due_flag():
    assert codes(progress_of(course("short", 7), [7, 4], 9, booked(1))) == set()


def test_an_ended_course_has_no_flags():
    assert codes(progress_of(course("short", 6, "completed"), [6, 6, 6], 20)) == set()


@pytest.mark.parametrize("baseline", range(0, 11))
def test_the_important_change_line_is_the_highest_score_that_is_an_important_change(baseline):
    at = progress_of(course(baseline=baseline), [baseline]).important_change_at
    if baseline == 0:
        assert at is None
        return
    assert progress_of(course(baseline=baseline), [at]).has_important_change
    assert not progress_of(course(baseline=baseline), [at + 1]).has_important_change


def test_the_pain_chart_has_pain_before_and_after_with_the_baseline_and_important_change():
    chart = pain_chart(progress_of(course(baseline=7), [7, 5, 4]))
    data = chart.data()
    assert data["labels"] == ["1", "2", "3"]
    assert [s["values"] for s in data["series"]] == [[7, 5, 4], [5, 3, 2]]
    assert data["referenceLines"] == [
        {"label": "Baseline", "y": 7},
        {"label": "Important change", "y": 5},
    ]
    assert (data["yMin"], data["yMax"], data["reverse"]) == (0, 10, False)
    assert chart.table().headers == ["Visit", "Pain before needling", "Pain after needling"]


def test_a_course_with_no_charted_visit_has_no_pain_chart():
    progress = progress_of(course(), [7])
    progress.attended[0].chart = None
    assert pain_chart(progress) is None
    assert pain_chart(progress_of(course(), [])) is None

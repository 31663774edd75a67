"""The clinic's results counted: by session 3, 6 and 12, not at all, no questionnaires, the
median, the breakdowns, and a fixed number of queries however many courses."""

from datetime import timedelta

import pytest

from tests.factories import TODAY, make_course, make_physiotherapist
from tests.treatments.outcomes.results_data import (
    LAST_MONTH,
    NOT_AT_ALL,
    answer,
    completed_course,
    course_reaching,
    make_instrument,
)
from treatments.models import TreatmentCourse
from treatments.outcomes.results import clinic_results

pytestmark = pytest.mark.django_db
A_YEAR = {"date_from": TODAY - timedelta(days=364), "date_to": TODAY}


def counts(tally) -> dict:
    return {
        "completed": tally.completed, "by 3": tally.by_session[3], "by 6": tally.by_session[6],
        "by 12": tally.by_session[12], "later": tally.later, "not at all": tally.not_at_all,
        "no questionnaires": tally.no_questionnaires,
    }  # fmt: skip


def breakdown(results, key: str) -> dict:
    found = next(b for b in results.breakdowns if b.key == key)
    return {tally.label: counts(tally) for tally in found.tallies}


@pytest.fixture
def physiotherapist(db):
    return make_physiotherapist(first_name="Priya", last_name="Physio")


def test_it_counts_each_completed_course_by_the_session_of_its_first_important_change(
    physiotherapist,
):
    for session in [2, 3, 5, 6, 9, 12, 14, NOT_AT_ALL]:
        course_reaching(session, physiotherapist)
    completed_course(physiotherapist)  # no questionnaire at all
    # Two important answers: the first, after 4 treatments, counts.
    twice = completed_course(physiotherapist)
    answer(twice, make_instrument(), (4, True), (10, True))

    overall = clinic_results(**A_YEAR).overall

    assert counts(overall) == {
        "completed": 10, "by 3": 2, "by 6": 5, "by 12": 7, "later": 1, "not at all": 1,
        "no questionnaires": 1,
    }  # fmt: skip
    assert overall.sessions_to_change == [2, 3, 4, 5, 6, 9, 12, 14]
    assert overall.median == 5.5


def test_a_course_with_questionnaires_but_no_answer_after_baseline_reached_no_change(
    physiotherapist,
):
    answer(completed_course(physiotherapist), make_instrument())
    assert counts(clinic_results(**A_YEAR).overall)["not at all"] == 1


def test_only_courses_completed_in_the_period_count(physiotherapist):
    course_reaching(3, physiotherapist, ended_on=TODAY)
    course_reaching(3, physiotherapist, ended_on=TODAY - timedelta(days=364))
    course_reaching(3, physiotherapist, ended_on=TODAY - timedelta(days=365))
    discontinued = course_reaching(3, physiotherapist)
    discontinued.status, discontinued.end_reason = "discontinued", "Moved away"
    discontinued.save()
    active = make_course(physiotherapist=physiotherapist)
    answer(active, make_instrument(), (2, True))

    assert clinic_results(**A_YEAR).overall.completed == 2


def test_the_median_is_kept_back_until_five_courses_reached_a_change(physiotherapist):
    for session in [3, 4, 6, 8]:
        course_reaching(session, physiotherapist)
    assert clinic_results(**A_YEAR).overall.median is None
    course_reaching(9, physiotherapist)
    assert clinic_results(**A_YEAR).overall.median == 6


def test_free_text_regions_fall_in_a_few_groups(physiotherapist):
    regions = [
        "Right low back", "LUMBAR spine", "Sciatica, left", "Neck and upper trapezius",
        "L shoulder", "Tennis elbow", "Left knee", "Hip and groin", "Headaches", "",
    ]  # fmt: skip
    for region in regions:
        course_reaching(3, physiotherapist, region=region)

    by_region = breakdown(clinic_results(**A_YEAR), "region")

    assert {label: tally["completed"] for label, tally in by_region.items()} == {
        "Low back": 3, "Neck": 1, "Shoulder and arm": 2, "Hip and leg": 2, "Other": 2,
    }  # fmt: skip


def test_results_are_broken_down_by_physiotherapist_by_their_names(physiotherapist):
    nameless = make_physiotherapist(username="jo", first_name="", last_name="")
    course_reaching(3, physiotherapist)
    course_reaching(NOT_AT_ALL, physiotherapist)
    course_reaching(7, nameless)

    by_physiotherapist = breakdown(clinic_results(**A_YEAR), "physiotherapist")

    assert by_physiotherapist["Priya Physio"]["by 3"] == 1
    assert by_physiotherapist["Priya Physio"]["not at all"] == 1
    assert by_physiotherapist["jo"]["by 12"] == 1
    assert list(by_physiotherapist) == ["jo", "Priya Physio"]


def test_by_measure_counts_each_questionnaire_of_each_course(physiotherapist):
    odi, psfs = make_instrument("odi"), make_instrument("psfs", "PSFS")
    course = completed_course(physiotherapist)
    answer(course, odi, (3, True))
    answer(course, psfs, (3, False), (6, True))
    answer(completed_course(physiotherapist), psfs, (4, False))

    results = clinic_results(**A_YEAR)

    assert counts(results.overall)["by 3"] == 1
    by_measure = breakdown(results, "measure")
    assert by_measure["ODI"] == {**by_measure["ODI"], "completed": 1, "by 3": 1}
    assert by_measure["PSFS"] == {
        "completed": 2, "by 3": 0, "by 6": 1, "by 12": 1, "later": 0, "not at all": 1,
        "no questionnaires": 0,
    }  # fmt: skip


def test_small_counts_are_shown_as_fewer_than_five_in_cells_and_left_out_of_the_chart(
    physiotherapist,
):
    for session in [2, 2, 2, 5, 5, 5, 5, 5]:
        course_reaching(session, physiotherapist)

    results = clinic_results(**A_YEAR)

    assert results.overall.cells() == [8, "fewer than 5", 8, 8, 0, 0, 0, "5"]
    chart = results.breakdowns[0].chart()
    assert chart.data()["labels"] == ["Low back"]
    assert [(s["label"], s["values"]) for s in chart.data()["series"]] == [
        ("By session 3", [None]), ("By session 6", [8]), ("By session 12", [8]),
        ("No important change", [0]),
    ]  # fmt: skip
    assert chart.table().rows == [["Low back", "fewer than 5", "8", "8", "0"]]


def a_clinic(physiotherapists: list, times: int) -> None:
    """Courses of every kind, `times` over, spread over regions and physiotherapists."""
    odi, psfs = make_instrument("odi"), make_instrument("psfs", "PSFS")
    regions = ["Low back", "Neck", "Shoulder", "Knee", "Jaw"]
    for n in range(times):
        for i, session in enumerate([2, 5, 11, 15, NOT_AT_ALL]):
            physiotherapist = physiotherapists[(n + i) % len(physiotherapists)]
            course_reaching(session, physiotherapist, odi, region=regions[i])
        both = completed_course(physiotherapists[n % 2], region="Neck")
        answer(both, psfs, (3, True))
        answer(both, odi, (3, False))
        completed_course(physiotherapists[0])


@pytest.mark.parametrize("times", [1, 3])
def test_the_results_take_seven_queries_however_many_courses(
    django_assert_num_queries, physiotherapist, times
):
    a_clinic([physiotherapist, make_physiotherapist()], times)
    with django_assert_num_queries(7):
        results = clinic_results(**A_YEAR)
    assert results.overall.completed == 7 * times


def test_with_no_course_completed_everything_is_zero_and_no_median(physiotherapist):
    results = clinic_results(**A_YEAR)
    assert counts(results.overall) == dict.fromkeys(counts(results.overall), 0)
    assert results.overall.median is None
    assert all(not b.tallies for b in results.breakdowns)


def test_a_completed_course_on_the_first_and_last_day_of_the_period_counts(physiotherapist):
    course_reaching(3, physiotherapist, ended_on=LAST_MONTH)
    assert clinic_results(date_from=LAST_MONTH, date_to=LAST_MONTH).overall.completed == 1
    day_after = LAST_MONTH + timedelta(days=1)
    assert clinic_results(date_from=day_after, date_to=TODAY).overall.completed == 0


def test_completed_courses_only_count_once_whatever_their_answers(physiotherapist):
    course = course_reaching(3, physiotherapist)
    answer(course, make_instrument("ndi"), (2, True), (5, True))
    assert clinic_results(**A_YEAR).overall.completed == 1
    assert TreatmentCourse.objects.count() == 1

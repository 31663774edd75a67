"""Where a course's questionnaires stand: what is due, and the flags that read function."""

from datetime import timedelta

import pytest

from tests.factories import TODAY, make_course, make_visit
from tests.treatments.outcomes.helpers import measure_of, odi, psfs
from treatments.models import MeasureResponse, TreatmentCourse
from treatments.outcomes import services
from treatments.outcomes.measures import measure_progress, with_measures
from treatments.progress import course_progress

pytestmark = pytest.mark.django_db
Occasion = MeasureResponse.Occasion


def progress_of(course, every=4):
    course = with_measures(TreatmentCourse.objects).get(pk=course.pk)
    return course_progress(course, list(course.visits.all()), TODAY, measure_progress(course),
                           every)  # fmt: skip


def typed(measure, occasion, answers, on=TODAY):
    return services.record_response(measure, occasion=occasion, answers=answers,
                                    answered_on=on, source="typed")  # fmt: skip


def treatments(course, count):
    for week in range(count, 0, -1):
        make_visit(course, TODAY - timedelta(weeks=week), status="attended")


def due(progress):
    return [(m.instrument.code, occasion) for m, occasion in progress.due]


def test_a_new_measure_is_due_at_baseline_and_flagged():
    course = make_course()
    measure_of(course, "odi")
    progress = progress_of(course)
    assert due(progress) == [("odi", Occasion.BASELINE)]
    assert "Questionnaires due: ODI baseline." in [f.message for f in progress.flags]


def test_a_reassessment_is_due_every_fourth_treatment_and_once():
    course = make_course(baseline_pain=2)
    measure = measure_of(course, "odi")
    typed(measure, Occasion.BASELINE, odi(40), on=course.started_on)
    treatments(course, 3)
    assert due(progress_of(course)) == []
    make_visit(course, TODAY, status="attended")
    assert due(progress_of(course)) == [("odi", Occasion.REASSESSMENT)]
    typed(measure, Occasion.REASSESSMENT, odi(36))
    assert due(progress_of(course)) == []


def test_the_clinic_sets_how_often_to_reassess():
    course = make_course()
    typed(measure_of(course, "odi"), Occasion.BASELINE, odi(40), on=course.started_on)
    treatments(course, 2)
    assert due(progress_of(course, every=2)) == [("odi", Occasion.REASSESSMENT)]


def test_a_completed_course_asks_for_its_discharge_answers_for_a_month():
    course = make_course()
    typed(measure_of(course, "odi"), Occasion.BASELINE, odi(40), on=course.started_on)
    course.status, course.ended_on = "completed", TODAY - timedelta(days=3)
    course.save()
    assert due(progress_of(course)) == [("odi", Occasion.DISCHARGE)]
    course.ended_on = TODAY - timedelta(days=31)
    course.save()
    assert due(progress_of(course)) == []


def test_an_important_change_in_function_stops_the_no_change_flag():
    course = make_course(baseline_pain=3)
    measure = measure_of(course, "odi")
    typed(measure, Occasion.BASELINE, odi(50), on=course.started_on)
    treatments(course, 3)
    assert "no_change_3" in {f.code for f in progress_of(course).flags}
    typed(measure, Occasion.REASSESSMENT, odi(30))
    codes = {f.code for f in progress_of(course).flags}
    assert "important_change" in codes
    assert "no_change_3" not in codes


def test_the_change_from_baseline_is_positive_when_better_whichever_way_the_score_runs():
    course = make_course()
    odi_measure, psfs_measure = measure_of(course, "odi"), measure_of(course, "psfs")
    typed(odi_measure, Occasion.BASELINE, odi(50))
    typed(odi_measure, Occasion.REASSESSMENT, odi(38))
    for occasion, each in ((Occasion.BASELINE, 2), (Occasion.REASSESSMENT, 5)):
        answers, activities = psfs(each, each, each)
        services.record_response(psfs_measure, occasion=occasion, answers=answers,
                                 activities=activities, source="typed")  # fmt: skip
    changes = {m.measure.instrument.code: m.change for m in progress_of(course).measures}
    assert changes == {"odi": 12, "psfs": 3}

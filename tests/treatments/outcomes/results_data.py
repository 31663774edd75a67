"""Courses completed with their questionnaires' answers, for the clinic's results.

Answers are saved directly, with the IMS treatments before each and whether it passed the
MCID, as the scoring service would have saved them.
"""

from datetime import date, timedelta

from tests.factories import TODAY, make_course, make_physiotherapist
from treatments.models import CourseMeasure, Instrument, MeasureResponse, TreatmentCourse

LAST_MONTH = TODAY - timedelta(days=30)
NOT_AT_ALL = None


def make_instrument(code: str = "odi", short_title: str | None = None) -> Instrument:
    definition = {"code": code, "short_title": short_title or code.upper(),
                  "mcid": {"points": 10}, "higher_is_better": False}  # fmt: skip
    return Instrument.objects.get_or_create(
        code=code, defaults={"title": f"{code.upper()} questionnaire", "definition": definition}
    )[0]


def completed_course(
    physiotherapist=None, *, ended_on: date = LAST_MONTH, **fields
) -> TreatmentCourse:
    return make_course(
        physiotherapist=physiotherapist or make_physiotherapist(),
        status=TreatmentCourse.Status.COMPLETED, ended_on=ended_on,
        started_on=ended_on - timedelta(days=90), **fields,
    )  # fmt: skip


def answer(course: TreatmentCourse, instrument: Instrument, *answers: tuple[int, bool]):
    """A baseline, then an answer after each (IMS treatments before, important change?)."""
    measure, _new = CourseMeasure.objects.get_or_create(course=course, instrument=instrument)
    day = course.started_on
    MeasureResponse.objects.create(
        measure=measure, occasion=MeasureResponse.Occasion.BASELINE, answered_on=day,
        score=40, treatments_before=0, source=MeasureResponse.Source.TYPED,
    )  # fmt: skip
    for treatments, important in answers:
        MeasureResponse.objects.create(
            measure=measure, occasion=MeasureResponse.Occasion.REASSESSMENT,
            answered_on=day + timedelta(weeks=treatments), score=20 if important else 35,
            treatments_before=treatments, is_important_change=important,
            source=MeasureResponse.Source.TYPED,
        )  # fmt: skip
    return measure


def course_reaching(session: int | None, physiotherapist=None, instrument=None, **fields):
    """A completed course whose one questionnaire passed its MCID at `session`, or never
    (NOT_AT_ALL: answered at baseline and after 4 IMS treatments, with no important change)."""
    course = completed_course(physiotherapist, **fields)
    instrument = instrument or make_instrument()
    if session is NOT_AT_ALL:
        answer(course, instrument, (4, False))
    else:
        answer(course, instrument, (max(session - 1, 0), False), (session, True))
    return course

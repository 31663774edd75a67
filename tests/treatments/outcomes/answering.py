"""What the answering tests share: a course measuring with a shipped instrument, and a PSFS
filled in as a patient would."""

from tests.factories import make_course
from treatments.models import CourseMeasure, Instrument
from treatments.outcomes.answer_forms import questions_of


def measure_for(instrument: Instrument, course=None, **course_fields) -> CourseMeasure:
    course = course or make_course(**course_fields)
    return CourseMeasure.objects.create(course=course, instrument=instrument)


PSFS_ACTIVITIES = [("Gardening", "3"), ("Lifting my grandchild", "4"), ("Running", "2")]


def psfs_answers(instrument: Instrument, **changes) -> dict:
    """Three activities named and scored, as the answer form sends them."""
    data = {}
    items = questions_of(instrument.definition)
    for item, (name, score) in zip(items, PSFS_ACTIVITIES, strict=False):
        data[f"{item['linkId']}-name"], data[item["linkId"]] = name, score
    return {**data, **changes}

"""What the answering tests share: the shipped instruments as rows, and a course measuring
with them."""

import pytest

from tests.factories import make_course
from treatments.models import CourseMeasure, Instrument
from treatments.outcomes.instruments import definitions


@pytest.fixture
def instruments(db) -> dict[str, Instrument]:
    """Every shipped instrument, by code, as the data migration leaves them."""
    return {
        definition["code"]: Instrument.objects.update_or_create(
            code=definition["code"],
            defaults={"title": definition["title"], "definition": definition},
        )[0]
        for definition in definitions().values()
    }


def measure_for(instruments, code: str, course=None, **course_fields) -> CourseMeasure:
    course = course or make_course(**course_fields)
    return CourseMeasure.objects.create(course=course, instrument=instruments[code])

"""Booking through the services, for the tests of the booking rules and services."""

from datetime import date, time, timedelta

from tests.factories import IMS_TREATMENT, TODAY, visit_type
from treatments.booking import services
from treatments.models import TreatmentCourse, Visit

# The Monday after the clock's Tuesday: a week the clinic is open, wholly ahead.
MONDAY = TODAY + timedelta(days=6)


def book(
    course: TreatmentCourse, day: date, at: time = time(10), kind: str = IMS_TREATMENT, **fields
) -> Visit:
    """Book a visit of the course's patient through the service, with the course's
    physiotherapist unless another is given."""
    fields.setdefault("physiotherapist", course.physiotherapist)
    return services.book_visit(
        patient=course.patient, course=course, visit_type=visit_type(kind), day=day,
        start_time=at, **fields,
    )  # fmt: skip

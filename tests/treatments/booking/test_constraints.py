"""PostgreSQL's exclusion constraints hold the weekly rule (needling visits only) and no double
booking for every path, even rows written without the booking services.

Each is tested twice, as STYLE.md asks: for its message, and through objects.create() (an
IntegrityError). Visit.full_clean() leaves these two to the booking rules, whose message names
the conflicting visit (RULES_CHECKED_IN_PYTHON in treatments/models.py); so the message is
tested through that rule, and through the constraint's own validate(), which gives its
violation_error_message to any other caller.
"""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    IMS_TREATMENT,
    INITIAL_ASSESSMENT,
    make_course,
    make_patient,
    make_physiotherapist,
    visit_type,
)
from tests.treatments.booking.helpers import MONDAY
from treatments.booking import rules
from treatments.models import NEEDLING_DAYS_APART, Visit, main_location_id

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def constraint(name: str):
    return next(c for c in Visit._meta.constraints if c.name == name)


def row(course, day, at=time(10), kind=IMS_TREATMENT, **fields) -> dict:
    """A visit's fields as a row written straight to the table, with its type's length."""
    of_type = visit_type(kind)
    return {
        "patient": course.patient, "course": course, "physiotherapist": course.physiotherapist,
        "visit_type": of_type, "is_needling": of_type.is_needling,
        "duration_minutes": of_type.length_minutes, "date": day, "start_time": at,
        "location_id": main_location_id(), **fields,
    }  # fmt: skip


def refused_by_database(constraint_name: str, **fields) -> bool:
    try:
        with transaction.atomic():
            Visit.objects.create(**fields)
    except IntegrityError as error:
        assert constraint_name in str(error)
        return True
    return False


# Once a week, for needling visits -----------------------------------------------------------


@pytest.mark.parametrize("days", [0, 1, 6, -6])
def test_the_database_refuses_two_ims_treatments_less_than_a_week_apart(course, days):
    Visit.objects.create(**row(course, MONDAY))
    # At another time, so that only the weekly rule can refuse it.
    later = row(course, MONDAY + timedelta(days=days), time(15))
    assert refused_by_database("visit_once_a_week", **later)
    assert course.visits.count() == 1


def test_the_database_allows_ims_treatments_a_week_apart(course):
    Visit.objects.create(**row(course, MONDAY))
    Visit.objects.create(**row(course, MONDAY + timedelta(days=NEEDLING_DAYS_APART)))
    Visit.objects.create(**row(course, MONDAY - timedelta(days=NEEDLING_DAYS_APART)))
    assert course.visits.count() == 3


@pytest.mark.parametrize(
    "kind", [INITIAL_ASSESSMENT, "Re-assessment", "Follow-up without needling"]
)
def test_the_database_counts_needling_visits_only(course, kind):
    Visit.objects.create(**row(course, MONDAY))
    Visit.objects.create(**row(course, MONDAY + timedelta(days=3), kind=kind))
    Visit.objects.create(**row(course, MONDAY, time(15), kind=kind))
    assert course.visits.count() == 3


@pytest.mark.parametrize("status", [Visit.Status.CANCELLED, Visit.Status.NO_SHOW])
def test_the_database_does_not_count_cancelled_or_missed_treatments(course, status):
    cancelled = {"cancellation_reason": "Flu", "cancelled_at": course.created_at}
    extra = cancelled if status == Visit.Status.CANCELLED else {}
    Visit.objects.create(**row(course, MONDAY, status=status, **extra))
    Visit.objects.create(**row(course, MONDAY + timedelta(days=2)))
    assert course.visits.count() == 2


def test_the_database_counts_the_treatments_of_every_course_of_a_patient(course):
    neck = make_course(course.patient, make_physiotherapist(), region="Left neck")
    Visit.objects.create(**row(course, MONDAY))
    assert refused_by_database("visit_once_a_week", **row(neck, MONDAY + timedelta(days=2)))
    # Another patient's IMS treatment that day is no concern of the weekly rule.
    someone_else = make_course(make_patient(), course.physiotherapist)
    Visit.objects.create(**row(someone_else, MONDAY + timedelta(days=2)))


def test_the_database_refuses_an_update_that_breaks_the_weekly_rule(course):
    Visit.objects.create(**row(course, MONDAY))
    assessment = Visit.objects.create(
        **row(course, MONDAY + timedelta(days=3), kind="Re-assessment")
    )
    later = Visit.objects.create(**row(course, MONDAY + timedelta(days=7)))
    # Turning the assessment into a needling visit, or moving a visit into the week, by update.
    with pytest.raises(IntegrityError, match="visit_once_a_week"), transaction.atomic():
        Visit.objects.filter(pk=assessment.pk).update(is_needling=True)
    with pytest.raises(IntegrityError, match="visit_once_a_week"), transaction.atomic():
        Visit.objects.filter(pk=later.pk).update(date=MONDAY + timedelta(days=5))


def test_the_weekly_rule_gives_a_readable_message(course):
    Visit.objects.create(**row(course, MONDAY))
    too_close = Visit(**row(course, MONDAY + timedelta(days=2)))
    too_close.full_clean()  # left to the booking rule, which names the conflicting visit
    with pytest.raises(ValidationError, match=r"Monday 16 March 2026 at 10:00 \(2 days apart\)"):
        rules.check_once_a_week(too_close)
    with pytest.raises(ValidationError) as refused:
        constraint("visit_once_a_week").validate(Visit, too_close)
    assert refused.value.messages == [
        "IMS is given at most once a week: needling visits of one patient are at least 7 days "
        "apart."
    ]


# No double booking, whatever the type -------------------------------------------------------


def another_patients_course(course):
    return make_course(make_patient(), course.physiotherapist)


def test_the_database_refuses_overlapping_visits_of_a_physiotherapist(course):
    Visit.objects.create(**row(course, MONDAY, time(10), kind=INITIAL_ASSESSMENT))  # to 11:00
    other = another_patients_course(course)
    assert refused_by_database("visit_no_double_booking", **row(other, MONDAY, time(10, 30)))
    assert refused_by_database(
        "visit_no_double_booking", **row(other, MONDAY, time(9, 30), kind="Re-assessment")
    )
    assert Visit.objects.count() == 1


def test_the_database_allows_back_to_back_visits_and_other_physiotherapists(course):
    Visit.objects.create(**row(course, MONDAY, time(10), kind=INITIAL_ASSESSMENT))
    other = another_patients_course(course)
    Visit.objects.create(**row(other, MONDAY, time(11), kind="Follow-up without needling"))
    Visit.objects.create(**row(other, MONDAY, time(9, 15), kind="Re-assessment"))
    elsewhere = make_course(make_patient(), make_physiotherapist())
    Visit.objects.create(**row(elsewhere, MONDAY, time(10, 30)))
    assert Visit.objects.count() == 4


@pytest.mark.parametrize("status", [Visit.Status.CANCELLED, Visit.Status.NO_SHOW])
def test_the_database_frees_the_time_of_a_cancelled_or_missed_visit(course, status):
    cancelled = {"cancellation_reason": "Flu", "cancelled_at": course.created_at}
    extra = cancelled if status == Visit.Status.CANCELLED else {}
    Visit.objects.create(**row(course, MONDAY, kind=INITIAL_ASSESSMENT, status=status, **extra))
    Visit.objects.create(**row(another_patients_course(course), MONDAY, time(10, 30)))
    assert Visit.objects.count() == 2


def test_the_database_refuses_an_attended_visit_over_a_booked_one(course):
    Visit.objects.create(**row(course, MONDAY, status=Visit.Status.ATTENDED))
    assert refused_by_database(
        "visit_no_double_booking", **row(another_patients_course(course), MONDAY, time(10, 15))
    )


def test_the_database_refuses_an_update_that_double_books(course):
    Visit.objects.create(**row(course, MONDAY, time(10)))
    later = Visit.objects.create(**row(another_patients_course(course), MONDAY, time(11)))
    with pytest.raises(IntegrityError, match="visit_no_double_booking"), transaction.atomic():
        # Only starts_at, as a careless script might: 11:00-11:30 becomes 10:20-11:30.
        Visit.objects.filter(pk=later.pk).update(starts_at=later.starts_at - timedelta(minutes=40))


def test_double_booking_gives_a_readable_message(course):
    Visit.objects.create(**row(course, MONDAY, time(10), kind=INITIAL_ASSESSMENT))
    clash = Visit(**row(another_patients_course(course), MONDAY, time(10, 30)))
    clash.full_clean()  # left to the booking rule, which names the visit in the way
    with pytest.raises(ValidationError) as refused:
        rules.check_no_double_booking(clash)
    assert refused.value.messages == [
        "Priya Physio already has a visit on Monday 16 March 2026 from 10:00 to 11:00."
    ]
    with pytest.raises(ValidationError) as refused:
        constraint("visit_no_double_booking").validate(Visit, clash)
    assert refused.value.messages == ["This physiotherapist already has a visit then."]

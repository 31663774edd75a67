"""People saving at the same moment cannot together break a booking rule (PostgreSQL).

Each booking runs in its own thread and database connection, all let go at once.
"""

import threading
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import (
    IMS_TREATMENT,
    INITIAL_ASSESSMENT,
    make_course,
    make_patient,
    make_physiotherapist,
    visit_type,
)
from tests.treatments.booking.helpers import MONDAY
from treatments.booking import rules, services
from treatments.models import Visit

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]
PEOPLE = 20


@dataclass
class Booking:
    course: object
    day: date
    start: time
    kind: str = IMS_TREATMENT
    in_course: bool = True


def book_at_once(bookings: list[Booking]) -> list[tuple[str, str]]:
    """Each booking from its own thread and connection, all let go at once: (outcome, what)."""
    results, start = [], threading.Barrier(len(bookings), timeout=30)

    def book(booking: Booking) -> None:
        try:
            start.wait()
            services.book_visit(
                patient=booking.course.patient,
                course=booking.course if booking.in_course else None,
                physiotherapist=booking.course.physiotherapist,
                visit_type=visit_type(booking.kind),
                day=booking.day,
                start_time=booking.start,
            )
            results.append(("saved", booking.kind))
        except ValidationError as error:
            results.append(("refused", " ".join(error.messages)))
        except Exception as error:  # the test reports any other failure
            results.append(("error", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(booking,)) for booking in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(bookings), "a booking did not finish"
    return results


def outcomes(results) -> list[str]:
    return sorted(outcome for outcome, _ in results)


def one_week_of_ims_treatments(course) -> list[Booking]:
    """PEOPLE bookings of the course's patient, each on its own day and time of one week."""
    return [
        Booking(course, MONDAY + timedelta(days=n % 5), time(9 + n // 5 * 2)) for n in range(PEOPLE)
    ]


def test_twenty_people_booking_one_patients_week_at_once_save_one_ims_treatment():
    course = make_course()
    results = book_at_once(one_week_of_ims_treatments(course))
    assert outcomes(results) == ["refused"] * (PEOPLE - 1) + ["saved"], results
    assert course.visits.count() == 1
    for outcome, message in results:
        if outcome == "refused":
            assert "IMS is given at most once a week" in message


def test_an_assessment_booked_at_the_same_moment_is_saved_beside_the_ims_treatment():
    course = make_course()
    assessment = Booking(course, MONDAY + timedelta(days=2), time(16), INITIAL_ASSESSMENT, False)
    results = book_at_once([*one_week_of_ims_treatments(course), assessment])
    assert ("saved", INITIAL_ASSESSMENT) in results
    assert outcomes(results) == ["refused"] * (PEOPLE - 1) + ["saved", "saved"], results
    assert course.patient.visits.needling().count() == 1
    assert course.patient.visits.count() == 2


def test_the_database_alone_refuses_a_second_ims_treatment_within_a_week(monkeypatch):
    monkeypatch.setattr(rules, "check_once_a_week", lambda visit, earliest=None: None)
    course = make_course()
    results = book_at_once([Booking(course, MONDAY, time(10)), Booking(course, MONDAY, time(14))])
    assert outcomes(results) == ["refused", "saved"], results
    assert ("refused", str(rules.error_messages["patient_race"])) in results
    assert course.visits.count() == 1


def overlapping_bookings_of_one_physiotherapist() -> list[Booking]:
    """Four patients' visits of different lengths with one physiotherapist, all running over
    10:30-10:45 on one day."""
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    wanted = [
        (time(10), INITIAL_ASSESSMENT), (time(10, 15), IMS_TREATMENT),
        (time(10, 20), "Follow-up without needling"), (time(10, 30), "Re-assessment"),
    ]  # fmt: skip
    return [
        Booking(make_course(make_patient(), physiotherapist), MONDAY, start, kind)
        for start, kind in wanted
    ]


def test_people_booking_one_physiotherapists_time_at_once_save_one_visit():
    results = book_at_once(overlapping_bookings_of_one_physiotherapist())
    assert outcomes(results) == ["refused", "refused", "refused", "saved"], results
    assert Visit.objects.filter(date=MONDAY).count() == 1
    for outcome, message in results:
        if outcome == "refused":
            assert "Priya Physio already has a visit on Monday 16 March 2026 from" in message


def test_the_database_alone_refuses_a_second_visit_at_the_same_time(monkeypatch):
    monkeypatch.setattr(rules, "check_no_double_booking", lambda visit: None)
    results = book_at_once(overlapping_bookings_of_one_physiotherapist())
    assert outcomes(results) == ["refused", "refused", "refused", "saved"], results
    assert results.count(("refused", str(rules.error_messages["physiotherapist_race"]))) == 3
    assert Visit.objects.filter(date=MONDAY).count() == 1

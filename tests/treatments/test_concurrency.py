"""Two people saving at the same moment cannot both break a booking rule (PostgreSQL)."""

import threading
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import make_course, make_patient, make_physiotherapist
from treatments import scheduling
from treatments.models import Visit

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]
MONDAY = date(2030, 3, 4)
THREADS = 4


def book_at_once(course, days: list[date], courses=None) -> list[tuple[str, str]]:
    """Book each day (on each course) from its own thread and connection, all let go at once."""
    courses = courses or [course] * len(days)
    results, start = [], threading.Barrier(len(days), timeout=10)

    def book(day: date, course) -> None:
        try:
            start.wait()
            scheduling.book_visit(
                course=course,
                physiotherapist=course.physiotherapist,
                day=day,
                start_time=time(10, 0),
            )
            results.append(("saved", str(day)))
        except ValidationError as error:
            results.append(("refused", " ".join(error.messages)))
        except Exception as error:  # the test reports any other failure
            results.append(("error", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=pair) for pair in zip(days, courses, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_only_one_of_several_conflicting_bookings_saved_at_once_is_kept():
    course = make_course(started_on=date(2030, 1, 1))
    results = book_at_once(course, [MONDAY + timedelta(days=k) for k in range(THREADS)])
    assert sorted(outcome for outcome, _ in results) == ["refused"] * (THREADS - 1) + ["saved"]
    assert Visit.objects.filter(course=course).count() == 1
    for outcome, message in results:
        if outcome == "refused":
            assert "at most once a week" in message
            assert "The nearest allowed dates are" in message


def test_the_database_alone_refuses_a_second_visit_within_a_week(monkeypatch):
    monkeypatch.setattr(scheduling, "check_once_a_week", lambda visit: None)
    course = make_course(started_on=date(2030, 1, 1))
    results = book_at_once(course, [MONDAY, MONDAY + timedelta(days=2)])
    assert sorted(outcome for outcome, _ in results) == ["refused", "saved"], results
    assert Visit.objects.filter(course=course).count() == 1


def test_only_one_of_several_bookings_of_the_same_slot_is_kept():
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Singh")
    courses = [
        make_course(make_patient(), physiotherapist, started_on=date(2030, 1, 1)) for _ in range(3)
    ]
    results = book_at_once(courses[0], [MONDAY] * 3, courses)
    assert sorted(outcome for outcome, _ in results) == ["refused", "refused", "saved"], results
    assert Visit.objects.filter(date=MONDAY).count() == 1
    for outcome, message in results:
        if outcome == "refused":
            assert "Priya Singh already has a visit on Monday 4 March 2030" in message

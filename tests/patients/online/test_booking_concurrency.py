"""A patient's bookings sent at the same moment (two tabs, a double press, a script) cannot
together pass the clinic's limit of visits held online (PostgreSQL)."""

import threading
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from patients.online.booking import OnlineBookingError, book_online
from tests.factories import make_course, make_physiotherapist, visit_type
from tests.patients.online.helpers import bookable_online, online_patient, open_online_booking
from treatments.models import Visit

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]
AT_ONCE = 5


def test_bookings_at_the_same_moment_keep_to_the_limit_held_online():
    open_online_booking()
    physiotherapist = bookable_online(make_physiotherapist())
    course = make_course(online_patient(), physiotherapist)
    # The live clock: a Monday two weeks on or later, then one visit a week.
    first = timezone.localdate() + timedelta(days=14)
    first += timedelta(days=-first.weekday())
    ims, results, start = visit_type(), [], threading.Barrier(AT_ONCE, timeout=30)

    def book(week: int) -> None:
        try:
            start.wait()
            book_online(patient=course.patient, visit_type=ims, physiotherapist=physiotherapist,
                        day=first + timedelta(weeks=week), start_time=time(10))  # fmt: skip
            results.append("saved")
        except OnlineBookingError as error:
            results.append(str(error))
        except Exception as error:  # the test reports any other failure
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(week,)) for week in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count("saved") == 2, results
    refused = [result for result in results if result != "saved"]
    assert all("You already hold 2 visits booked online" in result for result in refused)
    assert Visit.objects.filter(booked_online=True).count() == 2

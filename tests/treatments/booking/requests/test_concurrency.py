"""Two front desk clicks on one request at the same moment book it once (PostgreSQL, where
the request's row is locked; SQLite's transactions queue whole)."""

import threading
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from patients.models import Patient
from tests.factories import make_front_desk, make_physiotherapist, visit_type
from tests.treatments.booking.helpers import MONDAY
from tests.treatments.booking.requests.helpers import a_request, turn_on_online_booking
from treatments.booking.requests import services
from treatments.models import AppointmentRequest, Visit

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data", "clock"),
]
CLICKS = 6


def test_several_front_desk_clicks_at_once_book_a_request_once():
    turn_on_online_booking()
    found = a_request()
    physiotherapists = [make_physiotherapist() for _ in range(CLICKS)]
    desk, assessment = make_front_desk(), visit_type("Initial assessment")
    results, start = [], threading.Barrier(CLICKS, timeout=30)

    def click(physiotherapist) -> None:
        # Each with another physiotherapist: only the request itself can stop the second.
        try:
            start.wait()
            services.book_request(
                AppointmentRequest.objects.get(pk=found.pk), by=desk,
                physiotherapist=physiotherapist, visit_type=assessment, day=MONDAY,
                start_time=time(10),
            )  # fmt: skip
            results.append("booked")
        except ValidationError as error:
            results.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(user,)) for user in physiotherapists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    refused = str(services.error_messages["handled"])
    assert sorted(results) == sorted(["booked"] + [refused] * (CLICKS - 1))
    assert Visit.objects.count() == 1 and Patient.objects.count() == 1

"""People and a fixed clock for the treatments view tests."""

import zoneinfo
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings

from tests.factories import make_clinic_admin, make_front_desk, make_physiotherapist, make_user

# A Tuesday at noon in the clinic's time zone.
TODAY = date(2026, 3, 10)


@pytest.fixture
def clock():
    noon = datetime(2026, 3, 10, 12, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(noon, tick=False) as traveller:
        yield traveller


@pytest.fixture
def physiotherapist(clock):
    return make_physiotherapist(first_name="Priya", last_name="Physio")


@pytest.fixture
def front_desk():
    return make_front_desk(first_name="Fran", last_name="Desk")


@pytest.fixture
def clinic_admin():
    return make_clinic_admin(first_name="Casey", last_name="Admin")


@pytest.fixture
def outsider():
    """Signed in, but holding no role."""
    return make_user(first_name="Olly", last_name="Outsider")

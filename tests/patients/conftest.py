"""The people of the patients tests: a physiotherapist, a front-desk user, a clinic admin."""

import pytest

from tests.factories import make_clinic_admin, make_front_desk, make_patient, make_physiotherapist


@pytest.fixture
def physiotherapist(db):
    return make_physiotherapist(first_name="Priya", last_name="Physio")


@pytest.fixture
def front_desk(db):
    return make_front_desk(first_name="Frankie", last_name="Desk")


@pytest.fixture
def clinic_admin(db):
    return make_clinic_admin(first_name="Casey", last_name="Admin")


@pytest.fixture
def patient(db):
    return make_patient(legal_first_name="Avery", legal_last_name="Lopez", phone="604-555-0199")

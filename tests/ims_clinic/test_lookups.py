"""The clinic's lookups: numbers no column can hold match nothing, on every database."""

import pytest
from django.contrib.auth.models import Group

from patients.models import Patient
from tests.factories import make_patient

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**64
BEYOND_32_BITS = 2**31  # PostgreSQL's integer; SQLite's hold it


def test_an_in_lookup_leaves_out_numbers_the_column_cannot_hold():
    # SQLite failed with OverflowError; Django's exact lookup already matched nothing.
    patient = make_patient()
    assert list(Patient.objects.filter(pk__in=[BEYOND_64_BITS, patient.pk])) == [patient]
    assert list(Patient.objects.filter(pk__in=[BEYOND_64_BITS, -BEYOND_64_BITS])) == []
    assert list(Patient.objects.filter(pk__in=[str(BEYOND_64_BITS)])) == []
    assert Patient.objects.exclude(pk__in=[BEYOND_64_BITS]).count() == 1


def test_it_keeps_every_number_the_column_holds():
    roles = Group.objects.all()
    assert set(roles.filter(pk__in=[*roles.values_list("pk", flat=True), -1])) == set(roles)
    assert list(roles.filter(pk__in=[BEYOND_32_BITS])) == []

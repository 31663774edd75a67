"""The reads that must stay fast on years of records can use their indexes (PostgreSQL).

With a handful of test rows the planner would rather read the table (or walk the index that
gives the order); those plans are turned off for the test's transaction, so that the plan shows
whether an index fits the query at all.
"""

from datetime import date, time, timedelta

import pytest
from django.db import connection

from patients.models import Patient
from tests.factories import make_course, make_patient, make_physiotherapist, make_visit
from treatments.models import TreatmentCourse, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def plan_of(queryset, *, bitmap_only: bool = False) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if bitmap_only:
            cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


def test_the_patient_search_uses_the_trigram_indexes():
    make_patient(legal_first_name="Nora", legal_last_name="Calwood")
    plan = plan_of(Patient.objects.search("nora calw").active(), bitmap_only=True)
    assert "patient_first_name_trgm" in plan and "patient_last_name_trgm" in plan
    assert "patient_email_upper_idx" in plan


def test_a_search_by_phone_uses_the_trigram_index():
    plan = plan_of(Patient.objects.search("555 0199"), bitmap_only=True)
    assert "patient_phone_digits_trgm" in plan


def test_the_due_list_starts_from_the_active_courses():
    plan = plan_of(TreatmentCourse.objects.active().filter(patient__archived_at__isnull=True))
    assert "course_active_patient_idx" in plan


def test_a_physiotherapists_week_is_read_through_its_index():
    """With visits of theirs over many weeks and a colleague's filling the week, and only this
    index among the plain ones (dropped in the test's transaction, which rolls back): the
    planner took the date's or the physiotherapist's index at about the same cost, depending
    on what it last knew of the table, so the test asks only whether this index fits."""
    physiotherapist = make_physiotherapist()
    colleague = make_physiotherapist(username="colleague")
    week = (date(2030, 3, 4), date(2030, 3, 4) + timedelta(days=6))
    for day in range(5):
        for hour in range(9, 13):
            make_visit(make_course(physiotherapist=colleague), week[0] + timedelta(days=day),
                       time(hour))  # fmt: skip
    for weeks in range(1, 21):
        make_visit(make_course(physiotherapist=physiotherapist),
                   week[0] + timedelta(weeks=weeks), time(9))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass"
            " AND NOT indisprimary AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)",
            ["treatments_visit"],
        )
        for (name,) in cursor.fetchall():
            if name != "visit_physiotherapist_date_idx":
                cursor.execute(f'DROP INDEX "{name}"')  # names read from the catalogue above
        cursor.execute("ANALYZE treatments_visit")
    plan = plan_of(Visit.objects.filter(physiotherapist=physiotherapist, date__range=week))
    assert "visit_physiotherapist_date_idx" in plan

"""The benchmark's large demo clinic, written in bulk: the rules hold and history is kept."""

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from patients.models import Consent, Patient, Screening
from treatments.demo_bulk import create_large_clinic
from treatments.models import Chart, NeedledSite, TreatmentCourse, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(settings):
    settings.DEBUG = True
    return create_large_clinic(30, 300, progress=lambda line: None)


def test_it_writes_about_as_many_visits_as_asked(clinic):
    assert Patient.objects.count() == clinic.patients == 30
    assert 270 <= Visit.objects.count() == clinic.visits <= 330
    assert Chart.objects.count() == clinic.charts > 200


def test_no_patient_has_two_visits_within_a_week(clinic):
    days = defaultdict(list)
    for patient, day in Visit.objects.counting().values_list("patient", "date"):
        days[patient].append(day)
    for dates in days.values():
        dates.sort()
        assert all((later - earlier).days >= 7 for earlier, later in pairwise(dates))


def test_no_physiotherapist_has_two_visits_at_once(clinic):
    visits = defaultdict(list)
    for visit in Visit.objects.counting():
        visits[visit.physiotherapist_id].append((visit.starts_at, visit.ends_at))
    for spans in visits.values():
        spans.sort()
        assert all(end <= next_start for (_, end), (next_start, _) in pairwise(spans))


def test_it_spreads_the_work_over_six_physiotherapists(clinic):
    assert Visit.objects.values("physiotherapist").distinct().count() == 6


def test_visits_look_like_a_real_clinics(clinic):
    today = timezone.localdate()
    past = Visit.objects.filter(date__lt=today)
    assert set(past.values_list("status", flat=True)) <= {"attended", "cancelled", "no_show"}
    assert past.filter(status="attended").count() > 0.8 * past.count()
    assert not Visit.objects.filter(date__gte=today, status="attended").exists()
    assert Visit.objects.filter(date__gte=today, status="booked").exists()
    assert not Visit.objects.filter(status="cancelled", cancellation_reason="").exists()
    for visit in Visit.objects.all()[:20]:
        starts_at = visit.starts_at
        visit.set_times()  # what save() would have filled in
        assert visit.starts_at == starts_at


def test_attended_visits_have_charts_with_needled_sites(clinic):
    week_ago = timezone.localdate() - timedelta(days=7)
    old = Visit.objects.filter(status="attended", date__lt=week_ago)
    assert not old.filter(chart__isnull=True).exists()
    assert NeedledSite.objects.count() == 2 * Chart.objects.count()


def test_every_patient_with_visits_is_screened_and_has_consented(clinic):
    booked = Patient.objects.filter(visits__isnull=False).distinct()
    assert not booked.filter(screenings__isnull=True).exists()
    assert not booked.filter(consents__isnull=True).exists()
    assert TreatmentCourse.objects.filter(status="active").exists()
    assert (
        TreatmentCourse.objects.exclude(status="active").filter(ended_on__isnull=True).count() == 0
    )


@pytest.mark.parametrize(
    "model", [Patient, Screening, Consent, TreatmentCourse, Visit, Chart, NeedledSite]
)
def test_every_record_has_its_first_version_in_history(clinic, model):
    assert model.history.filter(history_type="+").count() == model.objects.count()


def test_records_saved_afterwards_get_the_next_free_ids(clinic):
    last = Patient.objects.order_by("-pk").first()
    assert Patient.objects.create(
        legal_first_name="New", legal_last_name="Patient", date_of_birth=last.date_of_birth,
        phone="604-555-9999",
    ).pk > last.pk  # fmt: skip


def test_the_command_writes_in_bulk_when_given_a_number_of_visits(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo", patients=12, visits=120)
    output = capsys.readouterr().out
    assert "Loaded a demo clinic with 12 patients" in output
    assert "okafor" in output  # six physiotherapists
    assert Visit.objects.count() > 100


def test_the_command_refuses_a_silly_number_of_visits(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--visits must be from 0"):
        call_command("load_demo", patients=10, visits=-1)

"""The benchmark's large demo clinic, written in bulk: the rules hold and history is kept."""

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from patients.models import Consent, Patient, Screening
from treatments.demo_bulk import create_large_clinic
from treatments.models import (
    Chart,
    Location,
    NeedledSite,
    TreatmentCourse,
    Visit,
    VisitType,
    WaitlistEntry,
    WorkingHours,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(settings):
    settings.DEBUG = True
    return create_large_clinic(30, 300)


@pytest.fixture
def two_locations(settings):
    """Eight physiotherapists at two locations: the large clinic's shape, smaller."""
    settings.DEBUG = True
    return create_large_clinic(60, 600, locations=2, physiotherapists=8)


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


def test_it_spreads_the_work_over_four_physiotherapists_at_one_location(clinic):
    assert Visit.objects.values("physiotherapist").distinct().count() == 4
    assert set(Visit.objects.values_list("location", flat=True)) == {
        Location.objects.open().get().pk
    }


def test_it_tells_how_many_patients_are_written_as_it_goes(settings):
    settings.DEBUG = True
    told = []
    create_large_clinic(30, 300, progress=told.append)
    assert told[-1] == 30


def test_a_physiotherapist_sees_at_most_35_patients_a_week(two_locations):
    weeks = defaultdict(int)
    for visit in Visit.objects.counting():
        weeks[visit.physiotherapist_id, visit.date.isocalendar()[:2]] += 1
    assert max(weeks.values()) <= 35


def test_each_location_has_its_physiotherapists_and_one_also_works_at_the_other(two_locations):
    assert Location.objects.open().count() == 2
    places = defaultdict(set)
    for physiotherapist, location in WorkingHours.objects.values_list(
        "physiotherapist", "location"
    ):
        places[physiotherapist].add(location)
    assert len(places) == 8
    assert sorted(len(where) for where in places.values()) == [1] * 6 + [2] * 2


def test_every_visit_is_within_its_physiotherapists_hours_where_they_work_then(two_locations):
    hours = {(h.physiotherapist_id, h.weekday): h for h in WorkingHours.objects.all()}
    visits = Visit.objects.all()
    assert visits.values("location").distinct().count() == 2
    for visit in visits:
        working = hours[visit.physiotherapist_id, visit.date.weekday()]
        assert working.starts_at <= visit.start_time
        assert visit.ends_at.astimezone(timezone.get_current_timezone()).time() <= working.ends_at
        assert visit.location_id == working.location_id


def test_each_course_starts_with_an_assessment_and_most_visits_are_ims(two_locations):
    for course in TreatmentCourse.objects.all()[:40]:
        first = course.visits.order_by("date").first()
        assert not first.is_needling
        assert first.visit_type.length_minutes >= 45
    assert Visit.objects.filter(is_needling=True).count() > 0.6 * Visit.objects.count()
    for visit in Visit.objects.select_related("visit_type")[:50]:
        assert visit.duration_minutes == visit.visit_type.length_minutes
        assert visit.is_needling == visit.visit_type.is_needling
    assert VisitType.objects.filter(visits__isnull=False).distinct().count() >= 3


def test_a_few_patients_are_on_the_waitlist(two_locations):
    assert WaitlistEntry.objects.waiting().exists()


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


def test_attended_visits_have_charts_with_needled_sites_or_a_visit_note(clinic):
    week_ago = timezone.localdate() - timedelta(days=7)
    old = Visit.objects.filter(status="attended", date__lt=week_ago)
    assert not old.filter(chart__isnull=True).exists()
    needling = Chart.objects.filter(kind="needling")
    assert NeedledSite.objects.count() == 2 * needling.count()
    assert set(needling.values_list("visit__is_needling", flat=True)) == {True}
    assert set(Chart.objects.filter(kind="note").values_list("visit__is_needling", flat=True)) == {
        False
    }


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
    call_command("load_demo", patients=12, visits=120, locations=2, physiotherapists=6)
    output = capsys.readouterr().out
    assert "Loaded a demo clinic with 12 patients" in output
    assert "okafor" in output  # six physiotherapists
    assert Visit.objects.count() > 100
    assert Location.objects.open().count() == 2


def test_the_command_refuses_a_silly_number_of_visits(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--visits must be from 0"):
        call_command("load_demo", patients=10, visits=-1)


@pytest.mark.parametrize(
    ("locations", "physiotherapists", "message"),
    [(0, 4, "--locations must be from 1 to 6"), (7, 40, "--locations must be from 1 to 6"),
     (5, 4, "--physiotherapists must be from --locations to 200")],
)  # fmt: skip
def test_the_command_refuses_a_clinic_it_cannot_make(
    settings, locations, physiotherapists, message
):
    settings.DEBUG = True
    with pytest.raises(CommandError, match=message):
        call_command("load_demo", patients=10, visits=100, locations=locations,
                     physiotherapists=physiotherapists)  # fmt: skip

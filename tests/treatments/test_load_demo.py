from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from patients.models import Patient
from patients.online.access import may_sign_in
from patients.roles import CLINIC_ADMIN, FRONT_DESK, PHYSIOTHERAPIST, has_role
from treatments.models import Instrument, MeasureResponse, TreatmentCourse, Visit
from treatments.outcomes.measures import due_for_patient, measure_progress, with_measures
from treatments.progress import course_progress

pytestmark = pytest.mark.django_db


def test_it_creates_the_demo_staff_with_their_roles_and_prints_their_logins(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo", patients=9)
    output = capsys.readouterr().out
    for username, password, role in [("admin", "demo-admin-2026", CLINIC_ADMIN),
                                     ("lee", "demo-physio-2026", PHYSIOTHERAPIST),
                                     ("desk", "demo-desk-2026", FRONT_DESK)]:  # fmt: skip
        assert f"{username:<8} {password}" in output
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password) and has_role(user, role)


def test_it_loads_courses_of_both_lengths_with_flags_firing(settings):
    settings.DEBUG = True
    call_command("load_demo", patients=18)
    assert Patient.objects.count() == 18
    lengths = set(TreatmentCourse.objects.values_list("expected_length", flat=True))
    assert lengths == {"short", "extended"}
    flags = set()
    for course in TreatmentCourse.objects.prefetch_related("visits__chart"):
        flags |= {flag.code for flag in course_progress(course, list(course.visits.all())).flags}
    assert {"no_change_3", "no_change_6", "past_12", "overdue", "due"} <= flags
    assert Visit.objects.attended_not_charted().exists()


def test_its_courses_have_questionnaires_from_baseline_to_discharge(settings):
    settings.DEBUG = True
    call_command("load_demo", patients=18)
    flags = set()
    for course in with_measures(TreatmentCourse.objects.prefetch_related("visits__chart")):
        progress = course_progress(course, list(course.visits.all()), None,
                                   measure_progress(course))  # fmt: skip
        flags |= {flag.code for flag in progress.flags}
    assert {"questionnaires_due", "important_change"} <= flags
    occasions = set(MeasureResponse.objects.values_list("occasion", flat=True))
    assert occasions == {"baseline", "reassessment", "discharge"}
    completed = TreatmentCourse.objects.filter(status="completed")
    assert completed.count() == 18
    assert MeasureResponse.objects.filter(measure__course__in=completed, is_important_change=True)
    # The demo's patients can answer every questionnaire, in stand-in text where it is licensed.
    assert all(instrument.has_text for instrument in Instrument.objects.all())


def test_it_can_run_twice_without_making_duplicates(settings, django_user_model):
    settings.DEBUG = True
    call_command("load_demo", patients=3)
    call_command("load_demo", patients=3)
    assert django_user_model.objects.filter(username="admin").count() == 1
    assert Patient.objects.count() == 3


def test_it_refuses_to_run_with_debug_off(settings, django_user_model):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=1"):
        call_command("load_demo")
    assert not django_user_model.objects.exists()


@pytest.mark.parametrize("patients", [-1, 100_001])
def test_it_refuses_a_silly_number_of_patients(settings, patients):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="from 0 to 100000"):
        call_command("load_demo", patients=patients)


def test_its_patient_for_the_online_pages_may_sign_in_and_has_a_questionnaire_to_answer(
    settings, capsys
):
    settings.DEBUG = True
    call_command("load_demo", patients=3)
    assert "as patient2@example.com" in capsys.readouterr().out
    patient = Patient.objects.get(email="patient2@example.com")
    assert may_sign_in(patient)
    due = due_for_patient(patient, timezone.localdate())
    assert [(measure.instrument.code, occasion) for _course, measure, occasion in due] == [
        ("nprs", "baseline")
    ]


def test_it_loads_on_a_day_when_an_assessment_would_take_a_treatments_slot(settings):
    """On 30 November 2026 one patient's hour-long assessment overlapped another's half-hour
    treatment with the same physiotherapist, and `make run` stopped: assessments come last."""
    settings.DEBUG = True
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=ZoneInfo(settings.TIME_ZONE))):
        call_command("load_demo", patients=12)
    assert Patient.objects.count() == 12
    assert Visit.objects.filter(visit_type__name="Initial assessment").exists()

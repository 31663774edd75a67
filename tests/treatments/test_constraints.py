"""Each constraint, tested through full_clean() (the message) and create() (the database).

A visit's constraints are tested with the booking rules, in tests/treatments/booking/."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import TODAY, make_course, make_physiotherapist, make_visit
from treatments.charting import record_chart
from treatments.models import Chart, NeedledSite, PhysiotherapistProfile, TreatmentCourse

pytestmark = pytest.mark.django_db


def refused_by_database(model, **fields) -> bool:
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_a_course_baseline_pain_above_ten_is_refused():
    course = make_course()
    course.baseline_pain = 11
    with pytest.raises(ValidationError, match="less than or equal to 10"):
        course.full_clean()
    fields = {
        "patient": course.patient,
        "physiotherapist": course.physiotherapist,
        "region": "Neck",
        "goals": "x",
        "baseline_pain": 11,
    }
    assert refused_by_database(TreatmentCourse, **fields)


def test_a_finished_course_needs_an_end_date_and_a_discontinued_one_a_reason():
    course = make_course()
    course.status = TreatmentCourse.Status.DISCONTINUED
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "A finished course has an end date" in str(error.value)
    assert "Give the reason the course was discontinued" in str(error.value)
    fields = {
        "patient": course.patient,
        "physiotherapist": course.physiotherapist,
        "region": "Neck",
        "goals": "x",
        "baseline_pain": 5,
        "status": "completed",
    }
    assert refused_by_database(TreatmentCourse, **fields)
    fields.update(status="discontinued", ended_on=TODAY)
    assert refused_by_database(TreatmentCourse, **fields)


def test_a_course_cannot_end_before_it_starts():
    course = make_course(started_on=TODAY - timedelta(days=10))
    course.status, course.ended_on = "completed", TODAY - timedelta(days=20)
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        course.full_clean()


def test_an_authorization_needs_an_expiry_date():
    user = make_physiotherapist()
    profile = PhysiotherapistProfile(user=user, registration_number="X", needling_authorized=True)
    with pytest.raises(ValidationError, match="expires"):
        profile.full_clean(exclude=["user"])
    PhysiotherapistProfile.objects.filter(user=user).delete()
    assert refused_by_database(PhysiotherapistProfile, user=user, registration_number="X",
                               needling_authorized=True)  # fmt: skip


def chart_fields(**fields) -> dict:
    return {"consent_confirmed": True, "patient_position": "prone", "pain_before": 6,
            "pain_after": 3, "note": "Fresh note", **fields}  # fmt: skip


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"pain_before": 11}, "less than or equal to 10"),
        ({"consent_confirmed": False}, "Confirm consent for this visit"),
        ({"electrical_stimulation": True}, "Give Hz, mA and minutes"),
        ({"stimulation_hz": 2}, "Give Hz, mA and minutes"),
    ],
)
def test_a_chart_keeps_its_rules_in_the_database(fields, message):
    course = make_course()
    visit = make_visit(course, TODAY - timedelta(days=1), status="attended")
    chart = Chart(visit=visit, charted_by=course.physiotherapist, **chart_fields(**fields))
    with pytest.raises(ValidationError, match=message):
        chart.full_clean()
    assert refused_by_database(Chart, visit=visit, charted_by=course.physiotherapist,
                               **chart_fields(**fields))  # fmt: skip


def test_a_spinal_segment_that_does_not_exist_is_refused():
    site = NeedledSite(muscle="Multifidus", side="left", site_type="paraspinal",
                       spinal_segment="Z9", response="grasp")  # fmt: skip
    with pytest.raises(ValidationError, match="Z9"):
        site.full_clean(exclude=["chart"])
    course = make_course()
    visit = make_visit(course, TODAY - timedelta(days=1), status="attended")
    chart = Chart.objects.create(visit=visit, charted_by=course.physiotherapist,
                                        **chart_fields())  # fmt: skip
    site_fields = {"muscle": "M", "side": "left", "site_type": "paraspinal", "response": "grasp"}
    assert refused_by_database(NeedledSite, chart=chart, spinal_segment="T13", **site_fields)


def test_record_chart_is_not_a_way_around_the_rules():
    course = make_course()
    visit = make_visit(course, TODAY - timedelta(days=1))
    with pytest.raises(ValidationError, match="No screening"):
        record_chart(visit=visit, chart=Chart(**chart_fields()), sites=[],
                     adverse_events=[], charted_by=course.physiotherapist)  # fmt: skip
    assert not Chart.objects.exists()


def test_a_course_cannot_be_opened_for_an_archived_patient():
    course = make_course()
    course.patient.archive()
    new_course = TreatmentCourse(patient=course.patient, physiotherapist=course.physiotherapist,
                                 region="Neck", goals="x", baseline_pain=5)  # fmt: skip
    with pytest.raises(ValidationError, match="archived"):
        new_course.full_clean()
    course.goals = "Still editable after archiving"
    course.full_clean()

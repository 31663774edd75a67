"""Small factory functions for the people and records the tests need. No fixed keys.

The one chart builder, chart_visit, goes through the charting service, as the chart page does;
make_visit arranges a test's visits directly, without the booking rules, so that a test can set
up any past (the rules themselves are tested through the booking services).
"""

from datetime import date, datetime, time, timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from patients.models import Consent, Patient, Screening
from patients.roles import CLINIC_ADMIN, FRONT_DESK, PHYSIOTHERAPIST
from treatments.charting import record_chart
from treatments.models import (
    AdverseEvent,
    Chart,
    NeedledSite,
    PhysiotherapistProfile,
    TreatmentCourse,
    Visit,
    VisitType,
    main_location_id,
)

PASSWORD = "a-long-test-password-2026"
TODAY = date(2026, 3, 10)  # the one clock's day (tests/conftest.py): a Tuesday
IMS_TREATMENT = "IMS treatment"
INITIAL_ASSESSMENT = "Initial assessment"
_numbers = count(1)


def make_user(role: str | None = None, **fields):
    n = next(_numbers)
    fields = {"username": f"user{n}", "first_name": "Sam", "last_name": f"Staff{n}", **fields}
    user = get_user_model().objects.create_user(password=PASSWORD, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_physiotherapist(*, authorized_until: date | None = None, **fields):
    """A physiotherapist with a needling authorization that is current unless told otherwise."""
    user = make_user(PHYSIOTHERAPIST, is_staff=True, **fields)
    expires = authorized_until or timezone.localdate() + timedelta(days=365)
    PhysiotherapistProfile.objects.create(
        user=user, registration_number=f"PT{user.pk:05}", needling_authorized=True,
        authorization_expires=expires,
    )  # fmt: skip
    return user


def make_front_desk(**fields):
    return make_user(FRONT_DESK, **fields)


def make_clinic_admin(**fields):
    return make_user(CLINIC_ADMIN, is_staff=True, **fields)


def make_patient(**fields) -> Patient:
    n = next(_numbers)
    defaults = {
        "legal_first_name": "Pat", "legal_last_name": f"Patient{n}",
        "date_of_birth": date(1980, 5, 17), "phone": f"604-555-{n:04}",
        "email": f"pat{n}@example.com", "primary_concern": "Low back pain",
    }  # fmt: skip
    return Patient.objects.create(**{**defaults, **fields})


def make_screening(patient: Patient, by, **fields) -> Screening:
    fields.setdefault("screened_on", timezone.localdate() - timedelta(days=60))
    return Screening.objects.create(patient=patient, signed_by=by, **fields)


def make_consent(patient: Patient, by, **fields) -> Consent:
    fields.setdefault("consented_on", timezone.localdate() - timedelta(days=60))
    fields.setdefault("explained", list(Consent.Topic.values))
    return Consent.objects.create(patient=patient, obtained_by=by, **fields)


def make_course(patient: Patient | None = None, physiotherapist=None, **fields) -> TreatmentCourse:
    patient = patient or make_patient()
    physiotherapist = physiotherapist or make_physiotherapist()
    defaults = {
        "region": "Right low back", "goals": "Garden without pain", "baseline_pain": 7,
        "started_on": timezone.localdate() - timedelta(days=60),
    }  # fmt: skip
    return TreatmentCourse.objects.create(
        patient=patient, physiotherapist=physiotherapist, **{**defaults, **fields}
    )


def ready_for_needling(patient: Patient | None = None, physiotherapist=None) -> TreatmentCourse:
    """A course whose patient is screened and has consented: needling may be charted."""
    physiotherapist = physiotherapist or make_physiotherapist()
    patient = patient or make_patient()
    make_screening(patient, physiotherapist)
    make_consent(patient, physiotherapist)
    return make_course(patient, physiotherapist)


def visit_type(name: str = IMS_TREATMENT) -> VisitType:
    """One of the types a fresh install has (treatments/migrations/0011_visit_types.py)."""
    return VisitType.objects.get(name=name)


def make_visit(
    course: TreatmentCourse | None, day: date, at: time | None = None, *,
    kind: str = IMS_TREATMENT, **fields,
) -> Visit:  # fmt: skip
    """A visit saved directly, without the booking rules (for arranging a test's past).

    Without a time it takes 10:00, or the next half hour the physiotherapist has free that day,
    so arranged visits never trip the database's no-double-booking constraint. Without a course
    it needs `patient` and `physiotherapist`. A cancelled one is given a reason and a time.
    """
    of_type = fields.pop("visit_type", None) or visit_type(kind)
    fields.setdefault("patient", course.patient if course else None)
    fields.setdefault("physiotherapist", course.physiotherapist if course else None)
    at = at or first_free_time(fields["physiotherapist"], day)
    if fields.get("status") == Visit.Status.CANCELLED:
        fields.setdefault("cancellation_reason", "Patient unwell")
        fields.setdefault("cancelled_at", timezone.make_aware(datetime.combine(day, at)))
    fields.setdefault("duration_minutes", of_type.length_minutes)
    if "location" not in fields:
        fields.setdefault("location_id", main_location_id())
    visit = Visit(
        course=course, visit_type=of_type, is_needling=of_type.is_needling, date=day,
        start_time=at, **fields,
    )  # fmt: skip
    visit.save()
    return visit


def chart_visit(
    visit: Visit, by, *, sites: int = 1, muscles: list[str] = (), events: list[dict] = (),
    pain=(7, 4), note: str = "First note", sign: bool = True, **fields,
) -> Chart:  # fmt: skip
    """Chart a visit through the service, as the chart page would; signed unless asked not.

    A needling visit gets a needled site for each of `muscles`, or `sites` of them named
    "Muscle 1", "Muscle 2"..., and the adverse `events` given; the patient is
    screened and consents first if nothing on file allows needling that day. Any other visit
    gets a visit note.
    """
    before, after = pain
    rows, adverse = [], [AdverseEvent(**event) for event in events]
    if visit.is_needling:
        patient = visit.patient
        if not patient.screenings.filter(screened_on__lte=visit.date).exists():
            make_screening(patient, by, screened_on=visit.date)
        if not patient.consents.filter(consented_on__lte=visit.date).exists():
            make_consent(patient, by, consented_on=visit.date)
        chart = Chart(consent_confirmed=True, patient_position="prone", pain_before=before,
                      pain_after=after, note=note, **fields)  # fmt: skip
        rows = [
            NeedledSite(muscle=muscle, side="left", site_type="paraspinal",
                        spinal_segment="L4", response="twitch")
            for muscle in muscles or [f"Muscle {n}" for n in range(1, sites + 1)]
        ]  # fmt: skip
    else:
        chart = Chart(reported=note, plan="Review in a week", pain_before=before, **fields)
    return record_chart(
        visit=visit, chart=chart, sites=rows, adverse_events=adverse, charted_by=by, sign=sign
    )


def first_free_time(physiotherapist, day: date, start: time = time(10, 0)) -> time:
    taken = set(
        Visit.objects.counting()
        .filter(physiotherapist=physiotherapist, date=day)
        .values_list("start_time", flat=True)
    )
    moment = datetime.combine(day, start)
    while moment.time() in taken:
        moment += timedelta(minutes=30)
    return moment.time()

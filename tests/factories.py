"""Small factory functions for the people and records the tests need. No fixed keys."""

from datetime import date, datetime, time, timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from patients.models import Consent, Patient, Screening
from patients.roles import CLINIC_ADMIN, FRONT_DESK, PHYSIOTHERAPIST
from treatments.models import PhysiotherapistProfile, TreatmentCourse, Visit

PASSWORD = "a-long-test-password-2026"
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


def make_visit(course: TreatmentCourse, day: date, at: time | None = None, **fields) -> Visit:
    """A visit saved directly, bypassing the booking rules (for arranging a test's past).

    Without a time it takes 10:00, or the next half hour the physiotherapist has free that day,
    so arranged visits never trip the database's no-double-booking constraint.
    """
    at = at or first_free_time(course.physiotherapist, day)
    visit = Visit(
        patient=course.patient, course=course, physiotherapist=course.physiotherapist,
        date=day, start_time=at, **fields,
    )  # fmt: skip
    visit.save()
    return visit


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

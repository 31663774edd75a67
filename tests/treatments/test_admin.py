"""The admin keeps the same rules as the app: the weekly rule, no deletes, roles."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import make_clinic_admin, make_course, make_front_desk, make_visit
from treatments.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(started_on=date.today() - timedelta(days=30))


def admin_visit_form(course, day: date) -> dict:
    return {"patient": course.patient.pk, "course": course.pk,
            "physiotherapist": course.physiotherapist.pk, "date": day.isoformat(),
            "start_time": "10:00", "duration_minutes": 30, "status": "booked",
            "cancellation_reason": ""}  # fmt: skip


def test_a_physiotherapist_books_in_the_admin_within_the_weekly_rule(client, course):
    client.force_login(course.physiotherapist)
    day = date.today() + timedelta(days=3)
    response = client.post(reverse("admin:treatments_visit_add"), admin_visit_form(course, day))
    assert response.status_code == 302
    assert Visit.objects.get(course=course).date == day


def test_the_admin_refuses_a_visit_six_days_after_another(client, course):
    make_visit(course, date.today() + timedelta(days=3))
    client.force_login(course.physiotherapist)
    day = date.today() + timedelta(days=9)
    response = client.post(reverse("admin:treatments_visit_add"), admin_visit_form(course, day))
    assert response.status_code == 200
    assert "at most once a week" in response.content.decode()
    assert Visit.objects.filter(course=course).count() == 1


def test_the_admin_cannot_delete_a_visit_or_a_patient(client, course):
    visit = make_visit(course, date.today() + timedelta(days=3))
    client.force_login(course.physiotherapist)
    assert client.get(reverse("admin:treatments_visit_delete", args=[visit.pk])).status_code == 403
    patient_delete = reverse("admin:patients_patient_delete", args=[course.patient.pk])
    assert client.post(patient_delete, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:patients_patient_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert Visit.objects.filter(pk=visit.pk).exists()


@pytest.mark.parametrize("make_staff", [make_clinic_admin, make_front_desk])
def test_staff_who_are_not_physiotherapists_see_no_clinical_records_in_the_admin(
    client, course, make_staff
):
    user = make_staff()
    user.is_staff = True
    user.save()
    client.force_login(user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Visits" not in index and "Screenings" not in index
    for name in ["patients_patient", "patients_screening", "treatments_visit",
                 "treatments_chart", "treatments_treatmentcourse"]:  # fmt: skip
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403


def test_the_clinic_admin_manages_needling_authorizations(client):
    client.force_login(make_clinic_admin())
    assert (
        client.get(reverse("admin:treatments_physiotherapistprofile_changelist")).status_code == 200
    )
    assert client.get(reverse("admin:content_page_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_a_save_that_loses_a_race_says_so_and_saves_nothing(client, course, monkeypatch):
    """The form passed, then another save for the patient got in first (save_visit refuses)."""

    def lose_the_race(visit):
        visit.save()  # written, then refused: the admin's transaction must undo it
        raise ValidationError("Another visit for this patient was saved at the same moment.")

    monkeypatch.setattr("treatments.admin.save_visit", lose_the_race)
    client.force_login(course.physiotherapist)
    day = date.today() + timedelta(days=3)
    url = reverse("admin:treatments_visit_add")
    response = client.post(url, admin_visit_form(course, day), follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Nothing was saved: Another visit for this patient" in response.content.decode()
    assert not Visit.objects.filter(course=course).exists()

"""What a signed-in patient sees: their own visits, calendar files of their own upcoming ones
only, and signing out. A patient never reaches a staff page or the admin."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from tests.factories import TODAY, make_course, make_physiotherapist, make_visit
from tests.patients.online.helpers import online_patient, sign_in_by_link
from treatments.models import Location, Visit

pytestmark = pytest.mark.django_db
VISITS = reverse("patients:online-visits")


@pytest.fixture
def avery(clock):
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    course = make_course(patient, physiotherapist)
    make_visit(course, TODAY - timedelta(days=7), status=Visit.Status.ATTENDED)
    make_visit(course, TODAY + timedelta(days=2), time(9, 30))
    make_visit(course, TODAY + timedelta(days=9), time(15), status=Visit.Status.CANCELLED)
    return patient


@pytest.fixture
def blakes_visit(avery):
    blake = online_patient(email="blake@example.com")
    return make_visit(make_course(blake), TODAY + timedelta(days=3))


def ics_url(visit) -> str:
    return reverse("patients:online-visit-ics", args=[visit.pk])


def test_a_patient_sees_their_upcoming_and_earlier_visits_but_not_cancelled_ones(
    client, avery, django_assert_num_queries
):
    sign_in_by_link(client, avery)
    # session, patient, upcoming, past, settings, locations, the intake task, the
    # questionnaires due (courses, their measures: tests/patients/online/test_questionnaires.py),
    # audit
    with django_assert_num_queries(10):
        page = client.get(VISITS).content.decode()
    assert page.count("<h1") == 1
    assert "Thursday 12 March 2026, 09:30" in page
    assert "IMS treatment with Priya Physio" in page
    assert "3 March 2026" in page
    assert "19 March" not in page  # cancelled
    assert "Add to my calendar" in page


def test_the_location_is_named_only_when_the_clinic_has_several(client, avery):
    sign_in_by_link(client, avery)
    where = Visit.objects.filter(patient=avery).first().location.name
    assert f"At {where}" not in client.get(VISITS).content.decode()
    Location.objects.create(name="Kitsilano", address="1 West 4th Ave")
    assert f"At {where}" in client.get(VISITS).content.decode()


def test_a_patient_downloads_the_calendar_file_of_their_upcoming_visit(client, avery):
    sign_in_by_link(client, avery)
    visit = Visit.objects.booked().upcoming().get(patient=avery)
    response = client.get(ics_url(visit))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"DTSTART:20260312T163000Z" in response.content
    assert AuditEntry.objects.filter(action="exported", record_id=str(visit.pk)).exists()


def test_another_patients_visit_or_a_past_or_cancelled_one_is_not_found(
    client, avery, blakes_visit
):
    sign_in_by_link(client, avery)
    past = Visit.objects.get(patient=avery, status=Visit.Status.ATTENDED)
    cancelled = Visit.objects.get(patient=avery, status=Visit.Status.CANCELLED)
    for visit in [blakes_visit, past, cancelled]:
        assert client.get(ics_url(visit)).status_code == 404
    assert client.get("/patients/online/visits/999999/calendar.ics").status_code == 404


def test_without_signing_in_the_visits_and_calendar_files_send_to_the_sign_in_page(
    client, avery, front_desk
):
    visit = Visit.objects.booked().upcoming().get(patient=avery)
    for person in [None, front_desk]:
        if person:
            client.force_login(person)
        for url in [VISITS, ics_url(visit)]:
            response = client.get(url)
            assert response["Location"].split("?")[0] == reverse("patients:online-sign-in")


def test_a_signed_in_patient_never_reaches_a_staff_page_or_the_admin(client, avery):
    sign_in_by_link(client, avery)
    visit = Visit.objects.filter(patient=avery).first()
    for url in [
        reverse("patients:patient-list"),
        reverse("patients:patient-detail", args=[avery.pk]),
        reverse("treatments:visit-ics", args=[visit.pk]),
        reverse("treatments:day-sheet"),
        reverse("staff-home"),
        reverse("audit-trail"),
    ]:
        assert client.get(url)["Location"].startswith("/accounts/login/"), url
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]


def test_signing_out_ends_the_patients_session(client, avery):
    sign_in_by_link(client, avery)
    assert client.get(reverse("patients:online-sign-out")).status_code == 405
    response = client.post(reverse("patients:online-sign-out"), follow=True)
    assert "You are signed out." in response.content.decode()
    assert client.get(VISITS)["Location"].split("?")[0] == reverse("patients:online-sign-in")


def test_turning_access_off_ends_a_signed_in_patients_access(client, avery):
    sign_in_by_link(client, avery)
    avery.turn_off_online_access()
    assert client.get(VISITS)["Location"].split("?")[0] == reverse("patients:online-sign-in")


def test_a_patients_pages_are_kept_by_no_browser_or_proxy(client, avery):
    sign_in_by_link(client, avery)
    visit = Visit.objects.booked().upcoming().get(patient=avery)
    for url in [VISITS, ics_url(visit)]:
        assert "no-store" in client.get(url)["Cache-Control"]

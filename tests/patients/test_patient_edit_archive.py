from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients.models import Patient
from tests.factories import TODAY, make_course, make_visit
from tests.patients.helpers import HOSTILE, HUGE, patient_data, unlabelled_fields
from treatments.models import Visit

pytestmark = pytest.mark.django_db


def edit_url(patient) -> str:
    return reverse("patients:patient-edit", args=[patient.pk])


def archive_url(patient) -> str:
    return reverse("patients:patient-archive", args=[patient.pk])


def restore_url(patient) -> str:
    return reverse("patients:patient-restore", args=[patient.pk])


def test_the_edit_form_shows_the_patients_current_details(client, front_desk, patient):
    client.force_login(front_desk)
    response = client.get(edit_url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Edit Avery Lopez's details" in html
    assert 'value="604-555-0199"' in html
    assert 'value="1980-05-17"' in html
    assert unlabelled_fields(html) == []


def test_the_front_desk_edits_contact_details_without_seeing_the_primary_concern(
    client, front_desk, patient
):
    patient.primary_concern = "Sciatica"
    patient.save()
    client.force_login(front_desk)
    html = client.get(edit_url(patient)).content.decode()
    assert 'name="primary_concern"' not in html and "Sciatica" not in html
    client.post(edit_url(patient), patient_data(legal_first_name="Avery", primary_concern=""))
    patient.refresh_from_db()
    assert patient.legal_last_name == "Reyes"
    assert patient.primary_concern == "Sciatica"


def test_a_physiotherapist_edits_the_primary_concern(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    assert 'value="Low back pain"' in client.get(edit_url(patient)).content.decode()
    client.post(edit_url(patient), patient_data(primary_concern="Sciatica"))
    patient.refresh_from_db()
    assert patient.primary_concern == "Sciatica"


@pytest.mark.parametrize("role", ["front_desk", "physiotherapist"])
def test_booking_staff_save_changes_and_see_them_on_the_patients_page(
    client, patient, role, request
):
    client.force_login(request.getfixturevalue(role))
    data = patient_data(legal_first_name="Avery", legal_last_name="Lopez", phone="778-555-0101")
    response = client.post(edit_url(patient), data, follow=True)
    assert response.redirect_chain == [(patient.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "Saved the changes to Avery Lopez&#x27;s details." in html
    assert "778-555-0101" in html
    patient.refresh_from_db()
    assert patient.phone_digits == "7785550101"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("legal_last_name", "", "This field is required."),
        ("legal_last_name", HUGE, "Ensure this value has at most 80 characters"),
        ("date_of_birth", "2024-13-45", "Enter a valid date."),
        ("date_of_birth", "2999-01-01", "The date of birth cannot be in the future."),
        ("phone", HOSTILE, "Enter a phone number with at least 7 digits."),
        ("email", HOSTILE, "Enter a valid email address."),
    ],
)
def test_bad_changes_get_a_clear_message_and_change_nothing(
    client, front_desk, patient, field, value, message
):
    client.force_login(front_desk)
    data = patient_data(legal_first_name="Changed", **{field: value})
    response = client.post(edit_url(patient), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)" not in html
    patient.refresh_from_db()
    assert patient.legal_first_name == "Avery"


def test_editing_does_not_ask_about_duplicates(client, front_desk, patient):
    client.force_login(front_desk)
    html = client.get(edit_url(patient)).content.decode()
    assert "create a new record anyway" not in html


def test_the_front_desk_archives_a_patient_who_then_leaves_the_list(client, front_desk, patient):
    client.force_login(front_desk)
    response = client.post(archive_url(patient), follow=True)
    assert response.redirect_chain == [(patient.get_absolute_url(), 302)]
    assert "Archived Avery Lopez&#x27;s record." in response.content.decode()
    patient.refresh_from_db()
    assert patient.is_archived
    assert "Avery Lopez" not in client.get(reverse("patients:patient-list")).content.decode()


def test_a_physiotherapist_restores_an_archived_patient(client, physiotherapist, patient):
    patient.archive()
    client.force_login(physiotherapist)
    response = client.post(restore_url(patient), follow=True)
    assert "Restored Avery Lopez&#x27;s record." in response.content.decode()
    patient.refresh_from_db()
    assert not patient.is_archived
    assert "Avery Lopez" in client.get(reverse("patients:patient-list")).content.decode()


def test_archiving_twice_keeps_the_first_archive_date(client, front_desk, patient):
    patient.archive()
    archived_at = patient.archived_at
    client.force_login(front_desk)
    client.post(archive_url(patient))
    patient.refresh_from_db()
    assert patient.archived_at == archived_at


def test_restoring_refuses_a_get(client, front_desk, patient):
    patient.archive()
    client.force_login(front_desk)
    assert client.get(restore_url(patient)).status_code == 405
    patient.refresh_from_db()
    assert patient.is_archived


def test_archiving_asks_to_confirm_first_and_a_get_changes_nothing(client, front_desk, patient):
    client.force_login(front_desk)
    response = client.get(archive_url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Archive Avery Lopez's record?" in html
    assert ">Archive the record</button>" in html
    patient.refresh_from_db()
    assert not patient.is_archived


def test_archiving_shows_and_cancels_the_visits_still_booked_in_the_same_step(
    client, front_desk, physiotherapist, patient
):
    course = make_course(patient, physiotherapist)
    ahead = [make_visit(course, TODAY + timedelta(days=days)) for days in (3, 10)]
    past = make_visit(course, TODAY - timedelta(days=7), status=Visit.Status.ATTENDED)
    client.force_login(front_desk)
    html = client.get(archive_url(patient)).content.decode()
    assert "Archiving cancels 2 visits still booked:" in html
    assert ">Archive the record and cancel 2 visits</button>" in html
    client.post(archive_url(patient))
    patient.refresh_from_db()
    assert patient.is_archived
    for visit in ahead:
        visit.refresh_from_db()
        assert visit.status == Visit.Status.CANCELLED
        assert visit.cancellation_reason == "The patient's record was archived."
    past.refresh_from_db()
    assert past.status == Visit.Status.ATTENDED  # the record itself is kept as it is


def test_the_model_refuses_to_archive_a_record_with_visits_still_booked(physiotherapist, patient):
    make_visit(make_course(patient, physiotherapist), TODAY + timedelta(days=3))
    with pytest.raises(ValidationError, match="still has 1 booked visit: cancel it before"):
        patient.archive()
    patient.refresh_from_db()
    assert not patient.is_archived


@pytest.mark.parametrize(
    "view", ["patients:patient-edit", "patients:patient-archive", "patients:patient-restore"]
)
def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(client, patient, view):
    path = reverse(view, args=[patient.pk])
    response = client.post(path, patient_data(legal_first_name="Changed"))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"
    patient.refresh_from_db()
    assert patient.legal_first_name == "Avery"
    assert not patient.is_archived


@pytest.mark.parametrize(
    "view", ["patients:patient-edit", "patients:patient-archive", "patients:patient-restore"]
)
def test_a_clinic_admin_is_refused_and_nothing_changes(client, clinic_admin, patient, view):
    client.force_login(clinic_admin)
    response = client.post(reverse(view, args=[patient.pk]), patient_data())
    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.legal_first_name == "Avery"
    assert not patient.is_archived


@pytest.mark.parametrize(
    "view", ["patients:patient-edit", "patients:patient-archive", "patients:patient-restore"]
)
def test_a_made_up_patient_is_not_found(client, front_desk, view):
    client.force_login(front_desk)
    response = client.post(reverse(view, args=[999999]), patient_data())
    assert response.status_code == 404
    assert Patient.objects.count() == 0

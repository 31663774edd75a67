from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from tests.factories import make_patient
from tests.patients.helpers import HOSTILE, HUGE, patient_data, unlabelled_fields

pytestmark = pytest.mark.django_db
URL = reverse("patients:patient-create")


def test_it_shows_a_form_with_a_date_picker_and_a_label_for_every_field(client, front_desk):
    client.force_login(front_desk)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'type="date" name="date_of_birth"' in html
    assert unlabelled_fields(html) == []
    assert "create a new record anyway" not in html


def test_the_front_desk_registers_a_patient_and_lands_on_their_page(client, front_desk):
    client.force_login(front_desk)
    response = client.post(URL, patient_data(), follow=True)
    patient = Patient.objects.get()
    assert response.redirect_chain == [(patient.get_absolute_url(), 302)]
    assert patient.full_name == "Morgan Reyes"
    assert patient.phone_digits == "6045550142"
    assert "Added Morgan Reyes." in response.content.decode()


def test_a_physiotherapist_can_register_a_patient_too(client, physiotherapist):
    client.force_login(physiotherapist)
    response = client.post(URL, patient_data())
    assert response.status_code == 302
    assert Patient.objects.count() == 1


def test_the_front_desk_form_has_no_primary_concern_and_ignores_one_posted(client, front_desk):
    client.force_login(front_desk)
    assert 'name="primary_concern"' not in client.get(URL).content.decode()
    client.post(URL, patient_data(primary_concern="Sore neck"))
    assert Patient.objects.get().primary_concern == ""


def test_a_physiotherapist_records_the_primary_concern(client, physiotherapist):
    client.force_login(physiotherapist)
    assert 'name="primary_concern"' in client.get(URL).content.decode()
    client.post(URL, patient_data(primary_concern="Sore neck"))
    assert Patient.objects.get().primary_concern == "Sore neck"


def test_an_over_long_primary_concern_gets_a_clear_message(client, physiotherapist):
    client.force_login(physiotherapist)
    response = client.post(URL, patient_data(primary_concern=HUGE))
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    assert Patient.objects.count() == 0


def test_it_sends_a_visitor_to_sign_in_and_saves_nothing(client):
    response = client.post(URL, patient_data())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/patients/new/"
    assert Patient.objects.count() == 0


def test_it_refuses_a_clinic_admin_and_saves_nothing(client, clinic_admin):
    client.force_login(clinic_admin)
    assert client.get(URL).status_code == 403
    assert client.post(URL, patient_data()).status_code == 403
    assert Patient.objects.count() == 0


def test_it_flags_a_possible_duplicate_and_saves_nothing(client, front_desk):
    existing = make_patient(legal_first_name="Morgan", legal_last_name="Reyes")
    existing.date_of_birth = "1975-03-09"
    existing.save()
    client.force_login(front_desk)
    data = patient_data(legal_first_name=" morgan ", legal_last_name="REYES")
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This may be a patient already on file" in html
    assert f'<a href="{existing.get_absolute_url()}">Morgan Reyes</a>' in html
    assert "This is a different person: create a new record anyway" in html
    assert Patient.objects.count() == 1


def test_it_flags_an_archived_duplicate_as_archived(client, front_desk):
    existing = make_patient(legal_first_name="Morgan", legal_last_name="Reyes")
    existing.date_of_birth = "1975-03-09"
    existing.save()
    existing.archive()
    client.force_login(front_desk)
    html = client.post(URL, patient_data()).content.decode()
    assert "Archived" in html
    assert Patient.objects.count() == 1


def test_it_creates_a_second_record_once_told_it_is_a_different_person(client, front_desk):
    existing = make_patient(legal_first_name="Morgan", legal_last_name="Reyes")
    existing.date_of_birth = "1975-03-09"
    existing.save()
    client.force_login(front_desk)
    response = client.post(URL, patient_data(different_person="on"))
    assert response.status_code == 302
    assert Patient.objects.filter(legal_last_name="Reyes").count() == 2


def test_the_same_name_with_another_birth_date_is_not_a_duplicate(client, front_desk):
    make_patient(legal_first_name="Morgan", legal_last_name="Reyes")
    client.force_login(front_desk)
    response = client.post(URL, patient_data())
    assert response.status_code == 302
    assert Patient.objects.count() == 2


TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("legal_first_name", "", "This field is required."),
        ("legal_last_name", "   ", "This field is required."),
        ("legal_last_name", HUGE, "Ensure this value has at most 80 characters"),
        ("date_of_birth", "", "This field is required."),
        ("date_of_birth", "2024-13-45", "Enter a valid date."),
        ("date_of_birth", HOSTILE, "Enter a valid date."),
        ("date_of_birth", HUGE, "Enter a valid date."),
        ("date_of_birth", TOMORROW, "The date of birth cannot be in the future."),
        ("date_of_birth", "1899-12-31", "The date of birth must be in 1900 or later."),
        ("phone", "", "This field is required."),
        ("phone", "555", "Enter a phone number with at least 7 digits."),
        ("phone", HOSTILE, "Enter a phone number with at least 7 digits."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", HOSTILE, "Enter a valid email address."),
        ("email", HUGE + "@example.com", "Enter a valid email address."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, front_desk, field, value, message
):
    client.force_login(front_desk)
    response = client.post(URL, patient_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved. Please correct" in html
    assert "<script>alert(1)" not in html
    assert Patient.objects.count() == 0


def test_an_empty_form_gets_a_message_for_each_required_field(client, front_desk):
    client.force_login(front_desk)
    response = client.post(URL, {})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 4
    assert Patient.objects.count() == 0


def test_a_name_with_a_script_in_it_is_kept_as_text_and_never_run(client, front_desk):
    client.force_login(front_desk)
    response = client.post(URL, patient_data(preferred_name=HOSTILE), follow=True)
    assert Patient.objects.get().preferred_name == HOSTILE
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

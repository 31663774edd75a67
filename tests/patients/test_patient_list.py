from datetime import date

import pytest
from django.urls import reverse

from tests.factories import make_patient
from tests.patients.helpers import HOSTILE, HUGE

pytestmark = pytest.mark.django_db
URL = reverse("patients:patient-list")


def test_it_lists_active_patients_with_their_birth_date_and_phone(client, front_desk, patient):
    client.force_login(front_desk)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'<a href="{patient.get_absolute_url()}">Avery Lopez</a>' in html
    assert "17 May 1980" in html
    assert "604-555-0199" in html


def test_it_lets_a_physiotherapist_find_patients_too(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Avery Lopez" in response.content.decode()


def test_it_sends_a_visitor_to_sign_in(client, patient):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/patients/"


def test_it_refuses_a_clinic_admin(client, clinic_admin, patient):
    client.force_login(clinic_admin)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Avery Lopez" not in response.content.decode()
    assert "You do not have access to this page" in response.content.decode()


def test_it_leaves_archived_patients_out_until_asked(client, front_desk, patient):
    gone = make_patient(legal_first_name="Quinn", legal_last_name="Gone")
    gone.archive()
    client.force_login(front_desk)
    active = client.get(URL).content.decode()
    assert "Avery Lopez" in active
    assert "Quinn Gone" not in active
    assert 'href="?archived=1"' in active
    archived = client.get(URL, {"archived": "1"}).content.decode()
    assert "Quinn Gone" in archived
    assert "Avery Lopez" not in archived
    assert "Archived" in archived


@pytest.mark.parametrize("query", ["lopez", "Avery Lop", "604 555 0199", "(604) 555", "1980-05-17"])
def test_it_finds_a_patient_by_name_phone_or_birth_date(client, front_desk, patient, query):
    other = make_patient(legal_first_name="Blake", legal_last_name="Other", phone="250-111-2222")
    other.date_of_birth = date(1990, 1, 1)
    other.save()
    client.force_login(front_desk)
    html = client.get(URL, {"q": query}).content.decode()
    assert "Avery Lopez" in html
    assert "Blake Other" not in html


def test_it_finds_a_patient_by_email_whatever_the_case(client, front_desk, patient):
    client.force_login(front_desk)
    html = client.get(URL, {"q": patient.email.upper()}).content.decode()
    assert "Avery Lopez" in html


def test_it_says_when_no_patient_matches(client, front_desk, patient):
    client.force_login(front_desk)
    html = client.get(URL, {"q": "Zebediah"}).content.decode()
    assert "No patient matches <strong>Zebediah</strong>" in html
    assert "Avery Lopez" not in html


def test_it_shows_25_patients_a_page_and_keeps_the_search_on_the_next(client, front_desk):
    for n in range(30):
        make_patient(legal_first_name="Robin", legal_last_name=f"Page{n:02}")
    client.force_login(front_desk)
    first = client.get(URL, {"q": "Robin"})
    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?q=Robin&amp;page=2"' in first.content.decode()
    second = client.get(URL, {"q": "Robin", "page": "2"}).content.decode()
    assert "Robin Page29" in second
    assert "Robin Page00" not in second


@pytest.mark.parametrize("page", ["abc", "0", "99999", "-1", HUGE, HOSTILE])
def test_a_bad_page_number_still_shows_a_page_of_patients(client, front_desk, patient, page):
    client.force_login(front_desk)
    response = client.get(URL, {"page": page})
    assert response.status_code == 200
    assert "Avery Lopez" in response.content.decode()
    assert "<script>alert(1)" not in response.content.decode()


def test_a_search_of_10000_characters_gets_a_clear_message(client, front_desk, patient):
    client.force_login(front_desk)
    response = client.get(URL, {"q": HUGE})
    assert response.status_code == 400
    assert "Please search with 100 characters or fewer." in response.content.decode()


@pytest.mark.parametrize("query", [HOSTILE, "2024-13-45", "%", "_", "\x00"])
def test_an_odd_search_finds_nothing_and_is_shown_harmlessly(client, front_desk, patient, query):
    client.force_login(front_desk)
    response = client.get(URL, {"q": query})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "Avery Lopez" not in html
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("how_many", [3, 30])
def test_it_reads_the_list_in_the_same_number_of_queries_however_many_patients(
    client, front_desk, django_assert_num_queries, how_many
):
    for _ in range(how_many):
        make_patient()
    client.force_login(front_desk)
    # The signed-in visit, the user (with roles and two-step device), the count and the page
    # of patients.
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == min(how_many, 25)


@pytest.mark.parametrize("how_many", [2, 40])
def test_a_search_takes_the_same_queries_however_many_patients_match(
    client, front_desk, django_assert_num_queries, how_many
):
    for n in range(how_many):
        make_patient(legal_first_name="Nora", legal_last_name=f"Calwood{n}")
        make_patient(legal_first_name="Ava", legal_last_name=f"Penwell{n}")
    client.force_login(front_desk)
    # The signed-in visit, the user (with roles and two-step device), the count and the
    # page of patients.
    with django_assert_num_queries(4):
        response = client.get(URL, {"q": "nora calwood"})
    assert response.context["page"].paginator.count == how_many

"""The front desk's page of new patients' requests: book one (with a record found or a new
one) or decline it; and the day sheet's count of requests waiting."""

from datetime import date

import pytest
from django.urls import reverse

from patients.models import Patient
from tests.factories import make_patient, make_physiotherapist, visit_type
from tests.treatments.booking.helpers import MONDAY
from tests.treatments.booking.requests.helpers import (
    a_request,
    details,
    let_new_patients_book,
    turn_on_online_booking,
)
from tests.treatments.helpers import page_text
from treatments.booking.requests import services
from treatments.booking.requests.times import free_assessment_times
from treatments.models import AppointmentRequest, ClinicSettings, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
LIST = reverse("treatments:appointment-requests")
Status = AppointmentRequest.Status


@pytest.fixture
def waiting():
    turn_on_online_booking()
    return a_request()


def book_url(found) -> str:
    return reverse("treatments:appointment-request-book", args=[found.pk])


def decline_url(found) -> str:
    return reverse("treatments:appointment-request-decline", args=[found.pk])


def booking(with_, **changes) -> dict:
    return {"patient": "new", "visit_type": visit_type("Initial assessment").pk,
            "physiotherapist": with_.pk, "date": MONDAY.isoformat(),
            "start_time": "10:00", **changes}  # fmt: skip


def test_the_front_desk_sees_the_requests_waiting_oldest_first(client, front_desk):
    turn_on_online_booking()
    first, second = a_request(first_name="Ada"), a_request(first_name="Bo", email="b@e.ca")
    services.decline_request(a_request(first_name="Cy"), by=front_desk, reason="Spam")
    client.force_login(front_desk)
    text = page_text(client.get(LIST))
    assert text.index("Ada Reyes") < text.index("Bo Reyes")
    assert "Cy Reyes" not in text
    assert "Sore shoulder since the winter" in text and "Mornings" in text
    assert [found.pk for found in client.get(LIST).context["waiting"]] == [first.pk, second.pk]


def test_a_physiotherapist_sees_them_too(client, physiotherapist, waiting):
    client.force_login(physiotherapist)
    assert "Jordan Reyes" in page_text(client.get(LIST))


def test_the_list_suggests_records_that_may_be_the_same_person(client, front_desk, waiting):
    make_patient(legal_first_name="Jordan", legal_last_name="Reyes-Diaz",
                 date_of_birth=date(1985, 6, 1))  # fmt: skip
    client.force_login(front_desk)
    found = client.get(LIST).context["waiting"][0]
    assert [str(patient) for patient in found.records_like] == ["Jordan Reyes-Diaz"]
    assert "Maybe already on file:" in page_text(client.get(LIST))


@pytest.mark.parametrize("how_many", [1, 6])
def test_the_list_runs_the_same_queries_however_many_requests(
    client, front_desk, django_assert_num_queries, how_many
):
    turn_on_online_booking()
    for n in range(how_many):
        a_request(email=f"n{n}@example.com")
        make_patient(email=f"n{n}@example.com")
    client.force_login(front_desk)
    # Session, user with roles, the requests waiting, those booked online, the records like
    # them, whether there are several locations.
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert len(response.context["waiting"]) == how_many


def test_booking_a_request_makes_the_record_and_the_visit(client, front_desk, physiotherapist,
                                                          waiting):  # fmt: skip
    client.force_login(front_desk)
    assert client.get(book_url(waiting)).status_code == 200
    response = client.post(book_url(waiting), booking(physiotherapist), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "is booked for Monday 16 March at 10:00" in page_text(response)
    waiting.refresh_from_db()
    assert waiting.status == Status.BOOKED and waiting.handled_by == front_desk
    assert waiting.visit.patient.legal_last_name == "Reyes"


def test_booking_for_a_suggested_record_uses_it(client, front_desk, physiotherapist, waiting):
    on_file = make_patient(email="jordan@example.com")
    client.force_login(front_desk)
    page = client.get(book_url(waiting))
    assert page.context["form"].initial["patient"] == str(on_file.pk)
    client.post(book_url(waiting), booking(physiotherapist, patient=str(on_file.pk)))
    assert Visit.objects.get().patient == on_file
    assert Patient.objects.count() == 1


def test_a_record_not_suggested_cannot_be_chosen(client, front_desk, physiotherapist, waiting):
    stranger = make_patient(email="someone.else@example.com", date_of_birth=date(1950, 1, 1))
    client.force_login(front_desk)
    response = client.post(book_url(waiting), booking(physiotherapist, patient=str(stranger.pk)))
    assert response.status_code == 400
    assert "Select a valid choice" in page_text(response)
    assert not Visit.objects.exists()


def test_a_time_the_rules_refuse_is_shown_and_nothing_is_booked(
    client, front_desk, physiotherapist, waiting
):
    client.force_login(front_desk)
    sunday = MONDAY.replace(day=MONDAY.day - 1).isoformat()
    response = client.post(book_url(waiting), booking(physiotherapist, date=sunday))
    assert response.status_code == 400
    assert "The clinic is closed on Sunday." in page_text(response)
    assert not Visit.objects.exists() and not Patient.objects.exists()
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING


@pytest.mark.parametrize("field", ["date", "start_time", "physiotherapist", "visit_type"])
def test_a_booking_with_a_bad_value_is_refused(client, front_desk, physiotherapist, waiting,
                                              field):  # fmt: skip
    client.force_login(front_desk)
    response = client.post(book_url(waiting), booking(physiotherapist, **{field: "<b>x" * 50}))
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_a_request_already_booked_is_not_found(client, front_desk, physiotherapist, waiting):
    client.force_login(front_desk)
    client.post(book_url(waiting), booking(physiotherapist))
    again = client.post(book_url(waiting), booking(physiotherapist, start_time="14:00"))
    assert again.status_code == 404
    assert Visit.objects.count() == 1


def test_declining_a_request_keeps_the_reason(client, front_desk, waiting):
    client.force_login(front_desk)
    assert client.get(decline_url(waiting)).status_code == 200
    response = client.post(decline_url(waiting), {"decline_reason": "We only see adults"},
                           follow=True)  # fmt: skip
    assert "The request from Jordan Reyes is declined." in page_text(response)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decline_reason) == (Status.DECLINED, "We only see adults")


def test_declining_without_a_reason_is_refused(client, front_desk, waiting):
    client.force_login(front_desk)
    response = client.post(decline_url(waiting), {"decline_reason": ""})
    assert response.status_code == 400
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING


@pytest.mark.parametrize("role", ["clinic_admin", "outsider"])
def test_other_staff_are_refused(client, request, waiting, role):
    client.force_login(request.getfixturevalue(role))
    for url in [LIST, book_url(waiting), decline_url(waiting)]:
        assert client.get(url).status_code == 403


def test_visitors_are_sent_to_sign_in(client, waiting):
    for url in [LIST, book_url(waiting), decline_url(waiting)]:
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_the_day_sheet_links_to_the_requests_waiting(client, front_desk):
    turn_on_online_booking()
    client.force_login(front_desk)
    sheet = reverse("treatments:day-sheet")
    assert "new patient request" not in page_text(client.get(sheet))
    a_request()
    a_request(email="two@example.com")
    response = client.get(sheet)
    assert "2 new patient requests to confirm" in page_text(response)
    assert f'href="{LIST}"' in response.content.decode()


def test_requests_booked_online_are_listed_for_a_check_of_their_new_record(client, front_desk):
    physiotherapist = make_physiotherapist()
    assessment = let_new_patients_book(physiotherapist)
    key = free_assessment_times(assessment, ClinicSettings.load())[0].key
    on_file = make_patient(email="jordan@example.com", legal_first_name="Jordie")
    services.book_first_assessment(details=details(), time_key=key)
    client.force_login(front_desk)
    response = client.get(LIST)
    assert "Booked online by new patients" in page_text(response)
    assert response.context["booked_online"][0].records_like == [on_file]

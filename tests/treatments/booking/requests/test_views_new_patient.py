"""The public page where a new patient asks for a first assessment, or books one directly."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ims_clinic.models import AuditEntry
from patients.online import throttle
from tests.factories import TODAY, make_front_desk, make_physiotherapist, visit_type
from tests.ims_clinic.test_forms_fuzz import assert_answered_safely, form_data, junk, spoiled
from tests.treatments.booking.helpers import MONDAY
from tests.treatments.booking.requests.helpers import form_data as request_data
from tests.treatments.booking.requests.helpers import let_new_patients_book, turn_on_online_booking
from tests.treatments.helpers import page_text
from treatments.booking.requests import services
from treatments.booking.requests.forms import NewPatientForm
from treatments.models import AppointmentRequest, Location, PhysiotherapistProfile, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
URL = reverse("treatments:new-patient")
SENT = reverse("treatments:new-patient-sent")


def test_while_online_booking_is_off_the_page_says_to_call(client, settings):
    settings.CLINIC_PHONE = "604-555-0100"
    response = client.get(URL)
    assert response.status_code == 200
    assert "Please call us" in page_text(response)
    assert 'href="tel:604-555-0100"' in response.content.decode()
    assert response.content.decode().count('<form method="post"') == 1  # the language switcher


def test_a_post_while_online_booking_is_off_keeps_nothing(client):
    response = client.post(URL, request_data())
    assert response.status_code == 200
    assert not AppointmentRequest.objects.exists()


def test_a_new_patient_sends_a_request_and_is_thanked(client, django_capture_on_commit_callbacks):
    turn_on_online_booking()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, request_data(), follow=True)
    assert response.redirect_chain == [(SENT, 302)]
    assert "We will call or email you to confirm a time." in page_text(response)
    found = AppointmentRequest.objects.get()
    assert (found.first_name, found.times_that_suit) == ("Jordan", "Mornings")
    assert mail.outbox[0].to == ["jordan@example.com"]
    entry = AuditEntry.objects.get(record_type="appointment request")
    assert (entry.action, entry.record_id) == ("created", str(found.pk))
    assert entry.detail == "A new patient asked for a first assessment online"


def test_the_form_asks_for_a_location_only_when_there_are_several(client):
    turn_on_online_booking()
    assert 'name="location"' not in client.get(URL).content.decode()
    Location.objects.create(name="Eastside", is_open=True)
    assert "Any location" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_of_birth": str(TODAY + timedelta(days=1))}, "cannot be in the future"),
        ({"date_of_birth": "1850-01-01"}, "1900 or later"),
        ({"date_of_birth": "31/31/2000"}, "Enter a valid date."),
        ({"phone": "12-34"}, "at least 7 digits"),
        ({"email": "jordan@"}, "Enter a valid email address."),
        ({"problem": "x" * 5000}, "at most 200 characters"),
        ({"first_name": ""}, "This field is required."),
    ],
)
def test_bad_input_is_shown_with_a_clear_message_and_nothing_is_kept(client, changes, message):
    turn_on_online_booking()
    response = client.post(URL, request_data(**changes))
    assert response.status_code == 400
    assert message in page_text(response)
    assert "Nothing was saved" in page_text(response)
    assert not AppointmentRequest.objects.exists()


def test_too_many_requests_from_one_address_are_refused_with_a_plain_message(client):
    turn_on_online_booking()
    for n in range(throttle.REQUESTS_PER_EMAIL):
        assert client.post(URL, request_data(first_name=f"Try{n}")).status_code == 302
    response = client.post(URL, request_data())
    assert response.status_code == 429
    assert "Please wait 15 minutes, or call the clinic." in page_text(response)
    assert AppointmentRequest.objects.count() == throttle.REQUESTS_PER_EMAIL


def test_too_many_requests_from_one_network_address_are_refused(client):
    turn_on_online_booking()
    for n in range(throttle.REQUESTS_PER_IP):
        client.post(URL, request_data(email=f"person{n}@example.com"))
    response = client.post(URL, request_data(email="one.more@example.com"))
    assert response.status_code == 429
    assert AppointmentRequest.objects.count() == throttle.REQUESTS_PER_IP


# Booking directly -----------------------------------------------------------------------


def test_when_new_patients_book_directly_the_page_offers_free_times_and_books_one(
    client, physiotherapist
):
    let_new_patients_book(physiotherapist)
    page = client.get(URL)
    assert "Book a first assessment" in page_text(page)
    assert "with Priya Physio" in page_text(page)
    assert 'name="times_that_suit"' not in page.content.decode()
    key = page.context["times"][0].key
    response = client.post(URL, {**request_data(), "time": key}, follow=True)
    assert response.redirect_chain == [(SENT, 302)]
    visit = Visit.objects.get()
    assert "Your first assessment is booked for" in page_text(response)
    assert visit.booked_online and visit.patient.legal_first_name == "Jordan"
    assert AppointmentRequest.objects.get().status == AppointmentRequest.Status.BOOKED
    entry = AuditEntry.objects.get(record_type="appointment request")
    assert entry.detail == "A new patient booked a first assessment online"


def test_a_time_taken_meanwhile_is_shown_on_the_form(client, physiotherapist):
    let_new_patients_book(physiotherapist)
    key = client.get(URL).context["times"][0].key
    client.post(URL, {**request_data(), "time": key})
    response = client.post(URL, {**request_data(email="b@example.com"), "time": key})
    assert response.status_code == 400
    assert Visit.objects.count() == 1


def test_with_no_free_time_to_book_the_page_takes_a_request_instead(client, physiotherapist):
    let_new_patients_book(physiotherapist)
    PhysiotherapistProfile.objects.update(bookable_online=False)
    page = client.get(URL)
    assert "Ask for a first assessment" in page_text(page)
    assert client.post(URL, request_data()).status_code == 302
    assert AppointmentRequest.objects.get().status == AppointmentRequest.Status.WAITING


@pytest.mark.parametrize("physiotherapists", [1, 3])
def test_the_page_with_free_times_runs_the_same_queries_however_many_physiotherapists(
    client, physiotherapist, django_assert_num_queries, physiotherapists
):
    let_new_patients_book(physiotherapist)
    for _ in range(physiotherapists - 1):
        let_new_patients_book(make_physiotherapist())
    # Session-less visitor: the settings, the assessment type, the physiotherapists, the
    # opening hours, their working hours, days off and visits, and whether there are several
    # locations.
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert response.context["times"]


# Hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize("directly", [False, True])
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_form_fed_made_up_input_never_fails(physiotherapist, directly, data):
    """Whatever is sent, a page or a redirect; a request kept only when it was valid."""
    if directly:
        let_new_patients_book(physiotherapist)
    else:
        turn_on_online_booking()
    times = list(Client().get(URL).context["times"])
    fields = NewPatientForm(times=times).fields
    known = {"time": st.sampled_from([slot.key for slot in times])} if times else {}
    sent = data.draw(spoiled(form_data(fields, **known)), label="form")
    sent |= data.draw(st.dictionaries(junk, junk, max_size=2), label="fields the form lacks")
    with transaction.atomic():
        cache.clear()
        response = Client().post(URL, sent)
        assert_answered_safely(response)
        kept = AppointmentRequest.objects.count()
        assert kept == (1 if response.status_code == 302 else 0)
        transaction.set_rollback(True)


def test_a_request_made_in_french_is_answered_in_french_and_its_record_kept_so(
    client, physiotherapist, django_capture_on_commit_callbacks
):
    """The request keeps the language the site showed them: the acknowledgement, the front
    desk's decline and a record made from it are in French, whoever handles it."""
    turn_on_online_booking()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, request_data(), HTTP_ACCEPT_LANGUAGE="fr-CA")
        client.post(URL, request_data(email="sam@example.com"), HTTP_ACCEPT_LANGUAGE="fr-CA")
    first, second = AppointmentRequest.objects.order_by("pk")
    assert first.language == "fr-ca"
    assert mail.outbox[0].subject.startswith("Votre premier rendez-vous")
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_request(first, by=make_front_desk(), reason="Complet", tell_them=True)
    assert mail.outbox[-1].subject.startswith("Votre demande")
    visit = services.book_request(
        second, by=make_front_desk(), physiotherapist=physiotherapist,
        visit_type=visit_type("Initial assessment"), day=MONDAY, start_time=time(10),
    )  # fmt: skip
    assert visit.patient.preferred_language == "fr-ca"

"""While the database does not answer: the site's own 503 page, never a 500 (ims_clinic/outage.py).

Each test makes the database stop answering for the requests it sends, in this process: every
query raises the error a database that cannot be reached raises (tests/ims_clinic/
test_outage_servers.py does it to a real server, on PostgreSQL).
"""

import html
import re
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from patients.models import Patient
from tests.factories import make_front_desk

# What the error says must never reach a page.
ERROR_TEXT = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed'
FORM = {"legal_first_name": "Ann", "legal_last_name": "Lee", "date_of_birth": "1980-01-01",
        "phone": "604 555 0100", "email": "ann@example.com",
        "emergency_contact_name": "Bo Lee & Co <b>"}  # fmt: skip


class DatabaseDown:
    """Every query fails, after the first `allow` ones; counts the queries tried."""

    def __init__(self, allow=lambda sql: False):
        self.allow, self.tried = allow, 0

    def __call__(self, execute, sql, params, many, context):
        if self.allow(sql):
            return execute(sql, params, many, context)
        self.tried += 1
        raise OperationalError(ERROR_TEXT)


def assert_outage_page(response, *, saved: str | None = None) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "db.internal" not in page
    assert "OperationalError" not in page
    assert "<title>Records unavailable for a moment · Kits IMS Physio</title>" in page
    assert 'call the clinic at <a href="tel:604-555-0100">604-555-0100</a>.' in page
    assert page.count("<h1>") == 1
    if saved is None:
        assert "<h1>The records are unavailable for a moment</h1>" in page
        assert "Anything a page told you was saved is safe" in page
    elif saved == "not saved":
        assert "<h1>Not saved: the records are unavailable for a moment</h1>" in page
    else:
        assert "<h1>Perhaps not saved: the records are unavailable for a moment</h1>" in page
    return page


@pytest.fixture(autouse=True)
def clinic(settings):
    settings.CLINIC_NAME = "Kits IMS Physio"
    settings.CLINIC_PHONE = "604-555-0100"


@pytest.fixture
def desk_client(db):
    """Signed in as the front desk. Errors raised outside a view become the page Django
    makes of them (the test client would raise them instead)."""
    client = Client(raise_request_exception=False)
    client.force_login(make_front_desk())
    return client


class TestReading:
    pytestmark = pytest.mark.django_db

    def test_a_staff_page_answers_503_without_reading_the_session(self, desk_client):
        down = DatabaseDown()
        with connection.execute_wrapper(down):
            response = desk_client.get(reverse("patients:patient-list"))
        assert_outage_page(response)
        assert down.tried == 1  # the session, once: the page itself reads nothing

    def test_a_page_not_found_answers_503_rather_than_reading_the_menu(self, desk_client):
        with connection.execute_wrapper(DatabaseDown()):
            response = desk_client.get("/no-such-page/")
        assert_outage_page(response)

    def test_a_public_page_not_yet_cached_answers_503_and_is_not_kept(self, client):
        with connection.execute_wrapper(DatabaseDown()):
            response = client.get("/ims/aftercare/")
        assert_outage_page(response)
        assert client.get("/ims/aftercare/").status_code == 200

    def test_a_cached_public_page_is_still_served(self, client):
        served = client.get("/ims/aftercare/").content
        with connection.execute_wrapper(DatabaseDown()):
            response = client.get("/ims/aftercare/")
        assert response.status_code == 200
        assert response.content == served

    def test_the_page_offers_to_try_the_same_address_again(self, desk_client):
        with connection.execute_wrapper(DatabaseDown()):
            response = desk_client.get("/patients/?q=lee")
        assert 'href="/patients/?q=lee"' in assert_outage_page(response)

    def test_it_names_no_phone_number_when_the_clinic_has_none(self, client, settings):
        settings.CLINIC_PHONE = ""
        with connection.execute_wrapper(DatabaseDown()):
            response = client.get("/ims/aftercare/")
        assert "For an urgent question, call the clinic." in response.content.decode()

    def test_the_page_keeps_the_content_security_policy(self, client):
        with connection.execute_wrapper(DatabaseDown()):
            response = client.get("/ims/aftercare/")
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "<style" not in response.content.decode()

    def test_the_page_renders_without_the_database_even_with_debug_on(self, desk_client, settings):
        settings.DEBUG = True
        with connection.execute_wrapper(DatabaseDown()):
            response = desk_client.get(reverse("patients:patient-list"))
        assert_outage_page(response)

    def test_other_errors_are_still_500s(self, client):
        client.raise_request_exception = False
        with mock.patch("content.views.render", side_effect=ValueError("a bug")):
            response = client.get("/ims/aftercare/")
        assert response.status_code == 500


def fail_after_the_patient_is_inserted():
    """The database stops answering between the patient's row and its history's."""
    inserted = []

    def allow(sql: str) -> bool:
        if inserted:
            return False
        if sql.startswith('INSERT INTO "patients_patient"'):
            inserted.append(sql)
        return True

    return DatabaseDown(allow)


def hidden_fields(page: str) -> dict[str, str]:
    form = page[page.index('<form method="post"') :]
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    return {name: html.unescape(value) for name, value in found}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_data")
class TestPosting:
    def test_a_form_cut_off_part_way_saves_nothing_and_can_be_sent_again(self):
        client = Client(raise_request_exception=False, enforce_csrf_checks=True)
        client.force_login(make_front_desk())
        client.get(reverse("patients:patient-create"))
        token = client.cookies["csrftoken"].value
        with connection.execute_wrapper(fail_after_the_patient_is_inserted()):
            response = client.post(
                reverse("patients:patient-create"), {**FORM, "csrfmiddlewaretoken": token}
            )
        page = assert_outage_page(response, saved="not saved")
        assert not Patient.objects.exists()
        assert not Patient.history.exists()
        assert "what you sent was not saved. Nothing was changed." in page
        assert "<dt>Legal first name</dt>" in page
        assert "Bo Lee &amp; Co &lt;b&gt;" in page  # as typed, escaped
        again = hidden_fields(page)
        assert again == {**FORM, "csrfmiddlewaretoken": token}

        response = client.post(reverse("patients:patient-create"), again)
        assert response.status_code == 302
        assert Patient.objects.get().emergency_contact_name == "Bo Lee & Co <b>"

    def test_a_commit_that_fails_is_said_to_be_unknown_and_not_offered_again(self):
        client = Client(raise_request_exception=False)
        client.force_login(make_front_desk())
        database = type(connections["default"])
        with mock.patch.object(database, "_commit", side_effect=OperationalError(ERROR_TEXT)):
            response = client.post(reverse("patients:patient-create"), FORM)
        page = assert_outage_page(response, saved="unknown")
        assert "we cannot tell whether it was saved" in page
        assert "open the record to check before you send it again" in page
        assert "Ann" in page
        assert "Send it again" not in page

    def test_a_post_from_another_site_gets_no_copy_of_what_it_sent(self):
        client = Client(raise_request_exception=False, enforce_csrf_checks=True)
        client.force_login(make_front_desk())
        with connection.execute_wrapper(DatabaseDown()):
            response = client.post(reverse("patients:patient-create"), FORM)
        page = assert_outage_page(response, saved="not saved")
        assert "Ann" not in page
        assert "<form" not in page

    def test_a_password_is_never_shown_again(self):
        client = Client(raise_request_exception=False)
        with connection.execute_wrapper(DatabaseDown()):
            response = client.post(
                reverse("login"), {"username": "fran", "password": "a secret password"}
            )
        page = assert_outage_page(response, saved="not saved")
        assert "fran" in page
        assert "a secret password" not in page
        assert "Send it again" not in page
        assert "Passwords, codes and files are never shown again" in page

    def test_a_form_whose_page_fails_after_saving_keeps_nothing_of_it(self):
        client = Client(raise_request_exception=False)
        client.force_login(make_front_desk())
        with mock.patch("patients.views.messages.success", side_effect=ValueError("a bug")):
            response = client.post(reverse("patients:patient-create"), FORM)
        assert response.status_code == 500
        assert not Patient.objects.exists()

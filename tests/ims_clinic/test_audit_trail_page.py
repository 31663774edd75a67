"""The clinic admin's audit trail page and its CSV download."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ims_clinic.models import AuditEntry
from tests.factories import (
    make_clinic_admin,
    make_front_desk,
    make_patient,
    make_physiotherapist,
)

pytestmark = pytest.mark.django_db
PAGE, CSV = reverse("audit-trail"), reverse("audit-trail-csv")
Action = AuditEntry.Action


@pytest.fixture
def admin_user():
    return make_clinic_admin(username="clinicadmin")


@pytest.fixture
def trail():
    """Two staff members each opening a different patient's record, on different days."""
    priya, sam = make_physiotherapist(username="priya"), make_physiotherapist(username="sam")
    ada = make_patient(legal_first_name="Ada", legal_last_name="Lovelace")
    bo = make_patient(legal_first_name="Bo", legal_last_name="Diddley", phone="604 555 0199")
    on = timezone.make_aware(datetime(2026, 3, 10, 9, 0))
    AuditEntry.objects.create(at=on, user=priya, username="priya", action=Action.VIEWED,
                              record_type="patient", record_id=ada.pk, patient=ada)  # fmt: skip
    AuditEntry.objects.create(at=on + timedelta(days=2), user=sam, username="sam",
                              action=Action.VIEWED, record_type="patient", record_id=bo.pk,
                              patient=bo, detail="clinical record")  # fmt: skip
    return {"priya": priya, "sam": sam, "ada": ada, "bo": bo}


def shown(client, **params) -> list[AuditEntry]:
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return [e for e in response.context["page"].object_list if e.action == Action.VIEWED]


def test_a_clinic_admin_sees_who_opened_which_record(client, admin_user, trail):
    client.force_login(admin_user)
    response = client.get(PAGE)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Ada Lovelace" in html and "Bo Diddley" in html and "priya" in html
    assert [e.username for e in shown(client)] == ["sam", "priya"]  # newest first


def test_it_filters_by_patient_name_or_phone(client, admin_user, trail):
    client.force_login(admin_user)
    assert [e.patient for e in shown(client, patient="lovelace")] == [trail["ada"]]
    assert [e.patient for e in shown(client, patient="555 0199")] == [trail["bo"]]


def test_it_filters_by_staff_user_and_action(client, admin_user, trail):
    client.force_login(admin_user)
    assert [e.user for e in shown(client, user=trail["priya"].pk)] == [trail["priya"]]
    response = client.get(PAGE, {"action": "refused"})
    assert list(response.context["page"].object_list) == []


def test_it_filters_by_date_range_in_the_clinics_days(client, admin_user, trail):
    client.force_login(admin_user)
    assert [e.username for e in shown(client, date_from="2026-03-11")] == ["sam"]
    assert [e.username for e in shown(client, date_to="2026-03-10")] == ["priya"]
    assert shown(client, date_from="2026-03-10", date_to="2026-03-12") != []


@pytest.mark.parametrize(
    "params,message",
    [
        ({"date_from": "2026-03-12", "date_to": "2026-03-10"}, "must be on or before"),
        ({"date_from": "12/03/2026x"}, "Enter a valid date"),
        # The day after the last Python knows, or UTC's midnight before the first, cannot be.
        ({"date_to": "9999-12-31"}, "less than or equal to 9999-12-30"),
        ({"date_from": "0001-01-01"}, "greater than or equal to 0001-01-02"),
        ({"user": "999999"}, "Select a valid choice"),
        ({"user": "<script>"}, "Select a valid choice"),
        ({"action": "deleted"}, "Select a valid choice"),
        ({"patient": "x" * 10_000}, "at most 100 characters"),
    ],
)
def test_bad_filters_get_a_clear_message_and_no_entries(client, admin_user, trail, params,
                                                        message):  # fmt: skip
    client.force_login(admin_user)
    for url in (PAGE, CSV):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "Lovelace" not in response.content.decode()


def test_a_hostile_patient_search_is_shown_escaped(client, admin_user, trail):
    client.force_login(admin_user)
    response = client.get(PAGE, {"patient": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client, admin_user, trail):
    client.force_login(admin_user)
    assert client.get(PAGE, {"page": "'; drop table"}).context["page"].number == 1


def test_the_csv_holds_the_filtered_entries_in_utc_and_is_itself_audited(client, admin_user, trail):
    client.force_login(admin_user)
    response = client.get(CSV, {"user": trail["priya"].pk})
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when (UTC)", "staff user", "action"]
    assert [(row[0], row[1], row[6]) for row in rows[1:]] == [
        ("2026-03-10T16:00:00+00:00", "priya", "Ada Lovelace")  # 09:00 in Vancouver
    ]
    exported = AuditEntry.objects.get(action=Action.EXPORTED)
    assert exported.user == admin_user and exported.detail == "Audit trail as CSV"


@pytest.mark.parametrize("make_person", [make_front_desk, make_physiotherapist])
def test_other_staff_cannot_see_or_download_the_trail(client, trail, make_person):
    client.force_login(make_person())
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


@pytest.mark.parametrize("size", [2, 40])
def test_the_page_takes_the_same_queries_however_long_the_trail(
    client, admin_user, django_assert_num_queries, size
):
    patient = make_patient()
    for _ in range(size):
        AuditEntry.objects.create(action=Action.VIEWED, patient=patient, record_type="patient")
    client.force_login(admin_user)
    # session, user (with roles and two-step device); the count; the entries with their patients;
    # staff users for the filter
    with django_assert_num_queries(5):
        client.get(PAGE)


def test_a_username_typed_as_a_formula_stays_text_in_the_csv(client, admin_user):
    """A failed sign-in's username is anyone's typing: a spreadsheet must not run it."""
    client.post(reverse("login"), {"username": '=HYPERLINK("http://evil")', "password": "x"})
    client.force_login(admin_user)
    response = client.get(CSV, {"action": "sign_in_failed"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_a_long_trail_comes_in_pages_that_keep_the_filters(client, admin_user):
    for _ in range(55):
        AuditEntry.objects.create(action=Action.VIEWED, username="priya")
    client.force_login(admin_user)
    html = client.get(PAGE, {"action": "viewed"}).content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?action=viewed&amp;page=2" rel="next"' in html
    second = client.get(PAGE, {"action": "viewed", "page": 2})
    assert len(second.context["page"].object_list) == 5

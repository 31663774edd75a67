"""The audit trail: one entry for each look at or change to a record, sign-in and refusal, and
entries that nothing can change or remove."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from ims_clinic.models import AuditEntry
from patients.models import Patient
from tests.factories import (
    PASSWORD,
    chart_visit,
    make_front_desk,
    make_user,
    make_visit,
    ready_for_needling,
)
from treatments.models import Visit

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action


@pytest.fixture
def charted(physiotherapist):
    course = ready_for_needling(physiotherapist=physiotherapist)
    visit = make_visit(course, timezone.localdate() - timedelta(days=1))
    chart_visit(visit, physiotherapist)
    return visit


def entries(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters))


def test_opening_a_chart_writes_exactly_one_entry(client, physiotherapist, charted):
    client.force_login(physiotherapist)
    before = timezone.now()
    client.get(charted.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    (entry,) = entries(action=Action.VIEWED)
    assert entry.user == physiotherapist and entry.username == "priya"
    assert (entry.record_type, entry.record_id) == ("visit", str(charted.pk))
    assert entry.patient_id == charted.patient_id
    assert entry.ip_address == "10.1.2.3"
    assert entry.detail == "with its chart"
    assert before <= entry.at <= timezone.now() and entry.at.utcoffset() == timedelta(0)


def test_a_physiotherapist_working_in_french_is_recorded_in_the_trails_english(
    client, physiotherapist, charted
):
    client.force_login(physiotherapist)
    client.cookies["django_language"] = "fr-ca"
    client.get(reverse("patients:patient-detail", args=[charted.patient_id]))
    client.get(charted.get_absolute_url())
    assert sorted(entry.record_type for entry in entries(action=Action.VIEWED)) == [
        "patient",
        "visit",
    ]


@pytest.mark.parametrize(
    "view,record_type",
    [("treatments:course-detail", "treatment course"), ("patients:patient-detail", "patient"),
     ("treatments:visit-chart", "visit"), ("treatments:course-edit", "treatment course")],
)  # fmt: skip
def test_each_clinical_page_writes_one_entry_naming_the_patient(
    client, physiotherapist, charted, view, record_type
):
    course, patient = charted.course_id, charted.patient_id
    pk = {"treatments:course-detail": course, "treatments:course-edit": course,
          "patients:patient-detail": patient}.get(view, charted.pk)  # fmt: skip
    client.force_login(physiotherapist)
    assert client.get(reverse(view, args=[pk])).status_code == 200
    (entry,) = entries(action=Action.VIEWED)
    assert entry.record_type == record_type and entry.patient_id == charted.patient_id


def test_the_front_desk_opening_a_patient_is_recorded_as_contact_details(client, charted):
    desk = make_front_desk()
    client.force_login(desk)
    client.get(reverse("patients:patient-detail", args=[charted.patient_id]))
    (entry,) = entries(action=Action.VIEWED)
    assert entry.user == desk and entry.detail == "contact details"


def test_a_chart_amendment_is_an_entry_with_its_reason(physiotherapist, charted):
    chart = charted.chart
    chart.note = "Amended note"
    chart._change_reason = "Amended: wrong side"
    chart._history_user = physiotherapist
    chart.save()
    entry = entries(action=Action.CHANGED, record_type="chart")[0]
    assert entry.detail == "Amended: wrong side" and entry.user == physiotherapist
    assert entry.patient_id == charted.patient_id
    assert chart.history.last().note == "First note"  # the earlier version is retrievable


def test_a_change_made_outside_a_request_is_recorded_without_a_user(charted):
    charted.duration_minutes = 45
    charted.save()
    entry = entries(action=Action.CHANGED, record_type="visit")[0]
    assert entry.user is None and "no signed-in user" in entry.username


def test_a_bulk_update_keeps_a_version_and_an_entry_for_every_row(physiotherapist, charted):
    other = make_visit(charted.course, charted.date + timedelta(days=7))
    rows = Visit.objects.filter(pk__in=[charted.pk, other.pk])
    assert rows.update(duration_minutes=45) == 2
    for visit in (charted, other):
        latest = visit.history.first()
        assert (latest.duration_minutes, latest.history_type) == (45, "~")
        assert latest.history_change_reason == "Changed in bulk"
    changed = entries(action=Action.CHANGED, record_type="visit", detail="Changed in bulk")
    assert sorted(int(e.record_id) for e in changed) == sorted([charted.pk, other.pk])


def test_clinical_records_cannot_be_deleted_in_bulk(charted):
    with pytest.raises(TypeError, match="never deleted"):
        Visit.objects.filter(pk=charted.pk).delete()
    with pytest.raises(TypeError, match="never deleted"):
        Patient.objects.all().delete()
    assert Visit.objects.filter(pk=charted.pk).exists()


def test_signing_in_and_out_and_a_failed_sign_in_are_recorded(client, physiotherapist):
    login = reverse("login")
    client.post(login, {"username": "priya", "password": "wrong password"},
                REMOTE_ADDR="10.9.9.9")  # fmt: skip
    client.post(login, {"username": "priya", "password": PASSWORD})
    client.post(reverse("logout"))
    sign_ins = [Action.SIGN_IN_FAILED, Action.SIGNED_IN, Action.SIGNED_OUT]
    failed, signed_in, signed_out = AuditEntry.objects.filter(action__in=sign_ins).order_by("pk")
    assert (failed.action, failed.username, failed.user) == (Action.SIGN_IN_FAILED, "priya", None)
    assert failed.ip_address == "10.9.9.9"
    assert (signed_in.action, signed_in.user) == (Action.SIGNED_IN, physiotherapist)
    assert (signed_out.action, signed_out.user) == (Action.SIGNED_OUT, physiotherapist)


def test_a_refused_page_is_recorded(client, charted):
    desk = make_front_desk()
    client.force_login(desk)
    url = reverse("treatments:course-detail", args=[charted.course_id])
    assert client.get(url).status_code == 403
    (entry,) = entries(action=Action.REFUSED)
    assert entry.user == desk and entry.path == url


def test_an_entry_cannot_be_changed_or_deleted_through_the_app(charted):
    entry = AuditEntry.objects.create(action=Action.VIEWED, username="someone")
    entry.detail = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.update(detail="rewritten")
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.detail == ""


@pytest.mark.postgresql
@pytest.mark.parametrize(
    "sql",
    ["UPDATE ims_clinic_auditentry SET detail = 'rewritten'", "DELETE FROM ims_clinic_auditentry"],
)
def test_the_database_refuses_to_change_or_delete_an_entry_even_by_raw_sql(sql):
    AuditEntry.objects.create(action=Action.VIEWED, username="someone", at=timezone.now())
    with (
        pytest.raises(DatabaseError, match="Cannot"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEntry.objects.get().detail == ""


def test_a_user_with_entries_cannot_be_deleted_only_deactivated(client):
    person = make_user()
    client.force_login(person)
    client.get(reverse("staff-home"))  # refused: no role
    assert {e.action for e in entries(user=person)} == {Action.SIGNED_IN, Action.REFUSED}
    with pytest.raises(ProtectedError):
        person.delete()
    person.is_active = False
    person.save()
    assert len(entries(user=person)) == 2


@pytest.mark.parametrize("page", ["change", "history"])
def test_opening_a_chart_in_the_admin_is_recorded(client, physiotherapist, charted, page):
    client.force_login(physiotherapist)
    url = reverse(f"admin:treatments_chart_{page}", args=[charted.chart.pk])
    assert client.get(url).status_code == 200
    (entry,) = entries(action=Action.VIEWED)
    assert (entry.record_type, entry.patient_id) == ("chart", charted.patient_id)
    assert "in the admin" in entry.detail


def test_giving_someone_a_role_in_the_admin_is_recorded(client):
    admin_user = make_user("Clinic admin", is_staff=True, username="boss")
    person = make_user(username="newhire")
    physiotherapist_group = Group.objects.get(name="Physiotherapist")
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[person.pk])
    data = {"username": "newhire", "groups": [physiotherapist_group.pk], "is_active": "on",
            "date_joined_0": "2026-03-10", "date_joined_1": "12:00:00"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    (entry,) = entries(action=Action.CHANGED, record_type="user", record_id=str(person.pk))
    assert entry.user == admin_user
    assert entry.detail == "Role given: Physiotherapist"


def test_a_role_given_from_the_shell_is_recorded_without_a_user():
    person = make_user(username="newhire")
    Group.objects.get(name="Front desk").user_set.add(person)
    (entry,) = entries(action=Action.CHANGED, record_type="user", record_id=str(person.pk))
    assert entry.user is None and entry.detail == "Role given: Front desk"

"""The clinic admin's side: how often to re-assess, and a questionnaire's licensed text."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.treatments.outcomes.helpers import licensed_text
from treatments.models import ClinicSettings, Instrument

pytestmark = pytest.mark.django_db
SETTINGS_URL = reverse("admin:treatments_clinicsettings_change", args=[1])
# The other settings as they are by default: the form posts every field of the page.
NOTICE = {"online_cancellation_notice_hours": "24", "online_booking_notice_hours": "12",
          "online_booking_weeks_ahead": "8", "online_booking_most_upcoming": "2"}  # fmt: skip


def test_the_settings_list_opens_the_clinics_one_row(client, clinic_admin):
    client.force_login(clinic_admin)
    response = client.get(reverse("admin:treatments_clinicsettings_changelist"))
    assert response["Location"] == SETTINGS_URL


def test_a_clinic_admin_sets_how_often_to_reassess(client, clinic_admin):
    client.force_login(clinic_admin)
    response = client.post(SETTINGS_URL, {"reassess_every": "6", **NOTICE})
    assert response.status_code == 302
    assert ClinicSettings.load().reassess_every == 6


@pytest.mark.parametrize("value", ["0", "27", "-4", "abc", "", "9" * 400, "\x00"])
def test_a_bad_reassessment_interval_is_refused_with_a_message(client, clinic_admin, value):
    client.force_login(clinic_admin)
    response = client.post(SETTINGS_URL, {"reassess_every": value, **NOTICE})
    assert response.status_code in (200, 400)
    assert ClinicSettings.load().reassess_every == 4


def test_a_clinic_admin_sets_how_long_before_a_visit_patients_may_cancel_online(
    client, clinic_admin
):
    client.force_login(clinic_admin)
    assert ClinicSettings.load().online_cancellation_notice_hours == 24
    data = {"reassess_every": "4", **NOTICE, "online_cancellation_notice_hours": "48"}
    assert client.post(SETTINGS_URL, data).status_code == 302
    assert ClinicSettings.load().online_cancellation_notice_hours == 48


@pytest.mark.parametrize("value", ["-1", "169", "abc", "", "\x00"])
def test_a_bad_cancellation_notice_is_refused_with_a_message(client, clinic_admin, value):
    client.force_login(clinic_admin)
    data = {"reassess_every": "4", **NOTICE, "online_cancellation_notice_hours": value}
    response = client.post(SETTINGS_URL, data)
    assert response.status_code in (200, 400)
    assert "errornote" in response.content.decode()
    assert ClinicSettings.load().online_cancellation_notice_hours == 24


def test_the_database_holds_the_cancellation_notice_to_a_week():
    settings = ClinicSettings(pk=1, online_cancellation_notice_hours=169)
    with pytest.raises(ValidationError, match="0 to 168 hours"):
        settings.validate_constraints()
    ClinicSettings.objects.get_or_create(pk=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicSettings.objects.update(online_cancellation_notice_hours=169)


def test_the_front_desk_and_physiotherapists_do_not_change_the_settings(
    client, front_desk, physiotherapist
):
    for person in (front_desk, physiotherapist):
        client.force_login(person)
        client.post(SETTINGS_URL, {"reassess_every": "2", **NOTICE})
    assert ClinicSettings.load().reassess_every == 4


def upload(client, code, content: bytes):
    instrument = Instrument.objects.get(code=code)
    url = reverse("admin:treatments_instrument_change", args=[instrument.pk])
    data = {"is_active": "on", "text_file": SimpleUploadedFile("text.json", content)}
    return client.post(url, data), Instrument.objects.get(code=code)


def test_a_clinic_admin_loads_a_questionnaires_licensed_text(client, clinic_admin):
    client.force_login(clinic_admin)
    response, odi = upload(client, "odi", json.dumps(licensed_text("odi")).encode())
    assert response.status_code == 302
    assert odi.has_text
    assert odi.licensed_text["items"][0]["text"] == "Licensed question 1"


@pytest.mark.parametrize(
    "content",
    [b"not json", b"\xff\xfe\x00", json.dumps(licensed_text("lefs")).encode(),
     json.dumps({"items": []}).encode(), b"[" * 100_000, b"{}" + b" " * 600_000],
    ids=["not json", "not utf-8", "another questionnaire's", "no items", "deep", "huge"],
)  # fmt: skip
def test_a_bad_licensed_text_file_is_refused_with_a_message(client, clinic_admin, content):
    client.force_login(clinic_admin)
    response, odi = upload(client, "odi", content)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text_file"]
    assert odi.licensed_text is None


def test_questionnaires_are_never_added_or_deleted_in_the_admin(client, clinic_admin):
    client.force_login(clinic_admin)
    odi = Instrument.objects.get(code="odi")
    assert client.get(reverse("admin:treatments_instrument_add")).status_code == 403
    assert client.post(reverse("admin:treatments_instrument_delete", args=[odi.pk]),
                       {"post": "yes"}).status_code == 403  # fmt: skip
    assert Instrument.objects.filter(pk=odi.pk).exists()

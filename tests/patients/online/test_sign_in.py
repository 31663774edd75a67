"""Signing in by an emailed link: who gets one, what the page says, single use, expiry,
tampering, the throttle, and the audit trail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from ims_clinic.models import AuditEntry
from patients.models import SignInLink
from patients.online import throttle
from patients.online.session import SESSION_KEY
from tests.factories import make_patient
from tests.patients.online.helpers import ask_for_link, emailed_token, online_patient

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("patients:online-sign-in")


def link_url(token: str) -> str:
    return reverse("patients:online-link", args=[token])


def test_a_patient_with_online_access_is_emailed_a_link_that_signs_them_in(client):
    patient = online_patient(email="avery@example.com")
    response = ask_for_link(client, "Avery@Example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:online-link-sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["avery@example.com"]
    assert "15 minutes" in mail.outbox[0].body
    token = emailed_token()
    assert client.get(link_url(token)).status_code == 200  # asks for a press first
    assert SESSION_KEY not in client.session
    response = client.post(link_url(token))
    assert response["Location"] == reverse("patients:online-visits")
    assert client.session[SESSION_KEY] == patient.pk
    assert client.get(reverse("patients:online-visits")).status_code == 200


def test_only_a_hash_of_the_link_is_kept(client):
    online_patient(email="avery@example.com")
    ask_for_link(client, "avery@example.com")
    token = emailed_token()
    assert not SignInLink.objects.filter(token_hash=token).exists()
    assert SignInLink.objects.get().expires_at - SignInLink.objects.get().created_at == timedelta(
        minutes=15
    )


@pytest.mark.parametrize(
    "who", ["unknown", "access off", "email changed since", "archived", "no email"]
)
def test_the_page_answers_the_same_and_sends_nothing_without_online_access(client, who):
    email = "blake@example.com"
    if who == "access off":
        make_patient(email=email)
    elif who == "email changed since":
        patient = online_patient(email="old@example.com")
        patient.email = email
        patient.save()
        online_patient(email="someone@example.com")
    elif who == "archived":
        online_patient(email=email).archive()
    elif who == "no email":
        make_patient(email="")
        email = "nobody@example.com"
    known = ask_for_link(client, online_patient().email)
    mail.outbox.clear()
    response = ask_for_link(client, email)
    assert (response.status_code, response["Location"]) == (known.status_code, known["Location"])
    assert mail.outbox == []


def test_patients_sharing_an_email_each_get_their_own_link(client):
    online_patient(email="family@example.com", legal_first_name="Ana")
    online_patient(email="family@example.com", legal_first_name="Ben")
    ask_for_link(client, "family@example.com")
    assert len(mail.outbox) == 2
    assert {message.body.split(",")[0] for message in mail.outbox} == {"Hello Ana", "Hello Ben"}


def test_a_link_works_once(client):
    online_patient(email="avery@example.com")
    ask_for_link(client, "avery@example.com")
    token = emailed_token()
    client.post(link_url(token))
    client.post(reverse("patients:online-sign-out"))
    for method in [client.get, client.post]:
        response = method(link_url(token))
        assert response.status_code == 400
        assert "used already" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_link_expires_after_15_minutes(client, clock):
    online_patient(email="avery@example.com")
    ask_for_link(client, "avery@example.com")
    clock.shift(timedelta(minutes=15, seconds=1))
    response = client.post(link_url(emailed_token()))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "change",
    [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t[:10], lambda t: t + "%00",
     lambda t: "x" * 300, lambda t: "'; DROP TABLE--"],
    ids=["one letter", "cut short", "null byte", "too long", "sql"],
)  # fmt: skip
def test_a_link_changed_by_hand_signs_nobody_in(client, change):
    online_patient(email="avery@example.com")
    ask_for_link(client, "avery@example.com")
    response = client.post(link_url(change(emailed_token())))
    assert response.status_code == 404
    assert SESSION_KEY not in client.session
    assert not SignInLink.objects.filter(used_at__isnull=False).exists()


def test_a_link_stops_working_when_online_access_is_turned_off(client):
    patient = online_patient(email="avery@example.com")
    ask_for_link(client, "avery@example.com")
    patient.turn_off_online_access()
    response = client.post(link_url(emailed_token()))
    assert response.status_code == 400
    assert "Please call the clinic" in response.content.decode()


def test_signing_in_as_a_patient_signs_a_staff_member_out_of_that_browser(client, front_desk):
    online_patient(email="avery@example.com")
    ask_for_link(client, "avery@example.com")
    client.force_login(front_desk)
    client.post(link_url(emailed_token()))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("patients:patient-list")).status_code == 302


@pytest.mark.parametrize(
    "email", ["", "not-an-email", "a@b", "x" * 300 + "@example.com", "<script>@x.com",
              "a@example.com\nBcc: b@example.com", "\x00@example.com"],
)  # fmt: skip
def test_a_bad_email_is_refused_with_a_message_and_sends_nothing(client, email):
    response = client.post(SIGN_IN, {"email": email})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert mail.outbox == []
    assert not SignInLink.objects.exists()


def test_links_are_limited_per_email_address(client):
    online_patient(email="avery@example.com")
    for _ in range(throttle.PER_EMAIL):
        assert ask_for_link(client, "avery@example.com").status_code == 302
    response = ask_for_link(client, "AVERY@example.com")
    assert response.status_code == 429
    assert "Please wait 15 minutes" in response.content.decode()
    assert len(mail.outbox) == throttle.PER_EMAIL


def test_links_are_limited_per_network_address_for_unknown_emails_too(client):
    for n in range(throttle.PER_IP):
        assert ask_for_link(client, f"nobody{n}@example.com").status_code == 302
    assert ask_for_link(client, "one-more@example.com").status_code == 429


def test_each_step_of_a_patients_sign_in_is_an_audit_entry(client):
    patient = online_patient(email="avery@example.com")
    ask_for_link(client, "avery@example.com")
    client.post(link_url("x" * 43))
    client.post(link_url(emailed_token()))
    client.get(reverse("patients:online-visits"))
    client.post(reverse("patients:online-sign-out"))
    entries = AuditEntry.objects.order_by("pk").filter(username__startswith="patient")
    assert [(e.action, e.patient_id, e.user_id) for e in entries] == [
        ("created", patient.pk, None),
        ("sign_in_failed", None, None),
        ("signed_in", patient.pk, None),
        ("viewed", patient.pk, None),
        ("signed_out", patient.pk, None),
    ]

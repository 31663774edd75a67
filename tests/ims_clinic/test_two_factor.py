"""Two-step sign-in: after the password, a code from an authenticator app (TOTP).

The step cannot be skipped: every staff URL, the admin's included, waits for it.
"""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ims_clinic.models import AuditEntry
from patients.models import Patient
from tests.factories import (
    PASSWORD,
    make_clinic_admin,
    make_front_desk,
    make_physiotherapist,
)

pytestmark = pytest.mark.django_db
WRONG = "That code did not match. Codes change every 30 seconds; try the newest one."
VERIFY, SET_UP = reverse("two-factor-verify"), reverse("two-factor-setup")


@pytest.fixture(autouse=True)
def required(settings):
    settings.REQUIRE_2FA = True


def staff_urls(patient) -> list[str]:
    return [
        reverse("staff-home"),
        reverse("patients:patient-list"),
        reverse("patients:patient-detail", args=[patient.pk]),
        reverse("treatments:dashboard"),
        reverse("treatments:calendar"),
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
    ]


def give_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or that many 30-second steps later)."""
    return f"{totp(device.bin_key, drift=steps_ahead):06}"


def wrong_code(device: TOTPDevice) -> str:
    """A 6-digit code that none of the steps the device accepts now would show."""
    accepted = {code(device, steps) for steps in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def sign_in_with_password(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_physiotherapist_with_only_a_password_is_sent_to_set_up_from_every_staff_url(
    client, patient
):
    sign_in_with_password(client, make_physiotherapist())
    for url in staff_urls(patient):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{SET_UP}?next={url.replace('/', '%2F')}", url


def test_a_clinic_admin_with_only_a_password_is_sent_to_set_up_from_every_staff_url(
    client, patient
):
    sign_in_with_password(client, make_clinic_admin())
    for url in staff_urls(patient):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(SET_UP), url


def test_a_form_sent_before_the_second_step_saves_nothing(client):
    client.force_login(make_physiotherapist())
    form = {"legal_first_name": "Ann", "legal_last_name": "Lee", "date_of_birth": "1980-01-01",
            "phone": "604 555 0100"}  # fmt: skip
    response = client.post(reverse("patients:patient-create"), form)
    assert response.url.startswith(SET_UP)
    assert not Patient.objects.filter(legal_last_name="Lee").exists()


def test_signing_in_through_the_admins_own_login_page_still_asks_for_the_code(client):
    admin = make_clinic_admin()
    give_device(admin)
    form = {"username": admin.username, "password": PASSWORD, "next": reverse("admin:index")}
    response = client.post(reverse("admin:login"), form, follow=True)
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert client.get(reverse("admin:auth_user_changelist")).url.startswith(VERIFY)


def test_front_desk_without_a_device_is_let_in(client, patient):
    client.force_login(make_front_desk())
    assert client.get(reverse("patients:patient-list")).status_code == 200


def test_front_desk_with_a_device_must_give_its_code(client):
    user = make_front_desk()
    give_device(user)
    client.force_login(user)
    response = client.get(reverse("patients:patient-list"))
    assert response.url == f"{VERIFY}?next=%2Fpatients%2F"


def test_someone_with_a_device_cannot_set_up_another_with_the_password_alone(client):
    user = make_physiotherapist()
    give_device(user)
    client.force_login(user)
    assert client.get(SET_UP).url.startswith(VERIFY)
    assert client.post(SET_UP, {"code": "123456"}).url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("user_factory", [make_physiotherapist, make_clinic_admin])
def test_nobody_is_made_to_set_up_when_two_step_sign_in_is_not_required(
    client, settings, user_factory
):
    settings.REQUIRE_2FA = False
    client.force_login(user_factory())
    assert client.get(reverse("staff-home")).status_code == 302
    assert not client.get(reverse("staff-home")).url.startswith(SET_UP)
    assert client.get(VERIFY).url == reverse("staff-home")


def test_the_public_pages_and_signing_out_stay_open_before_the_second_step(client):
    client.force_login(make_physiotherapist())
    assert client.get(reverse("content:home")).status_code == 200
    assert client.get("/ims/aftercare/").status_code == 200
    assert client.post(reverse("logout")).status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_right_code_lets_them_in_and_on_to_where_they_were_going(client):
    user = make_front_desk()
    device = give_device(user)
    client.force_login(user)
    sent_to = client.get(reverse("treatments:waitlist")).url
    page = client.get(sent_to)
    assert page.status_code == 200
    assert 'name="next" value="/treatments/waitlist/"' in page.content.decode()

    response = client.post(VERIFY, {"code": code(device), "next": "/treatments/waitlist/"})
    assert response.url == "/treatments/waitlist/"
    assert client.get(reverse("treatments:waitlist")).status_code == 200
    assert client.get(reverse("patients:patient-list")).status_code == 200


def test_a_code_typed_with_a_space_in_the_middle_is_accepted(client):
    user = make_front_desk()
    device = give_device(user)
    client.force_login(user)
    right = code(device)
    response = client.post(VERIFY, {"code": f" {right[:3]} {right[3:]} "})
    assert response.url == reverse("staff-home")


def test_a_code_works_only_once(client):
    user = make_front_desk()
    device = give_device(user)
    client.force_login(user)
    used = code(device)
    client.post(VERIFY, {"code": used})
    client.post(reverse("logout"))
    client.force_login(user)
    response = client.post(VERIFY, {"code": used})
    assert WRONG in response.content.decode()


@pytest.mark.parametrize(
    "typed,message",
    [
        ("wrong", WRONG),
        ("", "Enter the 6-digit code from your authenticator app."),
        ("9" * 10_000, WRONG),
        ("<script>alert(1)</script>", WRONG),
        ("12345", WRONG),
        ("١٢٣٤٥٦", WRONG),  # digits, but not the ones an app shows
        ("\x00" * 6, "Null characters are not allowed."),
    ],
)
def test_a_bad_code_gets_a_clear_message_and_does_not_let_them_in(client, typed, message):
    user = make_physiotherapist()
    device = give_device(user)
    client.force_login(user)
    typed = wrong_code(device) if typed == "wrong" else typed
    response = client.post(VERIFY, {"code": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html.replace("&#x27;", "'")
    assert "<script>alert(1)</script>" not in html
    assert client.get(reverse("treatments:dashboard")).url.startswith(VERIFY)
    device.refresh_from_db()
    assert device.throttling_failure_count == (1 if re.fullmatch(r"[0-9]{6}", typed) else 0)


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_a_next_address_on_another_site_is_ignored(client, elsewhere):
    user = make_front_desk()
    device = give_device(user)
    client.force_login(user)
    assert 'value="https://evil' not in client.get(f"{VERIFY}?next={elsewhere}").content.decode()
    response = client.post(f"{VERIFY}?next={elsewhere}", {"code": code(device), "next": elsewhere})
    assert response.url == reverse("staff-home")


def test_repeated_wrong_codes_make_them_wait_longer_each_time(client):
    user = make_physiotherapist()
    device = give_device(user)
    client.force_login(user)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert WRONG in client.post(VERIFY, {"code": wrong_code(device)}).content.decode()
        response = client.post(VERIFY, {"code": code(device)})
        assert response.status_code == 429
        assert "Too many wrong codes. Wait 1 second, then try the newest code." in (
            response.content.decode()
        )
        clock.shift(timedelta(seconds=2))
        client.post(VERIFY, {"code": wrong_code(device)})
        clock.shift(timedelta(seconds=1))
        response = client.post(VERIFY, {"code": code(device)})
        assert "Wait 1 second" in response.content.decode(), "the wait doubled to 2 seconds"
        assert client.get(reverse("staff-home")).url.startswith(VERIFY)

        clock.shift(timedelta(seconds=2))
        assert client.post(VERIFY, {"code": code(device)}).url == reverse("staff-home")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_long_wait_is_told_in_minutes(client):
    user = make_physiotherapist()
    device = give_device(user)
    device.throttling_failure_count, device.throttling_failure_timestamp = 10, timezone.now()
    device.save()
    client.force_login(user)
    response = client.post(VERIFY, {"code": code(device)})
    assert "Wait 9 minutes" in response.content.decode()


def test_set_up_shows_a_qr_code_and_the_key_and_turns_on_with_a_right_code(client):
    user = make_physiotherapist()
    client.force_login(user)
    page = client.get(f"{SET_UP}?next=/treatments/calendar/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<h1") == 1
    assert re.search(r'<label\s+for="id_code"', html)
    assert '<svg role="img" viewBox=' in html
    assert "<title>QR code for your authenticator app</title>" in html
    assert "no-store" in page["Cache-Control"]
    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', html).group(1)
    assert client.get(SET_UP).content.decode().count(key) == 1, "a reload keeps the same key"

    device = TOTPDevice.objects.get(user=user)
    assert b32decode(key.replace(" ", "")) == device.bin_key
    assert client.post(SET_UP, {"code": wrong_code(device)}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed

    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        form = {"code": code(device), "next": "/treatments/calendar/"}
        response = client.post(f"{SET_UP}?next=/treatments/calendar/", form, follow=True)
    assert response.redirect_chain[0][0] == "/treatments/calendar/"
    assert "Two-step sign-in is on." in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("treatments:dashboard")).status_code == 200


def test_the_next_sign_in_asks_for_the_code_of_the_app_set_up(client):
    user = make_physiotherapist()
    client.force_login(user)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user)
    client.post(SET_UP, {"code": code(device)})
    client.post(reverse("logout"))

    sign_in_with_password(client, user)
    assert client.get(reverse("treatments:dashboard")).url.startswith(VERIFY)
    assert client.post(VERIFY, {"code": code(device, steps_ahead=1)}).status_code == 302
    assert client.get(reverse("treatments:dashboard")).status_code == 200


def test_a_clinic_admin_removes_a_lost_device_and_the_owner_sets_up_again(client):
    admin, physiotherapist = make_clinic_admin(), make_physiotherapist()
    admin_device, lost = give_device(admin), give_device(physiotherapist)
    client.force_login(admin)
    client.post(VERIFY, {"code": code(admin_device)})
    assert "Two-step sign-in" in client.get(reverse("admin:index")).content.decode()
    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    assert physiotherapist.username in client.get(changelist).content.decode()
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[lost.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403

    client.post(reverse("logout"))
    client.force_login(physiotherapist)
    assert client.get(reverse("treatments:dashboard")).url.startswith(SET_UP)


def test_the_verify_page_has_one_heading_a_labelled_field_and_hides_the_staff_menu(client):
    user = make_physiotherapist()
    give_device(user)
    client.force_login(user)
    html = client.get(VERIFY).content.decode()
    assert html.count("<h1") == 1
    assert re.search(r'<label\s+for="id_code"', html)
    assert 'autocomplete="one-time-code"' in html
    assert reverse("treatments:dashboard") not in html
    assert "Sign out" in html


def test_the_audit_trail_records_a_wrong_code_and_the_right_one(client):
    """Two people: one wrong code throttles the next try for a second."""
    mistaken, right = make_front_desk(), make_front_desk()
    for user, typed, expected in [
        (mistaken, wrong_code, (AuditEntry.Action.SIGN_IN_FAILED, "Wrong two-step code")),
        (right, code, (AuditEntry.Action.SIGNED_IN, "Two-step code accepted")),
    ]:
        device = give_device(user)
        client.force_login(user)
        client.post(VERIFY, {"code": typed(device)})
        entries = AuditEntry.objects.filter(user=user).exclude(detail="")
        assert list(entries.values_list("action", "detail")) == [expected]

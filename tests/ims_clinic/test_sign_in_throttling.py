"""Repeated wrong passwords pause signing in for that account from that address, for a while."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_front_desk

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)  # fmt: skip


def test_five_wrong_passwords_pause_signing_in_with_a_clear_message(client):
    user = make_front_desk()
    for _ in range(5):
        sign_in(client, user.username, "wrong-password")
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_pause_is_for_that_account_from_that_address_only(client):
    user, colleague = make_front_desk(), make_front_desk()
    for _ in range(5):
        sign_in(client, user.username, "wrong-password")
    assert sign_in(client, colleague.username, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, user.username, PASSWORD, ip="10.0.0.2").status_code == 302


def test_a_paused_account_can_sign_in_again_after_the_cool_off(client):
    user = make_front_desk()
    for _ in range(5):
        sign_in(client, user.username, "wrong-password")
    assert sign_in(client, user.username, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_four_wrong_passwords_then_the_right_one_signs_in(client):
    user = make_front_desk()
    for _ in range(4):
        assert sign_in(client, user.username, "wrong-password").status_code == 200
    assert sign_in(client, user.username, PASSWORD).status_code == 302

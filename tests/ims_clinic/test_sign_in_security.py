"""Passwords are stored with Argon2 and are long; staff sessions end when idle or old."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from ims_clinic import settings as project_settings
from tests.factories import make_front_desk

pytestmark = pytest.mark.django_db


def test_new_passwords_are_stored_with_argon2(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_front_desk()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_a_password_shorter_than_twelve_characters_is_refused():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Short-pw-11")
    validate_password("a-much-longer-passphrase")


@pytest.fixture
def signed_in(client):
    client.force_login(make_front_desk())
    return client


LIST = "/patients/"


def test_a_staff_session_ends_after_thirty_idle_minutes(signed_in):
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = signed_in.get(LIST)
    assert response["Location"] == f"/accounts/login/?next={LIST}"
    assert "_auth_user_id" not in signed_in.session


def test_a_staff_session_carries_on_while_in_use(signed_in):
    start = timezone.now()
    for minutes in (20, 40, 60, 80):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert signed_in.get(LIST).status_code == 200


def test_a_staff_session_ends_twelve_hours_after_signing_in_even_in_use(signed_in):
    start = timezone.now()
    for minutes in range(25, 12 * 60, 25):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert signed_in.get(LIST).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        response = signed_in.get(LIST)
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session

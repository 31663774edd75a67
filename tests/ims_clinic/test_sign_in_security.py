"""Passwords are stored with Argon2 and must be at least 12 characters long."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

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

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_it_creates_the_demo_staff_and_prints_their_logins(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "admin      demo-admin-2026" in output
    admin = authenticate(username="admin", password="demo-admin-2026")
    assert admin is not None and admin.is_staff


def test_it_can_run_twice_without_making_duplicates(settings, django_user_model):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    assert django_user_model.objects.filter(username="admin").count() == 1


def test_it_refuses_to_run_with_debug_off(settings, django_user_model):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=1"):
        call_command("load_demo")
    assert not django_user_model.objects.exists()

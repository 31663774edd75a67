"""Staff sign in and out; the Django admin is for clinic admins."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from content.models import Page
from tests.content.helpers import page_form
from tests.factories import make_physiotherapist

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("casey", "casey@example.com", PASSWORD)


def test_the_login_page_has_labelled_fields_and_one_heading(client):
    html = client.get(reverse("login")).content.decode()
    assert html.count("<h1") == 1
    assert re.search(r'<label\s+for="id_username"', html)
    assert re.search(r'<label\s+for="id_password"', html)


def test_a_member_of_staff_signs_in_and_is_sent_to_their_start_page(client, superuser):
    response = client.post(reverse("login"), {"username": "casey", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-home")
    assert "Sign out casey" in client.get(reverse("content:home")).content.decode()


def test_a_wrong_password_gets_a_clear_message_and_no_session(client, superuser):
    response = client.post(reverse("login"), {"username": "casey", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "username,password",
    [("", ""), ("x" * 10_000, "y" * 10_000), ("<script>alert(1)</script>", "x"), ("\x00", "x")],
)
def test_odd_logins_are_refused_without_an_error(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_in_never_redirects_to_another_site(client, superuser):
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "casey", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("staff-home")


def test_signing_out_takes_a_post_and_says_so(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert "You are signed out" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_refuses_a_user_who_is_not_staff(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("admin:content_page_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_clinic_admin_edits_a_page_and_patients_see_it_at_once(client, superuser):
    client.get("/ims/aftercare/")  # now cached
    page = Page.objects.get(slug="aftercare")
    client.force_login(superuser)
    url = reverse("admin:content_page_change", args=[page.pk])
    assert client.post(url, page_form(page, title="Aftercare checklist")).status_code == 302
    client.logout()
    assert "<h1>Aftercare checklist</h1>" in client.get("/ims/aftercare/").content.decode()


def test_the_admin_refuses_a_page_body_with_a_second_main_heading(client, superuser):
    page = Page.objects.get(slug="aftercare")
    client.force_login(superuser)
    url = reverse("admin:content_page_change", args=[page.pk])
    form = page_form(page, body="# Big heading\n\nText")
    response = client.post(url, form)
    assert response.status_code == 200
    assert "the page title is the only main heading" in response.content.decode()
    page.refresh_from_db()
    assert not page.body.startswith("# Big heading")


def test_an_over_long_username_gets_a_clear_message(client):
    response = client.post(reverse("login"), {"username": "x" * 10_000, "password": "y"})
    assert response.status_code == 200
    assert "Usernames have at most 150 characters." in response.content.decode()


def test_a_role_taken_away_applies_from_the_next_page(client):
    """Roles are read with the user on every request (ims_clinic.backends), never kept."""
    physiotherapist = make_physiotherapist()
    client.force_login(physiotherapist)
    assert client.get(reverse("treatments:dashboard")).status_code == 200
    physiotherapist.groups.clear()
    assert client.get(reverse("treatments:dashboard")).status_code == 403


def test_an_account_made_inactive_is_signed_out_at_once(client):
    physiotherapist = make_physiotherapist()
    client.force_login(physiotherapist)
    physiotherapist.is_active = False
    physiotherapist.save()
    response = client.get(reverse("treatments:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

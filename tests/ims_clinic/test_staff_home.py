"""After signing in, each role lands where its work is, with a menu to match."""

import pytest
from django.urls import reverse

from tests.factories import make_clinic_admin, make_front_desk, make_physiotherapist, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "make_staff,landing",
    [
        (make_physiotherapist, "/treatments/"),
        (make_front_desk, "/treatments/day-sheet/"),
        (make_clinic_admin, "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, make_staff, landing):
    client.force_login(make_staff())
    response = client.get(reverse("staff-home"))
    assert response.status_code == 302
    assert response["Location"] == landing


def test_a_user_without_a_role_is_refused(client):
    client.force_login(make_user())
    assert client.get(reverse("staff-home")).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("staff-home"))
    assert response["Location"] == "/accounts/login/?next=/staff/"


def test_the_menu_shows_each_role_only_its_own_links(client):
    client.force_login(make_front_desk())
    html = client.get(reverse("content:page-list")).content.decode()
    assert 'href="/patients/"' in html
    assert 'href="/treatments/"' not in html
    assert 'href="/admin/"' not in html
    client.force_login(make_physiotherapist())
    html = client.get(reverse("content:page-list")).content.decode()
    assert 'href="/patients/"' in html and 'href="/treatments/"' in html

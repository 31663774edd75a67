"""The staff menu page: every role's menu and nothing else, the floor of any staff page."""

import pytest
from django.urls import reverse

from tests.factories import make_clinic_admin, make_front_desk, make_physiotherapist, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "make_staff,link",
    [
        (make_physiotherapist, 'href="/treatments/"'),
        (make_front_desk, 'href="/treatments/day-sheet/"'),
        (make_clinic_admin, 'href="/treatments/reports/"'),
    ],
)
def test_each_role_sees_its_own_menu(client, make_staff, link):
    client.force_login(make_staff())
    response = client.get(reverse("staff-menu"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Staff menu" in html
    assert link in html


def test_it_reads_only_the_session_and_the_user_with_their_roles(client, django_assert_num_queries):
    client.force_login(make_front_desk())
    with django_assert_num_queries(2):
        assert client.get(reverse("staff-menu")).status_code == 200


def test_a_user_without_a_role_is_refused(client):
    client.force_login(make_user())
    assert client.get(reverse("staff-menu")).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("staff-menu"))
    assert response["Location"] == "/accounts/login/?next=/staff/menu/"

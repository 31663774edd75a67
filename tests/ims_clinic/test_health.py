import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_says_the_site_is_up_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"


def test_it_is_never_cached(client):
    assert "no-cache" in client.get(reverse("health"))["Cache-Control"]


def test_it_sets_no_cookie(client):
    assert not client.get(reverse("health")).cookies

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
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


# /ready/: the database answers and holds every migration -----------------------------------


def test_it_is_ready_when_the_database_answers_with_every_migration_applied(client):
    response = client.get(reverse("ready"))
    assert response.status_code == 200
    assert response.content == b"ready\n"
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies


def test_it_is_not_ready_while_the_database_does_not_answer(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError('connection to server at "db.internal" failed')

    with connection.execute_wrapper(refuse):
        response = client.get(reverse("ready"))
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


def test_it_is_not_ready_until_the_release_s_migrations_are_applied(client):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[("a", False)]):
        response = client.get(reverse("ready"))
    assert response.status_code == 503
    assert response.content == b"migrations not applied\n"


def test_the_site_stays_alive_while_the_database_does_not_answer(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("no database")

    with connection.execute_wrapper(refuse):
        assert client.get(reverse("health")).status_code == 200

"""A gunicorn server whose PostgreSQL database stops answering for a while, and comes back.

The server runs against this test's database under an application name of its own. For the
outage the database takes no new connections (ALTER DATABASE ... ALLOW_CONNECTIONS false,
which holds for superusers too, unlike REVOKE CONNECT) and the server's connections are ended;
the machine's PostgreSQL server keeps running, and this test's own connection with it.
"""

import re
import sys
import uuid
from contextlib import contextmanager

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection

from patients.models import Patient
from tests.factories import make_front_desk
from tests.processes import Browser, database_url, end, gunicorn, site_environment, start

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]

PASSWORD = "a long password for fran"
FORM = {"legal_first_name": "Ann", "legal_last_name": "Outage", "date_of_birth": "1980-01-01",
        "phone": "604 555 0100", "email": "ann@example.com"}  # fmt: skip


@contextmanager
def database_unreachable(application_name: str):
    """No new connection to this test's database, and the server's own ones ended."""
    db = connection.settings_dict
    name = connection.ops.quote_name(db["NAME"])
    # From the server's maintenance database, as Django makes and drops test databases.
    with connection._nodb_cursor() as maintenance:
        maintenance.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        maintenance.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s",
            [db["NAME"], application_name],
        )
    try:
        yield
    finally:
        with connection._nodb_cursor() as maintenance:
            maintenance.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")


@pytest.fixture
def fran(db):
    """The front desk, with a password the server can check (tests hash with MD5)."""
    user = make_front_desk(username="fran", first_name="Fran", last_name="Desk")
    hasher = Argon2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def test_while_the_database_is_away_pages_say_so_and_nothing_is_lost(fran, tmp_path):
    application_name = f"ims-outage-test-{uuid.uuid4().hex[:8]}"
    env = site_environment(
        DATABASE_URL=f"{database_url()}?application_name={application_name}",
        PAGE_CACHE_DIR=str(tmp_path / "pages"),
        CLINIC_PHONE="604-555-0100",
    )
    with gunicorn(env, tmp_path / "server.log") as site:
        desk, patient = Browser(), Browser()
        assert (
            desk.post(f"{site}/accounts/login/", {"username": "fran", "password": PASSWORD})[0]
            == 200
        )
        _, form_page = desk.get(f"{site}/patients/new/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page)[1]
        status, aftercare = patient.get(f"{site}/ims/aftercare/")  # now in the page cache
        assert status == 200

        with database_unreachable(application_name):
            status, page = desk.get(f"{site}/patients/")
            assert status == 503
            assert desk.headers["Retry-After"] == "30"
            assert "<h1>The records are unavailable for a moment</h1>" in page
            assert "604-555-0100" in page
            assert "accepting connections" not in page
            assert "Traceback" not in page

            assert Browser().get(f"{site}/ready/") == (503, "database unavailable\n")
            assert Browser().get(f"{site}/health/") == (200, "ok\n")
            assert patient.get(f"{site}/ims/aftercare/") == (200, aftercare)
            status, page = patient.get(f"{site}/ims/what-is-ims/")
            assert status == 503
            assert "<h1>The records are unavailable for a moment</h1>" in page

            fields = {**FORM, "csrfmiddlewaretoken": token}
            status, page = desk.send(f"{site}/patients/new/", fields)
            assert status == 503
            assert "<h1>Not saved: the records are unavailable for a moment</h1>" in page
            assert 'value="Outage"' in page

            reminders = start(
                [sys.executable, "manage.py", "send_reminders"], env, tmp_path / "cron.log"
            )
            try:
                assert reminders.wait(timeout=60) == 1
            finally:
                end(reminders)
            said = (tmp_path / "cron.log").read_text().strip().splitlines()
            assert len(said) == 1, said
            assert said[0].startswith("CommandError: The database did not answer (")

        assert not Patient.objects.exists()
        assert Browser().get(f"{site}/ready/") == (200, "ready\n")
        assert desk.get(f"{site}/patients/")[0] == 200
        assert patient.get(f"{site}/ims/what-is-ims/")[0] == 200
        status, page = desk.send(f"{site}/patients/new/", fields)  # "Send it again"
        assert status == 200
        assert "Added Ann Outage." in page
        assert Patient.objects.get().legal_last_name == "Outage"

"""Several app servers, one PostgreSQL and one Redis (CACHE_URL): whichever server a request
reaches, it sees the same pages, the same sessions and the same sign-in throttle; and the
reminders command, run from every server's cron, sends each email once.

Two gunicorn servers run against this test's database and a Redis on 127.0.0.1:6379, under a
key prefix of this module's own, so parallel test runs do not meet.
"""

import re
import sys
import uuid
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils import timezone

from content.models import Page
from tests.content.helpers import page_form
from tests.factories import make_clinic_admin, make_course, make_visit
from tests.processes import Browser, end, gunicorn, site_environment, start
from treatments.models import ReminderSent

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]

REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "a long password for casey"


@pytest.fixture(scope="module")
def redis_prefix():
    """This module's key prefix in the shared Redis; its keys are removed at the end."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (start redis-server, as .ci/run does)")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix, client
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def servers(django_db_setup, redis_prefix, tmp_path_factory):
    """Two servers, A and B, sharing the test database and the Redis."""
    prefix, _ = redis_prefix
    env = site_environment(CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
    logs = tmp_path_factory.mktemp("servers")
    with ExitStack() as running:
        yield [running.enter_context(gunicorn(env, logs / f"{name}.log")) for name in "AB"]


@pytest.fixture
def casey(db):
    """The clinic admin, with a password the servers can check (tests hash with MD5)."""
    user = make_clinic_admin(username="casey", first_name="Casey", last_name="Admin")
    hasher = Argon2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def test_a_page_edited_through_one_server_shows_at_once_through_the_other(
    servers, redis_prefix, casey
):
    a, b = servers
    prefix, redis = redis_prefix
    patient = Browser()
    for server in (a, b, b):  # each server's copy, kept in Redis
        status, page = patient.get(f"{server}/ims/aftercare/")
        assert status == 200
        assert "<h1>Aftercare checklist</h1>" not in page
    assert list(redis.scan_iter(match=f"{prefix}:*public-page:*"))

    admin = Browser()
    status, _ = admin.post(f"{b}/accounts/login/", {"username": "casey", "password": PASSWORD})
    assert status == 200
    # Signed in through B, editing through A: the session is shared too.
    page = Page.objects.get(slug="aftercare")
    change = f"{a}/admin/content/page/{page.pk}/change/"
    status, after = admin.post(
        change,
        page_form(page, title="Aftercare checklist", _save="Save"),
    )
    assert status == 200
    assert "was changed successfully" in after
    assert Page.objects.get(pk=page.pk).title == "Aftercare checklist"

    for server in (b, a):
        status, page = patient.get(f"{server}/ims/aftercare/")
        assert "<h1>Aftercare checklist</h1>" in page


def test_wrong_passwords_through_either_server_pause_signing_in_through_both(servers, casey):
    a, b = servers
    someone = Browser()
    for server in (a, b, a, b, a):
        someone.post(f"{server}/accounts/login/", {"username": "casey", "password": "wrong"})
    for server in (a, b):
        status, page = someone.post(
            f"{server}/accounts/login/", {"username": "casey", "password": PASSWORD}
        )
        assert status == 429
        assert "Sign-in paused" in page


def test_the_reminders_command_run_by_two_servers_at_once_sends_each_email_once(tmp_path):
    """Each server's cron starts send_reminders in the same minute: two processes at once."""
    now = timezone.localtime()
    visits = []
    for hours in range(25, 45, 2):
        starts = now + timedelta(hours=hours)
        visits.append(
            make_visit(make_course(), starts.date(), starts.time().replace(microsecond=0))
        )
    for hours in (2, 5):
        attended = now - timedelta(hours=hours)
        visits.append(
            make_visit(
                make_course(),
                attended.date(),
                attended.time().replace(microsecond=0),
                status="attended",
            )
        )
    outbox = tmp_path / "outbox"
    env = site_environment(
        EMAIL_BACKEND="tests.slow_file_mail.EmailBackend", TEST_EMAIL_DIR=str(outbox)
    )
    logs = [tmp_path / f"server-{n}.log" for n in (1, 2)]
    runs = [start([sys.executable, "manage.py", "send_reminders"], env, log) for log in logs]
    try:
        for run in runs:
            run.wait(timeout=120)
    finally:
        for run in runs:
            end(run)
    said = [log.read_text() for log in logs]
    assert [run.returncode for run in runs] == [0, 0], said
    counts = [re.search(r"Sent (\d+) reminders? and (\d+) aftercare emails?\.", s) for s in said]
    assert all(counts), said
    assert sum(int(match[1]) for match in counts) == 10
    assert sum(int(match[2]) for match in counts) == 2
    sent_to = re.findall(r"^To: (.+)$", "".join(f.read_text() for f in outbox.iterdir()), re.M)
    assert Counter(sent_to) == Counter({visit.patient.email: 1 for visit in visits})
    assert ReminderSent.objects.count() == 12

"""Several app servers, one PostgreSQL and one Redis (CACHE_URL): whichever server a request
reaches, it sees the same pages, the same sessions and the same sign-in throttle.

Two gunicorn servers run against this test's database and a Redis on 127.0.0.1:6379, under a
key prefix of this module's own, so parallel test runs do not meet.
"""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from content.models import Page
from tests.factories import make_clinic_admin
from tests.processes import gunicorn, site_environment

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


class Browser:
    """A visitor with their own cookies; follows redirects."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))  # noqa: S310 (the test servers)

    def post(self, url: str, fields: dict) -> tuple[int, str]:
        """Posts the form at url with fields, and the CSRF token its page carries."""
        _, page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}, doseq=True)
        return self._open(urllib.request.Request(url, data=data.encode()))  # noqa: S310

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


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
        {
            "title": "Aftercare checklist",
            "slug": page.slug,
            "summary": page.summary,
            "body": page.body,
            "order": page.order,
            "published": "on",
            "_save": "Save",
        },
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

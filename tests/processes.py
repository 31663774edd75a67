"""The site in processes of its own (gunicorn, manage.py) against this test's database.

For the tests of several servers, or several copies of a command, at once. Each process gets
the test database (PostgreSQL: the data a transactional test commits) and a clean environment;
every process started here is ended when its test ends, passed or failed.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The address of the database this test runs against (its _gw0... copy under xdist)."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    user = f"{quote(db['USER'], safe='')}{password}@" if db["USER"] else ""
    return f"postgres://{user}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def site_environment(**settings: str) -> dict[str, str]:
    """A development environment on this test's database; `settings` are added to it."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
        and not name.startswith("PYTEST_")
    }
    return env | {
        "DEBUG": "1",
        "REQUIRE_2FA": "0",
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",  # nothing left connected when the test database is dropped
        **settings,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A process in a group of its own, so that its children can be ended with it."""
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 (our own commands with fixed arguments)
            command,
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def end(process: subprocess.Popen) -> None:
    """End the process and its children (gunicorn's workers): politely, then not."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 2):
    """A gunicorn server of the site; yields its address once it answers."""
    port = free_port()
    address = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "ims_clinic.wsgi", "--bind", f"127.0.0.1:{port}"]
    process = start([*command, "--workers", str(workers)], env, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped before it answered:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within a minute:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{address}/health/", timeout=5):  # noqa: S310
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        yield address
    finally:
        end(process)


class Browser:
    """A visitor with their own cookies; follows redirects."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.headers = None  # of the last answer

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))  # noqa: S310 (the test servers)

    def post(self, url: str, fields: dict) -> tuple[int, str]:
        """Posts the form at url with fields, and the CSRF token its page carries."""
        _, page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        return self.send(url, {**fields, "csrfmiddlewaretoken": token})

    def send(self, url: str, fields: dict) -> tuple[int, str]:
        """Posts the fields as they are (a form whose page was opened earlier)."""
        data = urllib.parse.urlencode(fields, doseq=True)
        return self._open(urllib.request.Request(url, data=data.encode()))  # noqa: S310

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                self.headers = response.headers
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self.headers = error.headers
            return error.code, error.read().decode()

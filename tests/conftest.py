"""Shared test set-up.

Under CI=true nothing may pass by being skipped: a browser test without Chromium, or any other
skip, is reported as a failure. PostgreSQL-only tests are not collected on SQLite at all (CI
runs the suite on both databases, so they run there).
"""

import importlib
import os
import zoneinfo
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from tests.factories import (
    TODAY,
    make_clinic_admin,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_user,
)

# Playwright's sync API keeps an event loop in the test thread; Django would otherwise refuse
# to touch the database from it. Only the test process sets this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Property tests run the same 20 examples each on every run, so a failure in CI is a failure
# on every machine, and the suite stays quick; they keep no example database. No deadline: an
# example that books through the database takes tens of milliseconds, more on a busy machine.
# HYPOTHESIS_PROFILE=explore draws 300 fresh examples each, to look for new failures by hand
# (failures are kept in .hypothesis/ and tried first next time).
hypothesis_settings.register_profile(
    "repeatable", max_examples=20, derandomize=True, database=None, deadline=None
)
hypothesis_settings.register_profile("explore", max_examples=300, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_collection_modifyitems(config, items):
    on_postgresql = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if on_postgresql:
        return
    postgresql_only = [item for item in items if item.get_closest_marker("postgresql")]
    if postgresql_only:
        config.hook.pytest_deselected(items=postgresql_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which counts as a failure: {report.longrepr}"
    return report


@pytest.fixture
def migrated_data(transactional_db):
    """Put back what the data migrations made (pages, roles, opening hours).

    A transactional test's flush empties every table. Django's serialized_rollback should
    restore them but, on PostgreSQL, left them empty once a browser test ran after ordinary
    tests."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state_apps = MigrationLoader(connection).project_state().apps
    for migration, function in [
        ("content.migrations.0002_education_pages", "load_pages"),
        ("content.migrations.0004_page_translation_files", "load_translations"),
        ("treatments.migrations.0002_roles", "create_roles"),
        ("treatments.migrations.0017_locations", "open_the_first_location"),
        ("treatments.migrations.0004_default_hours", "open_clinic"),
        ("ims_clinic.migrations.0002_clinic_admins_reset_two_step_devices", "allow_reset"),
        ("treatments.migrations.0011_visit_types", "add_default_types"),
        ("treatments.migrations.0014_load_instruments", "load_instruments"),
        ("treatments.migrations.0020_load_muscles", "load_muscles"),
    ]:
        getattr(importlib.import_module(migration), function)(state_apps, None)


# The cast: one person for each role, the same in every test ------------------------------


@pytest.fixture
def physiotherapist(db):
    """A physiotherapist with a current needling authorization."""
    return make_physiotherapist(username="priya", first_name="Priya", last_name="Physio")


@pytest.fixture
def front_desk(db):
    return make_front_desk(username="fran", first_name="Fran", last_name="Desk")


@pytest.fixture
def clinic_admin(db):
    return make_clinic_admin(username="casey", first_name="Casey", last_name="Admin")


@pytest.fixture
def outsider(db):
    """Signed in, but holding no role."""
    return make_user(username="olly", first_name="Olly", last_name="Outsider")


@pytest.fixture
def patient(db):
    return make_patient(legal_first_name="Avery", legal_last_name="Lopez", phone="604-555-0199")


@pytest.fixture
def clock():
    """The one clock: Tuesday 10 March 2026 (TODAY) at noon in the clinic's time zone, still."""
    noon = datetime.combine(TODAY, datetime.min.time().replace(hour=12))
    with time_machine.travel(
        noon.replace(tzinfo=zoneinfo.ZoneInfo(django_settings.TIME_ZONE)), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def two_step_sign_in_not_required(settings):
    """Most tests sign staff in with force_login, the password step only, to test a page.

    REQUIRE_2FA follows DEBUG, which a test run may have either way; off here, those tests test
    their page and not the sign-in. Tests of the second step turn it on themselves.
    """
    settings.REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def site_language_to_start():
    """LocaleMiddleware sets each request's language in the thread that runs it, and Django
    leaves it there (the next request sets its own): a test's client request would otherwise
    leave, say, Punjabi dates to the next test's emails and services."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_page_cache(settings):
    """Each test starts with an empty page cache of its own, in memory."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
    from django.core.cache import caches

    caches["pages"].clear()


# Debian's Chromium, driven by Playwright; the flags keep it from reaching out to the network.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page the size of a small phone (375 px wide)."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()

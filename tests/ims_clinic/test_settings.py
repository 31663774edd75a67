"""Settings come from the environment; a bad value stops the site with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from ims_clinic.settings import env_bool, env_int, env_list

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "clinic.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("word,expected", [("1", True), ("yes", True), ("ON", True), ("0", False),
                                           ("false", False), ("", False)])  # fmt: skip
def test_it_reads_true_and_false_words(monkeypatch, word, expected):
    monkeypatch.setenv("SOME_FLAG", word)
    assert env_bool("SOME_FLAG") is expected


def test_it_refuses_a_flag_that_is_neither_true_nor_false(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be true or false"):
        env_bool("SOME_FLAG")


def test_it_refuses_a_number_that_is_not_whole(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        env_int("SOME_NUMBER", 1)


def test_it_splits_a_list_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("SOME_HOSTS", " a.example , ,b.example")
    assert env_list("SOME_HOSTS", []) == ["a.example", "b.example"]


def test_it_passes_the_deployment_checks_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_checks_include_django_csps_own(settings):
    # A string of prefixes would be read letter by letter: "/" would exempt every page.
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": "/admin/",
    }
    found = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "csp.E002" in found


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_it_refuses_to_start_in_production_without_a_host():
    result = manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("DEBUG", "perhaps", "DEBUG must be true or false"),
        ("TIME_ZONE", "Mars/Olympus_Mons", "is not a known time zone"),
        ("DATABASE_URL", "nosuchdb://somewhere/db", "DATABASE_URL is not a database address"),
        ("CONN_MAX_AGE", "forever", "CONN_MAX_AGE must be a whole number"),
        ("CACHE_URL", "memcached://127.0.0.1:11211", "CACHE_URL must be a Redis address"),
    ],
)
def test_a_bad_setting_stops_the_site_with_a_clear_message(name, value, message):
    result = manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_development_needs_no_settings_at_all():
    result = manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


SHOW_CACHES = (
    "from django.conf import settings; "
    "print(sorted({c['BACKEND'] for c in settings.CACHES.values()}), settings.SESSION_ENGINE)"
)


def test_one_server_keeps_its_cache_in_memory_and_its_pages_on_disk():
    result = manage("shell", "--no-imports", "-c", SHOW_CACHES, DEBUG="1")
    assert result.stdout.split() == [
        "['content.caching.PageFileCache',",
        "'django.core.cache.backends.locmem.LocMemCache']",
        "django.contrib.sessions.backends.db",
    ]


def test_servers_given_a_redis_share_it_for_the_cache_pages_and_sessions():
    result = manage(
        "shell", "--no-imports", "-c", SHOW_CACHES, DEBUG="1", CACHE_URL="redis://127.0.0.1:6379/3"
    )
    assert result.stdout.split() == [
        "['django.core.cache.backends.redis.RedisCache']",
        "django.contrib.sessions.backends.cached_db",
    ]

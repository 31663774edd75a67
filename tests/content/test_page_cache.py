"""The page cache every gunicorn worker shares: files on disk, read from memory while unchanged."""

import os
import time

import pytest
import time_machine

from content.caching import PageFileCache


@pytest.fixture
def workers(tmp_path):
    """Two workers' caches over one folder."""
    return PageFileCache(str(tmp_path), {}), PageFileCache(str(tmp_path), {})


def test_it_serves_what_another_worker_saved(workers):
    first, second = workers
    second.set("page", {"html": "<p>Aftercare</p>"})
    assert first.get("page") == {"html": "<p>Aftercare</p>"}


def test_it_reads_an_unchanged_file_from_memory(workers, monkeypatch):
    first, second = workers
    second.set("page", "kept")
    assert first.get("page") == "kept"
    monkeypatch.setattr("builtins.open", lambda *args, **kwargs: pytest.fail("read the file"))
    assert first.get("page") == "kept"


def test_it_gives_each_request_its_own_copy(workers):
    first, second = workers
    second.set("page", {"headers": []})
    first.get("page")["headers"].append("Set-Cookie")
    assert first.get("page") == {"headers": []}


def test_it_never_serves_a_page_another_worker_replaced(workers):
    first, second = workers
    second.set("page", "old")
    assert first.get("page") == "old"
    second.set("page", "new")
    assert first.get("page") == "new"


def test_it_never_serves_a_page_another_worker_cleared(workers):
    first, second = workers
    second.set("page", "old")
    assert first.get("page") == "old"
    second.clear()
    assert first.get("page") is None


def test_it_forgets_a_page_whose_time_is_up(workers):
    first, second = workers
    second.set("page", "old", timeout=60)
    assert first.get("page") == "old"
    with time_machine.travel(time.time() + 120):
        assert first.get("page") is None
    assert not os.path.exists(second._key_to_file("page"))


@pytest.mark.django_db
def test_a_cached_page_is_served_whole_with_its_content_type(client):
    first = client.get("/ims/aftercare/")
    again = client.get("/ims/aftercare/")
    assert again.content == first.content
    assert again["Content-Type"] == "text/html; charset=utf-8"
    assert again["Cache-Control"] == "no-cache"
    assert "Content-Security-Policy" in again


@pytest.mark.django_db
def test_a_visitor_with_a_session_always_gets_a_page_made_for_them(
    client, admin_user, django_assert_num_queries
):
    client.get("/ims/aftercare/")  # cached for patients
    client.force_login(admin_user)
    for _ in range(2):
        # The session, the user, the page; nothing from or into the cache.
        with django_assert_num_queries(3):
            assert "Sign out admin" in client.get("/ims/aftercare/").content.decode()

"""The public page cache: files on disk every gunicorn worker shares, read from memory while
unchanged, and keyed so that no page made under other settings or another release is served."""

import os
import time

import pytest
import time_machine
from django.core.cache.backends.base import BaseCache

from content import caching
from content.caching import PageFileCache
from content.models import Page


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


def rendered(response) -> list[str]:
    """The templates a response was made with: none when it came whole from the cache."""
    return [template.name for template in response.templates]


@pytest.fixture
def next_release(monkeypatch):
    """Serve the pages as the next release would: same settings, new code or templates."""

    def deploy():
        monkeypatch.setattr(caching, "release", lambda: "the next release")
        caching.page_fingerprint.cache_clear()

    yield deploy
    caching.page_fingerprint.cache_clear()  # before monkeypatch puts the real release back


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/", "/ims/aftercare/"])
def test_a_page_cached_before_the_clinic_phone_changed_is_not_served_after(
    client, settings, address
):
    settings.CLINIC_PHONE = "604-555-0100"
    assert "604-555-0100" in client.get(address).content.decode()
    settings.CLINIC_PHONE = "604-555-0199"
    page = client.get(address).content.decode()
    assert "604-555-0199" in page
    assert "604-555-0100" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/", "/ims/aftercare/"])
def test_a_page_cached_by_one_release_is_not_served_by_the_next(client, next_release, address):
    client.get(address)
    next_release()
    assert rendered(client.get(address))


@pytest.mark.django_db
def test_a_page_cached_under_the_same_settings_and_release_is_served_again(client, settings):
    settings.CLINIC_PHONE = "604-555-0100"
    assert "content/home.html" in rendered(client.get("/"))
    # A restart with the same settings and the same release works its fingerprint out afresh.
    settings.CLINIC_PHONE = "604-555-0100"
    caching.release.cache_clear()
    again = client.get("/")
    assert rendered(again) == []
    assert "604-555-0100" in again.content.decode()


def write_release(root, base_html: str) -> None:
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "base.html").write_text(base_html)


def test_the_release_fingerprint_changes_with_a_template(tmp_path):
    write_release(tmp_path / "this", "<footer>Call us</footer>")
    write_release(tmp_path / "next", "<footer>Call the clinic</footer>")
    this = caching.files_fingerprint(tmp_path / "this", [tmp_path / "this" / "templates"])
    after = caching.files_fingerprint(tmp_path / "next", [tmp_path / "next" / "templates"])
    assert this != after


def test_the_release_fingerprint_is_the_same_on_every_server_with_the_same_files(tmp_path):
    """Servers that share one cache (Redis, later) find each other's pages."""
    for server in ("first", "second"):
        write_release(tmp_path / server, "<footer>Call us</footer>")
    first = caching.files_fingerprint(tmp_path / "first", [tmp_path / "first" / "templates"])
    second = caching.files_fingerprint(tmp_path / "second", [tmp_path / "second" / "templates"])
    assert first == second


@pytest.mark.django_db
def test_an_edit_retires_the_cached_pages_without_emptying_the_shared_cache(client):
    """The cache may be a Redis that other servers and their sessions share."""
    from django.core.cache import caches

    client.get("/ims/aftercare/")
    caches[caching.PAGE_CACHE].set("session:abc", "kept")
    page = Page.objects.get(slug="aftercare")
    page.title = "Aftercare checklist"
    page.save()
    assert "<h1>Aftercare checklist</h1>" in client.get("/ims/aftercare/").content.decode()
    assert caches[caching.PAGE_CACHE].get("session:abc") == "kept"


@pytest.mark.django_db
def test_a_copy_is_not_served_once_the_cache_has_lost_its_generation(client):
    from django.core.cache import caches

    client.get("/")
    assert rendered(client.get("/")) == []
    caches[caching.PAGE_CACHE].delete(caching.GENERATION_KEY)  # evicted, or Redis restarted
    assert "content/home.html" in rendered(client.get("/"))
    assert rendered(client.get("/")) == []


@pytest.mark.django_db
def test_an_edit_retires_the_copies_again_once_it_is_committed(django_capture_on_commit_callbacks):
    """Until then another server may render a page from the old text and keep it."""
    from django.core.cache import caches

    generation = lambda: caches[caching.PAGE_CACHE].get(caching.GENERATION_KEY)  # noqa: E731
    with django_capture_on_commit_callbacks(execute=True):
        page = Page.objects.get(slug="aftercare")
        page.title = "Aftercare checklist"
        page.save()
        during = generation()
    assert generation() not in {None, during}


class UnreachableCache(BaseCache):
    """A shared cache that does not answer (Redis restarting)."""

    def __init__(self, location, params):
        super().__init__(params)

    def _unreachable(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = get_many = set = add = delete = clear = _unreachable


@pytest.mark.django_db
def test_patients_still_get_their_page_while_the_shared_cache_does_not_answer(client, settings):
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": f"{__name__}.UnreachableCache"}}
    title = Page.objects.get(slug="aftercare").title
    for _ in range(2):
        response = client.get("/ims/aftercare/")
        assert response.status_code == 200
        assert f"<h1>{title}</h1>" in response.content.decode()

"""Whole-response caching of the public education pages.

Patients only read these pages, so each is rendered once and then served from the "pages"
cache until an education page changes (see Page.save) or the cache's timeout passes.

An edit retires every copy at once without emptying the cache, which may be a Redis shared with
other servers and with sessions: each copy is kept with the cache's current generation, a
random word kept in the cache itself, and an edit writes a new one. A server reads the
generation and the page together, in one look-up, and serves the copy only if their
generations match; so an edit made through one server shows at once on all of them.

The cache outlives a restart, so each page is kept under its address and a fingerprint of all
it is made of besides the database: the settings the pages show or use (PAGE_SETTINGS: the
clinic's name and phone number, the language, the time zone...) and the release (the code,
templates and translations of the project's own apps, pyproject.toml, and the static files'
manifest). A restart with a new setting or a new release looks every page up under new keys and
renders it afresh; copies made before are never read again and wait out their timeout. A
process works the fingerprint out once, at its first public page. It hashes file contents and
paths inside the project folder, never times or absolute paths, so servers that run the same
release with the same settings share their pages in one cache (Redis, for instance).
"""

import hashlib
import logging
import os
import pickle
import secrets
import time
import zlib
from collections.abc import Callable, Iterable
from functools import cache, wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

PAGE_CACHE = "pages"
GENERATION_KEY = "public-pages-generation"

# Every setting a public page shows or is made with. A template or context processor that
# starts to use another setting adds it here, or a change to it would wait for the timeout.
PAGE_SETTINGS = (
    "CLINIC_NAME",  # ims_clinic.context_processors.clinic
    "CLINIC_PHONE",  # ditto
    "SITE_URL",
    "LANGUAGE_CODE",
    "USE_I18N",
    "TIME_ZONE",
    "USE_TZ",
    "DEBUG",  # static files' names are hashed only when it is off
    "STATIC_URL",
)


def forget_cached_pages() -> None:
    """Retire every cached public page, on every server that shares the cache."""
    _new_generation()
    if transaction.get_connection().in_atomic_block:
        # A server may render a page from the old text until the edit is committed, and keep
        # it under the new generation; retire that copy too once the edit is visible to all.
        transaction.on_commit(_new_generation, robust=True)


def _new_generation() -> None:
    caches[PAGE_CACHE].set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def current_generation(found: dict) -> str | None:
    """The generation in a get_many() result, or a new one if the cache had none (a fresh or
    restarted cache, or one that evicted it): any copy it still holds is then retired."""
    if GENERATION_KEY in found:
        return found[GENERATION_KEY]
    generation = secrets.token_hex(8)
    if caches[PAGE_CACHE].add(GENERATION_KEY, generation, timeout=None):
        return generation
    return caches[PAGE_CACHE].get(GENERATION_KEY)  # another server made one first


def files_fingerprint(root: Path, folders: Iterable[Path]) -> str:
    """A digest of every file in the folders, named by its path inside root."""
    digest = hashlib.sha256()
    for folder in sorted(folders):
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(root)
            if path.is_file() and "__pycache__" not in name.parts:
                content = path.read_bytes()
                digest.update(f"{name.as_posix()}\0{len(content)}\0".encode())
                digest.update(content)
    return digest.hexdigest()


@cache
def release() -> str:
    """What this process serves: the project's apps and templates, and its static files' names."""
    root = Path(settings.BASE_DIR)
    folders = {Path(app.path) for app in apps.get_app_configs()}
    folders |= {Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])}
    folders |= {Path(folder) for folder in settings.LOCALE_PATHS}  # the translations
    own = [folder for folder in folders if folder.is_relative_to(root)]
    project = root / "pyproject.toml"
    version = project.read_bytes() if project.exists() else b""
    # The manifest's hash changes with any static file a page links to (none when DEBUG is on).
    manifest = getattr(staticfiles_storage, "manifest_hash", "")
    parts = [files_fingerprint(root, own), hashlib.sha256(version).hexdigest(), manifest]
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()


@cache
def page_fingerprint() -> str:
    """A short digest of the release and PAGE_SETTINGS, part of every cached page's key."""
    shown = [(name, getattr(settings, name, None)) for name in PAGE_SETTINGS]
    return hashlib.sha256(repr((release(), shown)).encode()).hexdigest()[:16]


@receiver(setting_changed)
def forget_page_fingerprint(**kwargs) -> None:
    # A server reads its settings once; tests change them within one process.
    page_fingerprint.cache_clear()


def public_page(view: Callable) -> Callable:
    """Serve the view's page from the page cache to visitors who are not signed in.

    The copy is kept by address, language and page fingerprint (above): anyone with a session
    (staff, who see a sign-out link) gets a page made for them, never a patient's copy, and is
    never cached. Django's cache_page keyed each copy by address, language, time zone and
    cookie, in two cache entries: looking them up cost more than the rest of the request (the
    benchmark's health check), so these pages, which vary by nothing else but the language,
    have their own simpler key, still read in one look-up (with the generation, above).
    Browsers are told to ask again each time (no-cache), so a page edited in the admin is what
    the next visitor sees.
    """

    @wraps(view)
    def serve(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = view(request, *args, **kwargs)
        else:
            response = _from_cache(request, lambda: view(request, *args, **kwargs))
        response["Cache-Control"] = "no-cache"
        # The language comes from the switcher's cookie or else Accept-Language (which
        # LocaleMiddleware adds to Vary itself): a shared cache on the way keeps them apart.
        patch_vary_headers(response, ["Cookie"])
        return response

    return serve


def _from_cache(request, render: Callable[[], HttpResponse]) -> HttpResponse:
    address = request.get_full_path().encode()
    address_key = hashlib.sha256(address).hexdigest()  # any length, any bytes
    # One copy per language (LocaleMiddleware has chosen the reader's): a Punjabi reader never
    # gets the English copy, nor the reverse.
    key = f"public-page:{page_fingerprint()}:{translation.get_language()}:{address_key}"
    pages = caches[PAGE_CACHE]
    try:
        found = pages.get_many([GENERATION_KEY, key])
        generation = current_generation(found)
    except Exception:
        # A shared cache (Redis) that does not answer, restarting say: patients still get their
        # page, made afresh.
        logger.exception("The page cache did not answer; serving %s uncached", request.path)
        return render()
    kept = found.get(key)
    if kept is not None and kept.get("generation") == generation:
        return HttpResponse(kept["content"], content_type=kept["content_type"])
    response = render()
    if response.status_code == 200 and not response.cookies:
        copy = {
            "content": response.content,
            "content_type": response["Content-Type"],
            "generation": generation,
        }
        try:
            pages.set(key, copy)
        except Exception:
            logger.exception("The page cache did not answer; %s is not kept", request.path)
    return response


class PageFileCache(FileBasedCache):
    """The file cache, with each worker keeping in memory the entries it has read.

    A kept entry is used while its file is unchanged: one stat() instead of opening, reading and
    decompressing the file, twice a request (cache_page reads two entries). An entry that
    another worker replaced or cleared has a new file or none, so it is never served stale.
    Each request still unpickles its own copy: no response object is shared between requests.
    """

    KEEP_AT_MOST = 200  # entries per worker; a cookie (staff) gets entries of its own

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._kept: dict[str, tuple] = {}  # file -> (its inode and mtime, expiry, pickled value)

    def get(self, key, default=None, version=None):
        fname = self._key_to_file(key, version)
        try:
            found = os.stat(fname)
        except FileNotFoundError:
            self._kept.pop(fname, None)
            return default
        kept = self._kept.get(fname)
        if kept is None or kept[0] != (found.st_ino, found.st_mtime_ns):
            try:
                with open(fname, "rb") as f:
                    # Django's own file cache format, in the server's own folder.
                    expiry = pickle.load(f)  # noqa: S301  # nosec B301
                    kept = ((found.st_ino, found.st_mtime_ns), expiry, zlib.decompress(f.read()))
            except FileNotFoundError:
                return default
            if len(self._kept) >= self.KEEP_AT_MOST:
                self._kept.clear()
            self._kept[fname] = kept
        if kept[1] is not None and kept[1] < time.time():
            self._kept.pop(fname, None)
            return super().get(key, default, version)  # which removes the expired file
        return pickle.loads(kept[2])  # noqa: S301  # nosec B301

    def clear(self) -> None:
        super().clear()
        self._kept.clear()

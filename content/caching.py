"""Whole-response caching of the public education pages.

Patients only read these pages, so each is rendered once and then served from the "pages"
cache until an education page changes (see Page.save) or the cache's timeout passes.
"""

import hashlib
import os
import pickle
import time
import zlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpResponse

PAGE_CACHE = "pages"


def forget_cached_pages() -> None:
    caches[PAGE_CACHE].clear()


def public_page(view: Callable) -> Callable:
    """Serve the view's page from the page cache to visitors who are not signed in.

    The copy is kept by address only: anyone with a session (staff, who see a sign-out link)
    gets a page made for them, never a patient's copy, and is never cached. Django's cache_page
    keyed each copy by address, language, time zone and cookie, in two cache entries: looking
    them up cost more than the rest of the request (the benchmark's health check), so these
    pages, which vary by nothing else, have their own simpler key. Browsers are told to ask
    again each time (no-cache), so a page edited in the admin is what the next visitor sees.
    """

    @wraps(view)
    def serve(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = view(request, *args, **kwargs)
        else:
            address = request.get_full_path().encode()
            key = f"public-page:{hashlib.sha256(address).hexdigest()}"  # any length, any bytes
            kept = caches[PAGE_CACHE].get(key)
            if kept is not None:
                response = HttpResponse(kept["content"], content_type=kept["content_type"])
            else:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.cookies:
                    copy = {"content": response.content, "content_type": response["Content-Type"]}
                    caches[PAGE_CACHE].set(key, copy)
        response["Cache-Control"] = "no-cache"
        return response

    return serve


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

"""Whole-response caching of the public education pages.

Patients only read these pages, so each is rendered once and then served from the "pages"
cache until an education page changes (see Page.save) or the cache's timeout passes.
"""

import os
import pickle
import time
import zlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.views.decorators.cache import cache_control, cache_page
from django.views.decorators.vary import vary_on_cookie

PAGE_CACHE = "pages"


def forget_cached_pages() -> None:
    caches[PAGE_CACHE].clear()


def public_page(view: Callable) -> Callable:
    """Serve the view from the page cache.

    Browsers are told to ask again each time (no-cache), so a page edited in the admin is what
    the next visitor sees; the server still answers from its cache. The copy is kept per cookie:
    the session middleware marks that too late for the cache to see it, and a signed-in
    member of staff must not be served a patient's copy (or the other way round).
    """
    timeout = settings.CACHES[PAGE_CACHE].get("TIMEOUT", 600)
    cached = cache_page(timeout, cache=PAGE_CACHE)(vary_on_cookie(view))
    return cache_control(no_cache=True)(cached)


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
                    expiry = pickle.load(f)  # noqa: S301 (our own cache files)
                    kept = ((found.st_ino, found.st_mtime_ns), expiry, zlib.decompress(f.read()))
            except FileNotFoundError:
                return default
            if len(self._kept) >= self.KEEP_AT_MOST:
                self._kept.clear()
            self._kept[fname] = kept
        if kept[1] is not None and kept[1] < time.time():
            self._kept.pop(fname, None)
            return super().get(key, default, version)  # which removes the expired file
        return pickle.loads(kept[2])  # noqa: S301

    def clear(self) -> None:
        super().clear()
        self._kept.clear()

"""Whole-response caching of the public education pages.

Patients only read these pages, so each is rendered once and then served from the "pages"
cache until an education page changes (see Page.save) or the cache's timeout passes.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
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

"""While the database cannot be reached: a page of the site's own (503, Retry-After) instead of
a 500, and a form posted then saves nothing at all.

The database is first asked for by whatever comes first: the session and the signed-in user
(read lazily by the middleware below this one), the view, or the error pages (403 and 404 read
the user for the menu). Django turns an error raised in a middleware into a 500 response
before the middleware above it sees it, so the error is noticed twice over: a view's by
process_exception, anyone else's by the got_request_exception signal Django sends before
making that 500. Either marks the request, and DatabaseOutage, near the top of MIDDLEWARE,
answers it with templates/outage.html, rendered without the request (no session, user or
menu reads) and without the error's text.

A form posted (any method but GET, HEAD, OPTIONS) is handled in one transaction: if the
database stops answering part-way, or the page fails, all of it is rolled back, so "not
saved" is true. Only a failure of the final commit leaves it unknown, and the page says so.
What was typed is shown again, with a button that sends it again (the booking and charting
rules refuse a second copy of anything that was saved after all).
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connection, transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.text import capfirst

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
MARK = "database_outage"
# Never written into a page, not even back to the person who typed it.
CSRF_FIELD = "csrfmiddlewaretoken"


class Saved:
    """What the outage page can say about a form that was posted."""

    NOT_SAVED = "not-saved"
    UNKNOWN = "unknown"  # the commit itself failed: the database may or may not have it


def is_outage(error: BaseException | None) -> bool:
    """Whether the error, or one it was raised from, says the database did not answer."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@receiver(got_request_exception)
def mark_outage(sender, request=None, **kwargs) -> None:
    """Sent while Django turns an error into a 500, the error being the one handled now."""
    if request is not None and is_outage(sys.exc_info()[1]):
        setattr(request, MARK, True)


class DatabaseOutage:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READ_ONLY_METHODS:
            response = self.get_response(request)
            return outage_response(request) if getattr(request, MARK, False) else response
        if connection.in_atomic_block:
            # Whoever opened the transaction around this request (a test) decides its fate.
            response = self.get_response(request)
            marked = getattr(request, MARK, False)
            return outage_response(request, Saved.NOT_SAVED) if marked else response
        committing = False
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500 or getattr(request, MARK, False):
                    transaction.set_rollback(True)  # nothing in part
                committing = True
        except OUTAGE_ERRORS as error:
            logger.warning("The database did not answer (%s): %s", _first_line(error), request.path)
            return outage_response(request, Saved.UNKNOWN if committing else Saved.NOT_SAVED)
        if getattr(request, MARK, False):
            return outage_response(request, Saved.NOT_SAVED)
        return response

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.warning("The database did not answer (%s): %s", _first_line(exception), request.path)
        setattr(request, MARK, True)
        return HttpResponse(status=503)  # replaced by __call__ on its way out


def outage_response(request, saved: str | None = None) -> HttpResponse:
    ctx = {"saved": saved, "path": request.get_full_path(), "retry_after": RETRY_AFTER_SECONDS}
    if saved is not None and _csrf_accepted(request):
        ctx.update(_typed(request))
    ctx |= {"clinic_name": settings.CLINIC_NAME, "clinic_phone": settings.CLINIC_PHONE}
    response = HttpResponse(render_to_string("outage.html", ctx), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["X-Frame-Options"] = "DENY"
    # It may show what was typed into a patient's record: no browser or proxy keeps it.
    patch_cache_control(response, no_store=True, private=True)
    return response


def _typed(request) -> dict:
    """The fields posted, for the page to show and send again; secrets are left out."""
    fields, withheld = [], bool(request.FILES)
    for name, values in request.POST.lists():
        if name == CSRF_FIELD:
            continue
        if _is_secret(name):
            withheld = True
            continue
        fields.append((name, capfirst(name.replace("_", " ").replace("-", " ")), values))
    return {
        "fields": fields,
        "withheld": withheld,
        "csrf_token": request.POST.get(CSRF_FIELD, ""),
    }


def _is_secret(name: str) -> bool:
    name = name.lower()
    return "password" in name or name in {"code", "otp_token"}


def _csrf_accepted(request) -> bool:
    """Only a form this site made is shown again: another site's post gets no copy of it."""
    check = CsrfViewMiddleware(lambda request: None)
    return check.process_view(request, _not_exempt, (), {}) is None


def _not_exempt(request):
    return None


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]

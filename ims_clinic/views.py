import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.cache import never_cache

from ims_clinic import audit, readiness
from patients.roles import (
    ALL_ROLES,
    CLINIC_ADMIN,
    FRONT_DESK,
    PHYSIOTHERAPIST,
    has_role,
    role_required,
)

logger = logging.getLogger(__name__)


@login_required
def staff_home(request):
    """Where each role starts after signing in."""
    if has_role(request.user, PHYSIOTHERAPIST):
        return redirect("treatments:dashboard")
    if has_role(request.user, FRONT_DESK):
        return redirect("treatments:day-sheet")
    if has_role(request.user, CLINIC_ADMIN):
        return redirect("admin:index")
    raise PermissionDenied


@role_required(*ALL_ROLES)
def staff_menu(request):
    """The menu of the signed-in staff member's pages, and nothing else. It reads only the
    session, the user and their roles: the floor every staff page stands on, which the
    benchmark measures staff pages against."""
    return render(request, "staff_menu.html")


def permission_denied(request, exception):
    """Every refused page is an audit entry: someone tried to open what their role does not."""
    audit.record(request, audit.Action.REFUSED)
    return defaults.permission_denied(request, exception)


@never_cache
def health(request):
    """Liveness: the process answers. Touches neither the database nor the session: the
    benchmark's baseline (the most any page of this Django set-up can serve). Whether the site
    can serve its pages is /ready/'s question."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def ready(request):
    """Readiness: the database answers within a few seconds and has every migration of this
    release; 503 otherwise, so a load balancer sends no one to a server that cannot serve."""
    try:
        pending = readiness.pending_migrations()
    except DatabaseError as error:
        logger.warning("Not ready: the database did not answer (%s)", error.__class__.__name__)
        return HttpResponse("database unavailable\n", content_type="text/plain", status=503)
    if pending:
        return HttpResponse("migrations not applied\n", content_type="text/plain", status=503)
    return HttpResponse("ready\n", content_type="text/plain")

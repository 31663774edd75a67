from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views import defaults
from django.views.decorators.cache import never_cache

from ims_clinic import audit
from patients.roles import CLINIC_ADMIN, FRONT_DESK, PHYSIOTHERAPIST, has_role


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


def permission_denied(request, exception):
    """Every refused page is an audit entry: someone tried to open what their role does not."""
    audit.record(request, audit.Action.REFUSED)
    return defaults.permission_denied(request, exception)


@never_cache
def health(request):
    """The site is up. Touches neither the database nor the session: a load balancer's probe,
    and the benchmark's baseline (the most any page of this Django set-up can serve)."""
    return HttpResponse("ok\n", content_type="text/plain")

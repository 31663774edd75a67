from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from patients.roles import CLINIC_ADMIN, FRONT_DESK, PHYSIOTHERAPIST, has_role


@login_required
def staff_home(request):
    """Where each role starts after signing in."""
    if has_role(request.user, PHYSIOTHERAPIST):
        return redirect("treatments:dashboard")
    if has_role(request.user, FRONT_DESK):
        return redirect("patients:patient-list")
    if has_role(request.user, CLINIC_ADMIN):
        return redirect("admin:index")
    raise PermissionDenied

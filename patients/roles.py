"""Staff roles: Django groups created by a migration (treatments/migrations/0002_roles.py)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PHYSIOTHERAPIST = "Physiotherapist"
FRONT_DESK = "Front desk"
CLINIC_ADMIN = "Clinic admin"
ALL_ROLES = [PHYSIOTHERAPIST, FRONT_DESK, CLINIC_ADMIN]


def role_names(user) -> set[str]:
    """The user's roles, read once per request. A superuser holds every role."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if not hasattr(user, "_role_names"):
        if user.is_superuser:
            user._role_names = set(ALL_ROLES)
        else:
            user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_physiotherapist(user) -> bool:
    return has_role(user, PHYSIOTHERAPIST)


def role_required(*roles: str) -> Callable:
    """Let in staff holding one of the roles; send visitors to sign in; refuse others (403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


clinical_staff = role_required(PHYSIOTHERAPIST)
booking_staff = role_required(PHYSIOTHERAPIST, FRONT_DESK)


def display_name(user) -> str:
    """How the pages name a staff member: their full name, or their username if they have none."""
    return user.get_full_name() or user.get_username()

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from patients.roles import role_names


def clinic(request):
    return {"clinic_name": settings.CLINIC_NAME, "clinic_phone": settings.CLINIC_PHONE}


def staff_roles(request):
    """The signed-in user's roles, for the menu; read only when a template asks."""
    return {"roles": SimpleLazyObject(lambda: role_names(request.user))}

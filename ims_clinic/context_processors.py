from django.conf import settings
from django.utils.functional import SimpleLazyObject

from patients.roles import role_names


def clinic(request):
    return {"clinic_name": settings.CLINIC_NAME, "clinic_phone": settings.CLINIC_PHONE}


def staff_roles(request):
    """The signed-in user's roles, for the menu; read only when a template asks."""
    return {"roles": SimpleLazyObject(lambda: role_names(request.user))}


def patient_signed_in(request):
    """Whether this browser holds a patient's session, for the menu: read from the session
    only when a template asks (no query; the patient pages check the record itself)."""
    from patients.online.session import SESSION_KEY

    return {
        "patient_signed_in": SimpleLazyObject(
            lambda: not request.user.is_authenticated and SESSION_KEY in request.session
        )
    }

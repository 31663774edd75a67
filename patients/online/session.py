"""A signed-in patient, kept apart from staff sign-in.

A patient is not a user: the session holds the patient's id under its own key, and
request.user stays anonymous, so every staff page (which asks for a user with a role) and the
admin turn a patient away. A session is either a patient's or a staff member's, never both.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from patients.models import Patient
from patients.online import access

SESSION_KEY = "signed_in_patient"
# A patient's session ends 30 minutes after the link is opened; a new link signs in again.
SESSION_SECONDS = 30 * 60


def sign_in(request, patient: Patient) -> None:
    logout(request)  # a new session: nothing of a staff member's (or a former one) carries over
    request.session[SESSION_KEY] = patient.pk
    request.session.set_expiry(SESSION_SECONDS)


def in_their_language(response: HttpResponse, patient: Patient) -> HttpResponse:
    """The patient's pages from now on in their preferred language: Django keeps the reader's
    language in a cookie (the one the language switcher sets, and may change again)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        patient.preferred_language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def sign_out(request) -> None:
    request.session.flush()


def signed_in_patient(request) -> Patient | None:
    """The patient this session belongs to, while their record still allows online access."""
    if request.user.is_authenticated:
        return None
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    patient = Patient.objects.active().filter(pk=pk).first()
    if patient is None or not access.may_sign_in(patient):
        return None
    return patient


def patient_required(view: Callable) -> Callable:
    """Let in a signed-in patient (as request.patient); send anyone else to the sign-in page,
    which brings them back here once signed in (services.page_after_sign_in)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.patient = signed_in_patient(request)
        if request.patient is None:
            sign_in_page = reverse("patients:online-sign-in")
            if request.method == "GET":  # back to this page once signed in
                sign_in_page += "?" + urlencode({"next": request.get_full_path()})
            return redirect(sign_in_page)
        return view(request, *args, **kwargs)

    return wrapper

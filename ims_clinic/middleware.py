from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext
from django_otp import user_has_device

from patients.roles import CLINIC_ADMIN, PHYSIOTHERAPIST, has_role

SIGNED_IN_AT, LAST_SEEN = "signed_in_at", "last_seen"
LAST_SEEN_PRECISION = 60  # seconds


class NoStoreForStaff:
    """Pages served to signed-in staff may show patient data: no browser or proxy keeps them.

    Patients are never signed in, so the public pages keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def _now() -> float:
    return timezone.now().timestamp()


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    """Note when staff signed in, for StaffSessionLimits (saved with the new session)."""
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = _now()


class StaffSessionLimits:
    """Sign staff out after 30 idle minutes, and 12 hours after signing in whatever they do.

    The last-seen time is written at most once a minute, so most pages write nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now, session = _now(), request.session
            signed_in_at = session.get(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            if now - signed_in_at > settings.SESSION_MAX_LIFETIME:
                return self.sign_out(
                    request, gettext("You were signed out 12 hours after signing in.")
                )
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self.sign_out(
                    request, gettext("You were signed out after 30 minutes without use.")
                )
            if now - last_seen > LAST_SEEN_PRECISION:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def sign_out(self, request, why: str):
        logout(request)
        messages.info(request, gettext("%(why)s Please sign in again.") % {"why": why})
        return redirect_to_login(request.get_full_path())


# Pages an unverified user may still open: the two steps themselves, signing in and out, and
# the public pages for patients (the `content` app and the answer page), which anyone may read.
# A patient's questionnaire link is opened by its token alone, whoever is signed in.
TWO_STEP_OPEN_VIEWS = {"login", "logout", "two-factor-verify", "two-factor-setup",
                       "treatments:answer", "treatments:answer-thanks"}  # fmt: skip
TWO_STEP_OPEN_NAMESPACES = {"content"}


class TwoStepSignIn:
    """Hold staff who signed in with a password at the second step until they give a code.

    Anyone with an authenticator app set up is asked for its code. Physiotherapists and clinic
    admins without one are sent to set one up when REQUIRE_2FA is on. Every other URL, the
    admin's included, waits until then, so no page can be reached by skipping the step.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self.is_open(request):
            if has_two_step_device(user):
                return redirect_with_next("two-factor-verify", request)
            if two_step_required(user):
                return redirect_with_next("two-factor-setup", request)
        return self.get_response(request)

    @staticmethod
    def is_open(request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a page not found shows nothing
        return match.view_name in TWO_STEP_OPEN_VIEWS or match.namespace in TWO_STEP_OPEN_NAMESPACES


def has_two_step_device(user) -> bool:
    """Whether the user has an authenticator app set up; ims_clinic.backends.StaffBackend reads
    it with the user, so most pages ask nothing more."""
    known = getattr(user, "has_two_step_device", None)
    return known if known is not None else user_has_device(user)


def two_step_required(user) -> bool:
    return settings.REQUIRE_2FA and has_role(user, PHYSIOTHERAPIST, CLINIC_ADMIN)


def redirect_with_next(url_name: str, request) -> HttpResponseRedirect:
    """Send the user to a step of signing in, and back to where they were going after it."""
    return HttpResponseRedirect(
        f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"
    )

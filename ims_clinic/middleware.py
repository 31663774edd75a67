from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils import timezone
from django.utils.cache import patch_cache_control

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
                return self.sign_out(request, "You were signed out 12 hours after signing in.")
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self.sign_out(request, "You were signed out after 30 minutes without use.")
            if now - last_seen > LAST_SEEN_PRECISION:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def sign_out(self, request, why: str):
        logout(request)
        messages.info(request, f"{why} Please sign in again.")
        return redirect_to_login(request.get_full_path())

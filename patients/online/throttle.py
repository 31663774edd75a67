"""How often sign-in links may be asked for: per email address and per network address.

Counted in the cache (shared by the app servers when CACHE_URL is set), over a 15-minute window.
The limits hold whether or not the address is on file, so they tell nobody which emails are."""

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
PER_EMAIL = 3
PER_IP = 20


def _over(key: str, limit: int) -> bool:
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit


def too_many(*, email: str, ip: str | None) -> bool:
    """Count one request; True once either limit is passed."""
    over_email = _over(f"patient-link:email:{email.casefold()}", PER_EMAIL)
    over_ip = _over(f"patient-link:ip:{ip or 'unknown'}", PER_IP)
    return over_email or over_ip

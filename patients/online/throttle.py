"""How often patients may ask for things online, counted in the cache (shared by the app
servers when CACHE_URL is set).

- Sign-in links: per email address and per network address, over 15 minutes. The limits hold
  whether or not the address is on file, so they tell nobody which emails are.
- Bookings and moves: per signed-in patient, over 10 minutes; more than a person makes."""

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
PER_EMAIL = 3
PER_IP = 20
BOOKING_WINDOW_SECONDS = 10 * 60
BOOKINGS_PER_PATIENT = 6


def _over(key: str, limit: int, window: int = WINDOW_SECONDS) -> bool:
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def too_many(*, email: str, ip: str | None) -> bool:
    """Count one request; True once either limit is passed."""
    over_email = _over(f"patient-link:email:{email.casefold()}", PER_EMAIL)
    over_ip = _over(f"patient-link:ip:{ip or 'unknown'}", PER_IP)
    return over_email or over_ip


def too_many_bookings(patient_id: int) -> bool:
    """Count one booking or move asked for by this patient; True once past the limit."""
    return _over(f"patient-booking:{patient_id}", BOOKINGS_PER_PATIENT, BOOKING_WINDOW_SECONDS)

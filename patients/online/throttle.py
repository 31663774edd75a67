"""How often patients may ask for things online, counted in the cache (shared by the app
servers when CACHE_URL is set).

- Sign-in links: per email address and per network address, over 15 minutes. The limits hold
  whether or not the address is on file, so they tell nobody which emails are.
- New patients' requests for a first assessment: per email and network address, over 15
  minutes; a person asks once or twice, more is a script filling the clinic's list.
- Bookings and moves: per signed-in patient, over 10 minutes; more than a person makes."""

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
PER_EMAIL = 3
PER_IP = 20
BOOKING_WINDOW_SECONDS = 10 * 60
BOOKINGS_PER_PATIENT = 6
REQUESTS_PER_EMAIL = 3
REQUESTS_PER_IP = 10


def _over(key: str, limit: int, window: int = WINDOW_SECONDS) -> bool:
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def _counted(kind: str, *, email: str, ip: str | None, per_email: int, per_ip: int) -> bool:
    over_email = _over(f"{kind}:email:{email.casefold()}", per_email)
    over_ip = _over(f"{kind}:ip:{ip or 'unknown'}", per_ip)
    return over_email or over_ip


def too_many_bookings(patient_id: int) -> bool:
    """Count one booking or move asked for by this patient; True once past the limit."""
    return _over(f"patient-booking:{patient_id}", BOOKINGS_PER_PATIENT, BOOKING_WINDOW_SECONDS)


def too_many(*, email: str, ip: str | None) -> bool:
    """Count one sign-in link asked for; True once either limit is passed."""
    return _counted("patient-link", email=email, ip=ip, per_email=PER_EMAIL, per_ip=PER_IP)


def too_many_requests(*, email: str, ip: str | None) -> bool:
    """Count one new patient's request (or booking); True once either limit is passed."""
    return _counted(
        "new-patient", email=email, ip=ip, per_email=REQUESTS_PER_EMAIL, per_ip=REQUESTS_PER_IP
    )

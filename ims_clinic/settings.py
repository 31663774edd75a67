"""Settings for the IMS clinic site, read from environment variables.

Production differs from development by its environment only. The README lists every variable.
"""

import os
import zoneinfo
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-development-only-key-never-used-when-debug-is-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host name(s), comma separated.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

CLINIC_NAME = env_str("CLINIC_NAME", "IMS Clinic")
CLINIC_PHONE = env_str("CLINIC_PHONE")  # shown on every page and on printed handouts
# The site's public address, for links in emails and calendar files (no request to read it from).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "ims_clinic.apps.ClinicAdminConfig",  # django.contrib.admin, with the clinic's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "ims_clinic",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "pgtrigger",
    "axes",
    "csp",  # for its system checks; the header comes from its middleware
    "django_otp",
    "ims_clinic.apps.TwoStepDevicesConfig",  # django_otp.plugins.otp_totp
    "content",
    "patients",
    "treatments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Above everything that reads the database (the session, the user): a page of its own, 503,
    # while the database does not answer, and a form posted then saved whole or not at all.
    "ims_clinic.outage.DatabaseOutage",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language, from the switcher's cookie or else the browser's Accept-Language;
    # after the session (as Django asks) and before CommonMiddleware. Below DatabaseOutage, which
    # renders its page after this has chosen the language (the outage page follows it too).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ims_clinic.middleware.StaffSessionLimits",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "ims_clinic.middleware.NoStoreForStaff",
    "ims_clinic.middleware.TwoStepSignIn",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ims_clinic.urls"
WSGI_APPLICATION = "ims_clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ims_clinic.context_processors.clinic",
                "ims_clinic.context_processors.staff_roles",
                "ims_clinic.context_processors.patient_signed_in",
            ],
            "builtins": ["patients.templatetags.staff"],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
            conn_max_age=env_int("CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database address Django knows: {error}"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two writers queue up
    # instead of one failing half-way; the timeout is how long the second one waits.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    # A database server that cannot be reached answers the page in seconds (the outage page,
    # ims_clinic/outage.py), not after the system's TCP timeout of minutes. The address may set
    # its own (?connect_timeout=10).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# Two test runs on one PostgreSQL server each need a test database of their own.
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in throttling (django-axes): five wrong passwords for one username from one address lock
# that pair out for 15 minutes; someone else, or the same person elsewhere, can still sign in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ims_clinic.backends.StaffBackend",  # Django's ModelBackend, reading roles with the user
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # checks passwords saved before Argon2
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff are signed out after 30 idle minutes, and 12 hours after signing in whatever they do
# (ims_clinic.middleware.StaffSessionLimits); the cookie itself lasts no longer than that.
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_MAX_LIFETIME = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_MAX_LIFETIME
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"

# Two-step sign-in: after the password, a 6-digit code from an authenticator app (TOTP,
# django-otp). Physiotherapists and clinic admins must set one up when REQUIRE_2FA is on; anyone
# who has set one up is asked for a code either way (ims_clinic.middleware.TwoStepSignIn).
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = CLINIC_NAME
# The admin lists devices so a clinic admin can remove a lost one, but never shows their keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# English and French for Canada: Django's own translations load from its "en" and "fr"
# catalogues (gettext falls back from fr_CA to fr) and its date formats from en_CA and fr_CA.
# Chinese as Django names it (a browser's zh-CN, zh-TW or zh-HK finds the right one through
# Django's fallbacks); Punjabi in Gurmukhi is "pa", which Django translates but has no date
# formats for (English-style formats with Punjabi month names). Each is named in its own
# language, untranslated, so that a reader finds theirs whatever the page is in now.
LANGUAGE_CODE = "en-ca"
LANGUAGES = [
    ("en-ca", "English"),
    ("fr-ca", "Français"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("pa", "ਪੰਜਾਬੀ"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/Vancouver")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone.") from None
USE_I18N = True
USE_TZ = True

# Static files: Bootstrap and Chart.js come from npm (node_modules) and are served by the site
# itself.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Django's cache, and the public education pages kept whole (content/caching.py).
# One server: each process keeps its own cache in memory, and the pages are files in a folder
# on disk, so that every gunicorn worker sees the same copy and an edit in the admin retires it
# for all of them. Several servers: CACHE_URL names one Redis they all share (Django's own
# Redis backend), for both, and sessions are read through it too (below).
CACHE_URL = env_str("CACHE_URL")
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
if CACHE_URL:
    if urlsplit(CACHE_URL).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            "CACHE_URL must be a Redis address such as redis://127.0.0.1:6379/0, "
            f"not {CACHE_URL!r}."
        )
    SHARED_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # Sites (or test runs) that share one Redis database keep apart by their prefix.
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX"),
    }
    CACHES = {
        "default": SHARED_CACHE,
        "pages": {**SHARED_CACHE, "TIMEOUT": PAGE_CACHE_SECONDS},
    }
    # Sessions are read from Redis and written to the database as well, so a restart of Redis
    # (which keeps nothing on disk here) signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            # The file cache, read from memory while the file is unchanged (content/caching.py).
            "BACKEND": "content.caching.PageFileCache",
            "LOCATION": env_str("PAGE_CACHE_DIR", str(BASE_DIR / "var" / "page-cache")),
            "TIMEOUT": PAGE_CACHE_SECONDS,
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# History is kept, never replayed: a revert would skip the booking and charting rules.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Amendment reasons may be long (up to 500 characters); the default column holds 100.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{CLINIC_NAME} <clinic@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS hardening, on whenever DEBUG is off. SECURE_SSL_REDIRECT can be turned off for a
# plain-HTTP run on 127.0.0.1 (the benchmark); a proxy that ends TLS sets X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# A chart of 40 needled sites posts about 450 fields. Room for 200 rows posted at once, so
# that such a page gets the chart form's own message (at most 40 sites), not a bare 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2500

# Content Security Policy (django-csp): the browser runs and applies only files served by the
# site itself. No inline <script>, no style="" attribute, no <style> element, on any page,
# the admin's included; tests/ims_clinic/test_csp_browser.py opens every kind of page and
# fails on any violation the browser reports. data: images are Bootstrap's own icons (the
# select arrow, the menu button), written into its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

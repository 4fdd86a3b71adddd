"""Settings, all from the environment.

With nothing set, the site runs for development: debug on, SQLite in the checkout. Production
sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (see README.md).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/true/yes/on or 0/false/no/off, not {value!r}.")


def env_list(name, default):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the site refuses to start without a "
            "secret key: set DJANGO_SECRET_KEY to a long random string (see README.md, Deploy)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "csp",
    "axes",
    "relations",
    # Dev-only: adds the `benchmark` command and nothing else (no models, pages or templates), so it
    # is installed wherever the checkout has it; a deployment may leave the folder out.
    *(["benchmarks"] if (BASE_DIR / "benchmarks").is_dir() else []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: reads the language from the URL and redirects "/".
    "django.middleware.locale.LocaleMiddleware",
    # Remembers the language of the page read, for "/" next time (relations.i18n); outside the page
    # cache below, so a cached page never carries it.
    "relations.i18n.RememberLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Anonymous public pages from the cache (relations.cache): after the session, locale (the
    # language is part of the key) and common middleware, before everything that adds to a
    # response it stores.
    "relations.cache.PublicPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records who made each change in the history, whichever view or action saved it.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
    # A view that cannot reach the database answers 503 (relations.resilience).
    "relations.resilience.DatabaseUnavailableMiddleware",
]

# django-axes checks every login attempt before the password is: it must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "relations.urls"
WSGI_APPLICATION = "relations.wsgi.application"

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
                "relations.context_processors.languages",
            ],
        },
    },
]

# SQLite in the checkout unless DATABASE_URL names another database (postgres://…). Connections
# are kept for DJANGO_CONN_MAX_AGE seconds and checked before reuse, so that after the database
# restarts the next request reconnects by itself (relations.resilience).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url):
    """A CACHES entry from DJANGO_CACHE_URL: redis://… or rediss://… (Django's RedisCache, needs
    `redis`), memcached://host:port (PyMemcacheCache, needs `pymemcache`); empty: local memory."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "relations"}
    scheme, _, rest = url.partition("://")
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "memcached":
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": rest}
    raise ImproperlyConfigured(f"DJANGO_CACHE_URL must start with redis://, rediss:// or memcached://, not {url!r}.")


CACHES = {"default": cache_from_url(os.environ.get("DJANGO_CACHE_URL", ""))}
# The public pages' cache (relations.cache): which cache, and the longest a page is kept, which is
# the longest the public may see a page older than a change (0 turns the page cache off).
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "300"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English and French, of equal standing (Official Languages Act). Public pages carry the language in
# their address (/en/…, /fr/…, relations/urls.py); "/" sends a visitor to the language their browser
# prefers. Interface text is translated in locale/fr; content has a column per language (models.py).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# The language of the last page read, for "/" (relations.i18n.RememberLanguageMiddleware): a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development WhiteNoise serves straight from static/ (no collectstatic needed); in production
# from the hashed, compressed files collectstatic writes to STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# django-import-export: every import or export in one transaction, so a failed row writes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# A workbook's formatted but empty rows are not records.
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# Importing and exporting each need their own permission: relations.import_<model> and
# relations.export_<model> (the models' default_permissions).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# The largest file the admin accepts for import (stated in the import form).
IMPORT_MAX_UPLOAD_SIZE = int(os.environ.get("DJANGO_IMPORT_MAX_UPLOAD_SIZE", 10 * 1024 * 1024))

# ---------------------------------------------------------------------------------------------
# Security. See docs/security.md for what each setting defends against and its limits.
# ---------------------------------------------------------------------------------------------

# Behind the TLS-terminating proxy (README, Deploy) Django sees plain HTTP from the proxy; with
# DJANGO_BEHIND_PROXY=1 it trusts the proxy's X-Forwarded-Proto and the address the proxy appends
# to X-Forwarded-For. Only set it when the proxy overwrites those headers: a client could forge them.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HTTPS only, in production. Development (debug on) runs on plain http://127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # a working day: staff sign in again the next day
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # security.W021 asks for SECURE_HSTS_PRELOAD. Preloading is decided for a whole registrable
    # domain (e.g. gc.ca) by its owner and binds every subdomain of it; this site, on a subdomain,
    # cannot make that commitment on its own. HSTS itself (a year, subdomains included) is on.
    "security.W021",
    # models.W040: SQLite ignores an index's INCLUDE columns (the listed-records indexes,
    # relations.models.listed_indexes); they are for PostgreSQL, where the lists run in production.
    "models.W040",
]

# Content-Security-Policy (django-csp 4): everything from this site, no inline script or style,
# no plugins, no <base>, no framing. Public pages and the admin work under it (tests/browser).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

# Sign-in throttling (django-axes): after 5 failed attempts for one username from one address, that
# username is refused from that address for 15 minutes. Locking the pair, not the username alone,
# means an attacker elsewhere cannot lock a member of staff out; and further failures during the
# cool-off do not extend it, so no one is locked out for longer than 15 minutes at a time.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "relations.security.client_ip"

# Request and upload size. Form data (everything but files) is held in memory up to 2.5 MB, and a
# request may carry at most 2,000 fields (a changelist action on many records). Uploaded files (the
# import files) up to IMPORT_MAX_UPLOAD_SIZE are read, and the import form refuses one above it with a
# message naming the limit (relations.formats). Above twice that, or unless they are .csv, .json or
# .xlsx, relations.security.LimitedUploadHandler refuses them before they are read, with 400 Bad
# Request (templates/400.html says why). Below 2.5 MB they stay in memory, above it they go to a
# temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_SIZE = 2 * IMPORT_MAX_UPLOAD_SIZE
FILE_UPLOAD_HANDLERS = [
    "relations.security.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# ---------------------------------------------------------------------------------------------
# Open data: the read-only JSON API at /api/v1/ (see docs/open-data.md).
# ---------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # JSON only: the OpenAPI page (/api/v1/docs/) is the human entry point; DRF's browsable API
    # would add forms and inline markup the site's CSP does not need to allow.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Public and read-only: no sign-in, so no session or CSRF involved.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    # Requests per client address (relations.security.client_ip, as for sign-in throttling).
    "DEFAULT_THROTTLE_CLASSES": ["relations.security.APIThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("DJANGO_API_RATE", "1000/hour") or None},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Canada–ASEAN relations: open data API",
    "DESCRIPTION": (
        "The public record of Canada–ASEAN relations, read-only: events, agreements, missions, assistance "
        "programs and the reference data that describes them. Only published records are listed; archived "
        "ones keep their address. Lists take the same filters as the public list pages and are paginated "
        "(`page`, `page_size` up to 100). Records are identified by their slug (countries by ISO code, "
        "tracks by number)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI's syntax colours on its dark code blocks fall short of WCAG AA contrast.
    "SWAGGER_UI_SETTINGS": {"syntaxHighlight": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": False,
    # One name for each choice set several fields share.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "relations.models.DatePrecision",
        "CurrencyEnum": "relations.models.Currency",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

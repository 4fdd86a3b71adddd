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
    "import_export",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
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
    "django.middleware.common.CommonMiddleware",
    # Public pages answer GET, HEAD and OPTIONS only (405 otherwise): after the locale middleware.
    "relations.security.PublicMethodsMiddleware",
    # Anonymous public pages from the cache (relations.cache): after the session, locale (the
    # language is part of the key) and common middleware, before everything that adds to a
    # response it stores.
    "relations.cache.PublicPageCacheMiddleware",
    # A browser that writes reads from the primary database for a while (relations.replicas).
    "relations.replicas.RecentWriteMiddleware",
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
# PostgreSQL streaming replicas of it, any number (comma-separated URLs): anonymous public reads go
# to one of them, everything else to the primary (relations.replicas). In tests they mirror the
# primary. DJANGO_REPLICA_LAG_SECONDS is the replication lag tolerated: for that long after a change,
# and after a browser wrote, reads go to the primary.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for number, url in enumerate(DATABASE_REPLICA_URLS):
    DATABASES[f"replica_{number}"] = {
        **dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
    # A replica that does not answer is given up on quickly: the request reads from another.
    DATABASES[f"replica_{number}"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
DATABASE_ROUTERS = ["relations.replicas.ReplicaRouter"] if DATABASE_REPLICA_URLS else []
REPLICA_LAG_SECONDS = int(os.environ.get("DJANGO_REPLICA_LAG_SECONDS", "5"))
REPLICA_RETRY_SECONDS = 30
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
# The counts behind the map, the charts and the drawn timeline (relations.cache.per_generation),
# kept in the same cache for this long at most, and recounted after every change (0: every request
# counts). By default as long as a page.
FIGURES_CACHE_SECONDS = int(os.environ.get("DJANGO_FIGURES_CACHE_SECONDS", PAGE_CACHE_SECONDS))
# HTTP caching of anonymous public responses by shared caches (nginx's proxy_cache, a CDN):
# `Cache-Control: public, max-age=0, s-maxage=PROXY_CACHE_SECONDS,
# stale-while-revalidate=PROXY_STALE_SECONDS`. Browsers revalidate every time (ETag, a 304 without
# rendering); a proxy keeps a page for s-maxage, so a change (a takedown) reaches every reader within
# s-maxage, plus at most one revalidation's time for the reader who triggers it (docs/performance.md).
PROXY_CACHE_SECONDS = int(os.environ.get("DJANGO_PROXY_CACHE_SECONDS", "10"))
PROXY_STALE_SECONDS = int(os.environ.get("DJANGO_PROXY_STALE_SECONDS", "30"))
# The public downloads and the calendar (relations.limits): the most rows one file holds, and for
# anonymous clients the files one address may ask for ("N/second", "minute", "hour" or "day"; empty
# for no limit) and how many are written at once across the site (keep it below the workers).
DOWNLOAD_MAX_ROWS = int(os.environ.get("DJANGO_DOWNLOAD_MAX_ROWS", "25000"))
DOWNLOAD_RATE = os.environ.get("DJANGO_DOWNLOAD_RATE", "30/hour")
DOWNLOAD_CONCURRENCY = int(os.environ.get("DJANGO_DOWNLOAD_CONCURRENCY", "2"))

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
# The language chosen with the toggle, for "/" (relations.views.choose_language): a year.
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
# The most rows one import takes (10 MB of CSV holds about 190,000): a workbook declaring more is
# refused before it is read.
IMPORT_MAX_ROWS = int(os.environ.get("DJANGO_IMPORT_MAX_ROWS", 200_000))
# How long an uploaded file is kept for its preview to be confirmed (relations.models.KeptImportFile).
IMPORT_PREVIEW_HOURS = 24
# Rows of a preview shown on one page (changes and errors alike).
IMPORT_PREVIEW_PAGE_SIZE = 100
# A file larger than this (bytes) is checked and imported off the request, by the import worker
# (`manage.py db_worker`, see README "Deploy"), with a progress bar in the admin; smaller files are
# checked and imported in the request, so `make run` needs no worker for them.
IMPORT_BACKGROUND_SIZE = int(os.environ.get("DJANGO_IMPORT_BACKGROUND_SIZE", 1024 * 1024))
# Background tasks (Django's tasks framework, backported by django-tasks): queued in the database
# (django-tasks-db), run by `manage.py db_worker`. Tests run them in the request (ImmediateBackend).
TASKS = {"default": {"BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# ---------------------------------------------------------------------------------------------
# Security. See docs/security.md for what each setting defends against and its limits.
# ---------------------------------------------------------------------------------------------

# Behind the TLS-terminating proxy (README, Deploy) Django sees plain HTTP from the proxy; with
# DJANGO_BEHIND_PROXY=1 it trusts the proxy's X-Forwarded-Proto and the address the proxy appends
# to X-Forwarded-For. Only set it when the proxy overwrites those headers: a client could forge them.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
# The proxy's own addresses: only a connection from one of them has its X-Forwarded-For read
# (relations.security.client_ip). The README's Deploy runs the proxy on the same machine.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
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
    "DEFAULT_SCHEMA_CLASS": "relations.openapi.AutoSchema",
    # Every error as an RFC 9457 problem (application/problem+json).
    "EXCEPTION_HANDLER": "relations.problems.problem_exception_handler",
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
    "LICENSE": {
        "name": "Open Government Licence – Canada",
        "url": "https://open.canada.ca/en/open-government-licence-canada",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": False,
    # One name for each choice set several fields share.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "relations.models.DatePrecision",
        "CurrencyEnum": "relations.models.Currency",
    },
}

# Who reports the assistance programs' IATI activities (/en/programs/iati.xml): its IATI organisation
# identifier (the Government of Canada's, as an OECD DAC donor: XM-DAC-301), its names and its
# OrganisationType (10, government). Every activity's iati-identifier begins with `ref`.
IATI_REPORTING_ORG = {
    "ref": os.environ.get("DJANGO_IATI_REPORTING_ORG", "XM-DAC-301"),
    "name_en": "Government of Canada",
    "name_fr": "Gouvernement du Canada",
    "type": "10",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

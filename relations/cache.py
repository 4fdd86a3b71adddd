"""The public pages' caches: whole anonymous responses in Django's cache, and HTTP validators and
lifetimes for the browsers and shared caches (nginx's proxy_cache, a CDN) in front of the site.

A page is served from Django's cache only to a request that could not see anything personal: a GET
or HEAD, to a public page (the `relations` URL namespace; downloads and the calendar excepted: they
can be large and are streamed), with no messages cookie and no session cookie of a session that
holds anything (staff always have one; see `has_personal_cookie`). A response is stored only if it
is a 200 that sets no cookie and does not ask to stay private (`Cache-Control: private`/`no-store`/
`no-cache`, as staff previews do).

Invalidation: every stored page carries the cache *generation* it was made in; `bump()` starts a
new generation, so every page stored before is a miss from then on. `relations.signals` bumps it
whenever a model of this app is saved, deleted or has its many-to-many links changed (a workflow
step included), and the bulk import (once, after its writes), `loadcontent` and `restore` bump it
themselves (bulk writes send no signals). Whatever happens,
no page is kept longer than PAGE_CACHE_SECONDS: that is the longest the public can see stale
content, e.g. with the per-process local-memory cache, where a change made through one server
process cannot reach the others' caches (see README, Caching).

HTTP caching, for every public page, feed, calendar, download and the sitemap (`is_public`):

- **Validators from the generation.** The ETag (weak: the same content, not necessarily the same
  bytes once a proxy compresses it) is a digest of the generation, the day (pages and files carry
  today's date: "accessed", file names), the language and the URL; `Last-Modified` is when the
  generation started (or midnight, if later). Both change the moment the record does. A
  conditional request whose validators still match is answered 304 here, before any view runs:
  no query, no rendering (Django's `get_conditional_response`, as its `condition` decorator does).
  `Last-Modified` is only sent once its second is over, so that a change later in the same second
  can never be mistaken for no change (RFC 9110, 8.8.2.2).
- **Lifetimes.** Anonymous: `public, max-age=0, s-maxage=PROXY_CACHE_SECONDS,
  stale-while-revalidate=PROXY_STALE_SECONDS`: browsers revalidate every time (a 304), shared
  caches keep the page for s-maxage and revalidate after. With a session (staff): `private,
  no-store`, from everyone.

Keys are the full URL (scheme, host, path and querystring: the path will carry the language) and
the active language. The generation and the page are read in one round trip (`get_many`).
"""

import datetime
import hashlib
import math
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import replicas

GENERATION_KEY = "relations:page-generation"
CACHED_METHODS = {"GET", "HEAD"}
# Requests carrying one of these may see something of their own (a staff member's session, a
# message left for them): never served from, nor stored in, any cache.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGES_COOKIE_NAME", "messages"))
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")
# Public addresses outside the `relations` namespace that get validators (not stored: it is large).
PUBLIC_URL_NAMES = {"sitemap"}
# Public addresses never stored whole in Django's cache: large files, streamed.
STREAMED_SUFFIXES = ("-download", "-calendar")


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def bump():
    """Start a new generation now, and again when the current transaction commits.

    The second bump covers a page rendered (and stored) by another request between the change and
    its commit, which would otherwise show the old content under the new generation.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def new_generation_value():
    """A generation: when it started (seconds since the epoch) and a random part, "1764633600.123:ab12…"."""
    return f"{time.time():.6f}:{uuid.uuid4().hex}"


def _new_generation():
    page_cache().set(GENERATION_KEY, new_generation_value(), None)


def current_generation(cache=None):
    """The generation now, starting one if the cache has none (it was emptied, or never set)."""
    cache = cache or page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, new_generation_value(), None)
        generation = cache.get(GENERATION_KEY) or new_generation_value()
    return generation


def per_generation(name, compute, vary=""):
    """`compute()`, computed once per generation: the counts behind the map, the charts and the
    drawn timeline, which read every listed record and change only when a record does.

    Kept under `name` and a digest of `vary` (e.g. the SQL and parameters of the query, so that
    each filtered view has its own), with the generation it was computed in: read in one round trip
    with the current generation, and computed again once a change has started a new one. The
    generation is read before computing, so a value computed while a change commits is stored under
    the old generation and never served after it. At most FIGURES_CACHE_SECONDS (0: always computed).
    """
    seconds = settings.FIGURES_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    cache = page_cache()
    key = f"relations:figures:{name}:{hashlib.sha256(str(vary).encode()).hexdigest()[:32]}"
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or current_generation(cache)
    stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    value = compute()
    cache.set(key, (generation, value), seconds)
    return value


def generation_started(generation):
    """When a generation started; one in an unknown form is treated as starting now."""
    try:
        return float(generation.partition(":")[0])
    except (AttributeError, ValueError):
        return time.time()


def public_url_name(request):
    """The URL name of a public address (a page, feed, calendar, download, the sitemap), else None."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if "relations" in match.namespaces or match.url_name in PUBLIC_URL_NAMES:
        return match.url_name or ""
    return None


def is_public_page(request):
    """A public address Django's cache may store: the `relations` namespace but its streamed files."""
    name = public_url_name(request)
    return name is not None and name not in PUBLIC_URL_NAMES and not name.endswith(STREAMED_SUFFIXES)


def is_personal(request):
    return any(name in request.COOKIES for name in PERSONAL_COOKIES)


def is_cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in CACHED_METHODS
        and is_public_page(request)
        and not has_personal_cookie(request)
    )


def has_personal_cookie(request):
    """Whether the request carries a messages cookie, or a session cookie of a session that holds
    something (a signed-in member of staff, a message). A session cookie that names no session (a
    made-up one, an expired one) is as good as none: it loads as an empty session, in one query,
    and the page is served from the cache; otherwise any client could force uncached renders."""
    if any(name in request.COOKIES for name in PERSONAL_COOKIES if name != settings.SESSION_COOKIE_NAME):
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return session is None or bool(session.items())


def is_cacheable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    return is_shareable_response(response)


def is_shareable_response(response):
    """A 200 that a shared cache may keep: no cookie set, nothing private (streamed ones included)."""
    if response.status_code != 200 or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(directive in cache_control for directive in PRIVATE_DIRECTIVES)


def page_key(request):
    url = request.build_absolute_uri()
    digest = hashlib.sha256(f"{translation.get_language()}|{url}".encode()).hexdigest()
    return f"relations:page:{digest}"


def validators(request, generation, now=None):
    """The ETag and Last-Modified (a timestamp, or None) of a public URL's content in `generation`.

    The content also depends on the day (a citation's "accessed" date, the files' names): the ETag
    names it, and Last-Modified is at least the day's start. Last-Modified is None until its
    second is over (see the module's docstring).
    """
    now = time.time() if now is None else now
    today = timezone.localdate(datetime.datetime.fromtimestamp(now, tz=datetime.UTC))
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time())).timestamp()
    seed = f"{generation}|{today.isoformat()}|{translation.get_language()}|{request.build_absolute_uri()}"
    etag = f'W/"{hashlib.sha256(seed.encode()).hexdigest()[:32]}"'
    modified = max(generation_started(generation), midnight)
    last_modified = math.floor(modified) if now - modified >= 1 else None
    return etag, last_modified


def shared_cache_control():
    """`Cache-Control` for an anonymous public response (settings.PROXY_CACHE_SECONDS, PROXY_STALE_SECONDS)."""
    return {
        "public": True,
        "max_age": 0,
        "s_maxage": settings.PROXY_CACHE_SECONDS,
        "stale_while_revalidate": settings.PROXY_STALE_SECONDS,
    }


def add_validators(response, etag, last_modified):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, **shared_cache_control())
    patch_vary_headers(response, ["Cookie"])
    return response


class PublicPageCacheMiddleware:
    """Answers conditional requests for public addresses, serves anonymous public pages from the
    cache, stores them there, and says how long others may keep them (see the module's docstring).

    Placed after SessionMiddleware and CommonMiddleware (and after LocaleMiddleware, when there is
    one): what it stores has been through every middleware below it (CSP, frame options, …), and
    what it serves still goes through the ones above it (security headers, whitenoise).
    `X-Cache: hit` or `miss` says which it was; a 304 says nothing else was done.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in CACHED_METHODS:
            return self.get_response(request)
        name = public_url_name(request)
        if name is None:
            return self.get_response(request)
        if has_personal_cookie(request):
            # Staff (or anyone with a session): nobody keeps what they see, and no 304 from the
            # public's validators (a preview is not the public page).
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        cache = page_cache()
        store = is_cacheable_request(request)
        key = page_key(request) if store else None
        found = cache.get_many([GENERATION_KEY, key] if store else [GENERATION_KEY])
        generation = found.get(GENERATION_KEY) or current_generation(cache)
        etag, last_modified = validators(request, generation)
        if request.headers.get("If-None-Match", "").strip() != "*":
            # "*" matches any current representation, even of an address that is now a 404.
            headers = add_validators(HttpResponse(), etag, last_modified)
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified, response=headers)
            if not_modified is not headers:  # 304 Not Modified (or 412 for If-Match and the like)
                return not_modified
        token = f"{generation}|{etag}"
        entry = found.get(key) if store else None
        if entry is not None and entry[0] == token:
            response = self.rebuild(entry)
        else:
            # From a replica of the database, where there are any and nothing just changed.
            with replicas.reading(request, generation_started(generation)) as read:
                response = self.get_response(request)
            if read.failed:
                # The replica went away while the page was read from it: once more, from the primary.
                response = self.get_response(request)
            if store:
                if request.method == "GET" and is_cacheable_response(response):
                    patch_vary_headers(response, ["Cookie"])
                    headers = [(name, value) for name, value in response.items() if name.lower() != "x-cache"]
                    cache.set(
                        key, (token, response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS
                    )
                response["X-Cache"] = "miss"
        if is_shareable_response(response):
            add_validators(response, etag, last_modified)
        return response

    @staticmethod
    def rebuild(entry):
        _token, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = "hit"
        return response

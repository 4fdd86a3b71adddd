"""The public pages' cache: whole anonymous responses, dropped at once when the record changes.

A page is served from the cache only to a request that could not see anything personal: a GET or
HEAD, to a public page (the `relations` URL namespace, downloads excepted: they can be large), with
no messages cookie and no session cookie of a session that holds anything (staff always have one;
see `has_personal_cookie`). A response is stored only if it is a
200 that sets no cookie and does not ask to stay private (`Cache-Control: private`/`no-store`/
`no-cache`, as staff previews do).

Invalidation: every stored page carries the cache *generation* it was made in; `bump()` starts a
new generation, so every page stored before is a miss from then on. `relations.signals` bumps it
whenever a model of this app is saved, deleted or has its many-to-many links changed (a workflow
step included), and the bulk import (once, after its writes), `loadcontent` and `restore` bump it
themselves (bulk writes send no signals). Whatever happens,
no page is kept longer than PAGE_CACHE_SECONDS: that is the longest the public can see stale
content, e.g. with the per-process local-memory cache, where a change made through one server
process cannot reach the others' caches (see README, Caching).

Keys are the full URL (scheme, host, path and querystring: the path will carry the language) and
the active language. The generation and the page are read in one round trip (`get_many`).
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "relations:page-generation"
CACHED_METHODS = {"GET", "HEAD"}
# Requests carrying one of these may see something of their own (a staff member's session, a
# message left for them): never served from, nor stored in, the cache.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGES_COOKIE_NAME", "messages"))
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def bump():
    """Start a new generation now, and again when the current transaction commits.

    The second bump covers a page rendered (and stored) by another request between the change and
    its commit, which would otherwise show the old content under the new generation.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation():
    page_cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def is_public_page(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return "relations" in match.namespaces and not (match.url_name or "").endswith("-download")


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
    cache_control = response.get("Cache-Control", "").lower()
    return not any(directive in cache_control for directive in PRIVATE_DIRECTIVES)


def page_key(request):
    url = request.build_absolute_uri()
    digest = hashlib.sha256(f"{translation.get_language()}|{url}".encode()).hexdigest()
    return f"relations:page:{digest}"


class PublicPageCacheMiddleware:
    """Serves anonymous public pages from the cache, and stores them there.

    Placed after SessionMiddleware and CommonMiddleware (and after LocaleMiddleware, when there is
    one): what it stores has been through every middleware below it (CSP, frame options, …), and
    what it serves still goes through the ones above it (security headers, whitenoise).
    `X-Cache: hit` or `miss` says which it was.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        cache = page_cache()
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = uuid.uuid4().hex
            cache.add(GENERATION_KEY, generation, None)
            generation = cache.get(GENERATION_KEY, generation)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return self.rebuild(entry)
        response = self.get_response(request)
        if request.method == "GET" and is_cacheable_response(response):
            patch_vary_headers(response, ["Cookie"])
            headers = [(name, value) for name, value in response.items() if name.lower() != "x-cache"]
            cache.set(key, (generation, response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)
        response["X-Cache"] = "miss"
        return response

    @staticmethod
    def rebuild(entry):
        _generation, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = "hit"
        return response

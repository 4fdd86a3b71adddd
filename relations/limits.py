"""Bounds on the public downloads and the calendar: files of a whole filtered list, which cost far
more than a page (every row read and written, seconds rather than milliseconds) and are never kept
whole in the page cache.

- **Rows per file**: at most DOWNLOAD_MAX_ROWS. A larger selection is refused with a message
  saying how to narrow it; the list page offers no download link for it.
- **For anonymous clients** (signed-in staff are exempt), both kept in Django's cache, so that with
  a shared cache (Redis, as deployed) every worker counts together:
  - a rate per client address (DOWNLOAD_RATE, e.g. "30/hour"; the address as for sign-in
    throttling, relations.security.client_ip): beyond it, 429 with Retry-After;
  - files being written at once, site-wide (DOWNLOAD_CONCURRENCY): each holds a slot (an `add`ed
    key, so two workers never take the same one) until its last byte is sent; with none free, 503
    with Retry-After, so that downloads never take every worker and the pages keep answering.
    A slot a crashed worker never gave back is free again after SLOT_SECONDS.
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .security import client_ip

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
# The longest a slot is held if its worker never gives it back.
SLOT_SECONDS = 300


def limits_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def parse_rate(rate):
    """ "30/hour" -> (30, 3600); empty -> None (no limit)."""
    if not rate:
        return None
    number, _sep, period = rate.partition("/")
    return int(number), PERIODS[period.strip().rstrip("s")]


def wait_for_rate(request):
    """Seconds until this client may download again, or 0 if it may now (the request is counted)."""
    rate = parse_rate(settings.DOWNLOAD_RATE)
    if rate is None:
        return 0
    allowed, period = rate
    window = int(time.time() // period)
    key = f"relations:downloads:{client_ip(request)}:{window}"
    cache = limits_cache()
    cache.add(key, 0, period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, count := 1, period)
    return 0 if count <= allowed else int((window + 1) * period - time.time()) + 1


def take_slot():
    """A free slot's key, taken, or None if every one is busy."""
    cache = limits_cache()
    for number in range(settings.DOWNLOAD_CONCURRENCY):
        key = f"relations:download-slot:{number}"
        if cache.add(key, 1, SLOT_SECONDS):
            return key
    return None


class ReleasedWhenClosed:
    """A response's content that gives its slot back when the server closes the response (after
    the last byte, or when the client goes away), even if it was never read (HEAD)."""

    def __init__(self, content, key):
        self.content, self.key = content, key

    def __iter__(self):
        return iter(self.content)

    def close(self):
        if self.key is not None:
            limits_cache().delete(self.key)
            self.key = None


def refusal(message, status, retry_after=None):
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def bounded_file(request, count, make_response):
    """`make_response()`'s streamed file of `count` rows, or the refusal that bounds it."""
    if count > settings.DOWNLOAD_MAX_ROWS:
        return refusal(too_many_rows_message(count), 400)
    if request.user.is_authenticated:
        return make_response()
    if wait := wait_for_rate(request):
        message = ngettext(
            "Too many downloads from your address: try again in %(seconds)d second.",
            "Too many downloads from your address: try again in %(seconds)d seconds.",
            wait,
        ) % {"seconds": wait}
        return refusal(message, 429, wait)
    key = take_slot()
    if key is None:
        return refusal(_("Other downloads are being prepared: try again in a few seconds."), 503, 5)
    try:
        response = make_response()
    except BaseException:
        limits_cache().delete(key)
        raise
    response.streaming_content = ReleasedWhenClosed(response.streaming_content, key)
    return response


def too_many_rows_message(count):
    return _(
        "This selection has %(count)s records; a download holds at most %(limit)s. "
        "Narrow the filters (by year, country or type, for instance) and download each part."
    ) % {
        "count": number_format(count, force_grouping=True),
        "limit": number_format(settings.DOWNLOAD_MAX_ROWS, force_grouping=True),
    }

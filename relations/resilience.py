"""Keeping to a clean answer when the database is down.

While the database cannot be reached (restarted, failed over, overloaded), a page that needs it
answers 503 Service Unavailable with a short page and `Retry-After`, instead of a 500 and, with
debug on, a stack trace. Nothing has to be restarted afterwards: connections are checked before
reuse (CONN_HEALTH_CHECKS), so the first request after the database is back reconnects. Pages in
the public cache keep being served meanwhile.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def unavailable_response():
    # Rendered without a request context: nothing in it may need the database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database connection error raised by a view (or while rendering it) into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable: %s %s: %s", request.method, request.path, exception)
            return unavailable_response()
        return None


def server_error(request, template_name="500.html"):
    """handler500: a database error raised outside a view (in a middleware) is a 503 too."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return unavailable_response()
    return default_server_error(request, template_name)

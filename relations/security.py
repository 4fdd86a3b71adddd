"""What the security settings need beyond Django and its libraries: the client's address behind the
proxy (for django-axes), a limit on the size and type of uploaded files, and the methods the public
pages answer."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponseNotAllowed
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from rest_framework.throttling import AnonRateThrottle

# The formats staff import records from. Anything else is refused before it is read.
UPLOAD_EXTENSIONS = {".csv", ".json", ".xlsx"}


def client_ip(request):
    """The address a request came from: the one our proxy appended to X-Forwarded-For when the site
    runs behind it (DJANGO_BEHIND_PROXY) and the connection comes from it (DJANGO_TRUSTED_PROXIES),
    else the connection's. Earlier X-Forwarded-For entries are the client's own claims and are never
    trusted; neither is the header of a connection that does not come from the proxy (a client
    reaching the server directly could otherwise name a new address on each sign-in attempt and
    never be locked out)."""
    address = request.META.get("REMOTE_ADDR")
    if not (settings.BEHIND_PROXY and address in settings.TRUSTED_PROXIES):
        return address
    return request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip() or address


class APIThrottle(AnonRateThrottle):
    """The open-data API's limit of requests per client address (DJANGO_API_RATE), the address
    known as for sign-in throttling: never from the client's own X-Forwarded-For claims."""

    def get_ident(self, request):
        return client_ip(request)


class UploadRefused(SuspiciousOperation):
    """A file of a type the site does not accept (answered with 400 Bad Request)."""


class LimitedUploadHandler(FileUploadHandler):
    """Refuses an upload larger than UPLOAD_MAX_SIZE or of a type not in UPLOAD_EXTENSIONS.

    Django's own settings cap form data (DATA_UPLOAD_MAX_MEMORY_SIZE) but not files, which it
    streams to disk whatever their size. This handler comes first: it checks the declared length
    before anything is read, and counts the bytes as they arrive in case the declaration lies.
    Both refusals are answered with 400 Bad Request.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.UPLOAD_MAX_SIZE:
            raise RequestDataTooBig(_("Upload is larger than the site accepts."))
        self.received = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        if PurePath(file_name).suffix.lower() not in UPLOAD_EXTENSIONS:
            raise UploadRefused(_("Files of this type are not accepted."))
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_SIZE:
            raise RequestDataTooBig(_("Upload is larger than the site accepts."))
        return raw_data  # passed on to the next handler, which stores it

    def file_complete(self, file_size):
        return None  # the next handler makes the file


# What the public pages answer: reading, and asking what they answer. Anything else (TRACE, PUT,
# POST, …) is a 405 before any view runs; nothing public is written to, so nothing is lost.
PUBLIC_METHODS = ("GET", "HEAD", "OPTIONS")
# Outside the `relations` namespace, the public addresses that are not the API's (the API answers
# 405 itself, with its own error format).
PUBLIC_URL_NAMES = {"sitemap", "robots-txt"}


def is_public_address(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return "relations" in match.namespaces or match.url_name in PUBLIC_URL_NAMES


class PublicMethodsMiddleware:
    """Answers 405 Method Not Allowed to a public page asked with a method other than GET, HEAD or
    OPTIONS. After LocaleMiddleware, which makes the language prefix resolve."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in PUBLIC_METHODS and is_public_address(request):
            return HttpResponseNotAllowed(PUBLIC_METHODS)
        return self.get_response(request)

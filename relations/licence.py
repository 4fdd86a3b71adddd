"""The licence the record's data is published under, stated wherever the data leaves the site: the
API's entry point and its OpenAPI description, the Atom feeds (`<rights>`), and the downloads and
the IATI file (an HTTP `Link: <…>; rel="license"` header, RFC 8288, which leaves the files as they
are). The Open Government Licence – Canada, the Government of Canada's licence for open data.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .i18n import LANGUAGE_CODES

LICENCE_NAME = _("Open Government Licence – Canada")
# The licence's page in the reader's language (its French address is its own).
LICENCE_URL = _("https://open.canada.ca/en/open-government-licence-canada")


def licence_in_both_languages():
    """{"name": {"en": …, "fr": …}, "url": {"en": …, "fr": …}}, for the API."""
    result = {"name": {}, "url": {}}
    for code in LANGUAGE_CODES:
        with override(code):
            result["name"][code], result["url"][code] = str(LICENCE_NAME), str(LICENCE_URL)
    return result


def add_licence_link(response):
    """The licence as a `Link` header (rel="license", RFC 8288), in the active language."""
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response

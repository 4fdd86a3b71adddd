"""The French catalogue: found through LOCALE_PATHS, compiled from the committed .po, and rendered."""

import gettext
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

LOCALE_DIR = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifxX]|</?[a-z]+[^>]*>")


def compiled_catalogue():
    with open(LOCALE_DIR / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def test_the_french_catalogue_translates_the_interface():
    with translation.override("fr"):
        assert _("Skip to main content") == "Passer au contenu principal"
        assert _("Search") == "Rechercher"
        assert pgettext("page title", "Search") == "Recherche"


def test_the_compiled_catalogue_is_not_older_than_the_po_file():
    # One msgid per entry in the .po, the header aside; the .mo holds a key per plural form.
    po = (LOCALE_DIR / "django.po").read_text(encoding="utf-8")
    in_po = len(re.findall(r"^msgid ", po, flags=re.MULTILINE)) - 1
    in_mo = {key[0] if isinstance(key, tuple) else key for key in compiled_catalogue()} - {""}
    assert len(in_mo) == in_po


def test_every_translation_keeps_the_placeholders_and_markup_of_its_msgid():
    singular = {k: v for k, v in compiled_catalogue().items() if isinstance(k, str) and k}
    assert singular
    for msgid, msgstr in singular.items():
        assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid


def test_the_pagination_reads_page_first_in_french_for_a_screen_reader():
    request = RequestFactory().get("/", {"page": 2})
    page = type("Page", (), {"has_other_pages": True, "has_previous": True, "previous_page_number": 1})
    with translation.override("fr"):
        html = render_to_string("includes/_pagination.html", {"page_obj": page, "page_range": []}, request=request)
    assert '<span class="visually-hidden">Page </span>Précédente</a>' in html

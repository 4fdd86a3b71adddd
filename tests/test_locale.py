"""The French catalogue: found through LOCALE_PATHS, compiled from the committed .po, and rendered."""

import gettext
import re
import shutil
import subprocess
from io import BytesIO

import pytest
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


def test_every_translation_keeps_the_placeholders_and_markup_of_its_msgid():
    # Messages flagged no-python-format (the amounts, whose French names the currency where English
    # gives its code) are exempt, as they are from msgfmt's check.
    po = (LOCALE_DIR / "django.po").read_text(encoding="utf-8")
    exempt = set(re.findall(r'^#, no-python-format\nmsgid "(.*)"$', po, flags=re.MULTILINE))
    assert exempt
    singular = {k: v for k, v in compiled_catalogue().items() if isinstance(k, str) and k and k not in exempt}
    assert singular
    for msgid, msgstr in singular.items():
        assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid


def test_the_pagination_reads_page_first_in_french_for_a_screen_reader():
    request = RequestFactory().get("/", {"page": 2})
    page = type("Page", (), {"has_other_pages": True, "has_previous": True, "previous_page_number": 1})
    with translation.override("fr"):
        html = render_to_string("includes/_pagination.html", {"page_obj": page, "page_range": []}, request=request)
    assert '<span class="visually-hidden">Page </span>Précédente</a>' in html


def test_the_french_interface_catalogue_is_complete_and_compiled():
    """msgfmt (GNU gettext) reports no untranslated or fuzzy message, and the committed .mo is the
    .po compiled: a translation added to the .po without compiling would not reach the site."""
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed; CI installs it")
    compiled = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "-", LOCALE_DIR / "django.po"], capture_output=True, check=True
    )
    statistics = compiled.stderr.decode()
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics
    fresh = gettext.GNUTranslations(BytesIO(compiled.stdout))._catalog
    with open(LOCALE_DIR / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == fresh

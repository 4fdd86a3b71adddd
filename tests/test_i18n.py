"""English and French: every public page in both languages, the toggle between them, content and
formats in each language, search with each language's stemming, and publishing only what is
translated."""

import datetime
import html
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse, translate_url
from django.utils import translation

from relations import models
from relations.resources import EventResource

from . import sample
from .factories import AssistanceProgramFactory, CountryFactory, EventFactory, TrackFactory

LOCALE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"


def public_urls(records):
    """One English address of every kind of public page, with a querystring where the page takes one."""
    event, agreement = records["events"][0], records["agreements"][0]
    mission, program = records["missions"][0], records["programs"][0]
    named = [
        ("relations:home", {}, ""),
        ("relations:search", {}, "?q=dialogue"),
        ("relations:timeline", {}, "?group=year"),
        ("relations:country-list", {}, ""),
        ("relations:country-detail", {"code": "id"}, ""),
        ("relations:organisation-detail", {"slug": records["organisations"][0].slug}, ""),
        ("relations:track-detail", {"number": records["track"].number}, ""),
        ("relations:pillar-detail", {"slug": records["pillars"][0].slug}, ""),
        ("relations:source-detail", {"slug": records["sources"][0].slug}, ""),
    ]
    for record in (event, agreement, mission, program):
        name = record._meta.model_name
        named += [
            (f"relations:{name}-list", {}, "?country=ID&o=title"),
            (f"relations:{name}-download", {"fmt": "csv"}, ""),
            (f"relations:{name}-detail", {"slug": record.slug}, ""),
        ]
    with translation.override("en"):
        return [reverse(name, kwargs=kwargs) + query for name, kwargs, query in named]


@pytest.fixture
def records(db):
    return sample.build(2)


def test_every_public_page_has_a_french_twin_and_back(client, records):
    for english in public_urls(records):
        # translate_url() reads the address in the active language, as the page's toggle does.
        with translation.override("en"):
            french = translate_url(english, "fr")
        with translation.override("fr"):
            assert translate_url(french, "en") == english
        assert french.startswith("/fr/") and english.startswith("/en/"), (english, french)
        assert client.get(english).status_code == 200, english
        assert client.get(french).status_code == 200, french


def test_french_addresses_are_french_and_slugs_stay_the_same(records):
    event = records["events"][0]
    with translation.override("fr"):
        assert reverse("relations:event-list") == "/fr/evenements/"
        assert reverse("relations:event-detail", kwargs={"slug": event.slug}) == f"/fr/evenements/{event.slug}/"
        assert reverse("relations:assistanceprogram-list") == "/fr/programmes/"
        assert reverse("relations:search") == "/fr/recherche/"
    # An English path under /fr/ is not a page.
    with translation.override("fr"):
        assert translate_url("/fr/events/", "en") == "/fr/events/"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_toggle_leads_to_the_same_page_with_its_filters_and_words(client, records, language):
    other = "fr" if language == "en" else "en"
    with translation.override(language):
        url = reverse("relations:event-list") + "?q=dialogue&country=ID&country=PH&o=title"
    response = client.get(url)
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    with translation.override(language):
        target = translate_url(url, other)
    toggle = re.search(rf'<a href="([^"]+)" lang="{other}" hreflang="{other}">(\w+)</a>', page)
    assert toggle, "no language toggle"
    chosen = client.get(html.unescape(toggle.group(1)))
    assert chosen.status_code == 302 and chosen["Location"] == target
    assert chosen.cookies["django_language"].value == other
    assert toggle.group(2) == {"en": "English", "fr": "Français"}[other]
    assert f'<link rel="alternate" hreflang="{other}" href="http://testserver{target.replace("&", "&amp;")}">' in page
    # The other language's page lists the same records.
    there = client.get(target)
    assert there.status_code == 200
    assert [r.pk for r in there.context["object_list"]] == [r.pk for r in response.context["object_list"]]


def test_a_page_not_found_offers_the_other_language_home(client, db):
    page = client.get("/en/no-such-page/").content.decode()
    assert '<a href="/language/fr/?next=%2Ffr%2F" lang="fr" hreflang="fr">Français</a>' in page


@pytest.mark.parametrize(
    ("accept", "target"),
    [("fr-CA,fr;q=0.9,en;q=0.8", "/fr/"), ("en-CA,en;q=0.9", "/en/"), ("de-DE", "/en/"), ("", "/en/")],
)
def test_the_root_sends_visitors_to_the_language_their_browser_prefers(client, db, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


def test_an_address_without_language_is_redirected(client, records):
    response = client.get("/events/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/en/events/"


def test_content_reads_in_the_language_of_the_page(client, db):
    indonesia = CountryFactory(code="ID", name_en="Indonesia", name_fr="Indonésie")
    event = EventFactory(
        title_en="Joint Cooperation Committee meeting",
        title_fr="Réunion du Comité mixte de coopération",
        summary_en="The committee met.",
        summary_fr="Le comité s'est réuni.",
        city_en="Manila",
        city_fr="Manille",
        country=indonesia,
        start_date=datetime.date(2016, 8, 4),
        end_date=None,
    )
    with translation.override("en"):
        english = client.get(event.get_absolute_url()).content.decode()
    with translation.override("fr"):
        french = client.get(event.get_absolute_url()).content.decode()
    for text in ("Joint Cooperation Committee meeting", "The committee met.", "Manila", "Indonesia", "4 August 2016"):
        assert text in english and text not in french
    for text in ("Réunion du Comité mixte de coopération", "Le comité s&#x27;est réuni.", "Manille", "Indonésie"):
        assert text in french and text not in english
    assert "4 août 2016" in french


@pytest.mark.parametrize(
    ("amount", "english", "french"),
    [
        ("10000000", "CAD 10 million", "10 millions de dollars canadiens"),
        ("1500000", "CAD 1.5 million", "1,5 million de dollars canadiens"),
        ("4400000000", "CAD 4.4 billion", "4,4 milliards de dollars canadiens"),
        ("250000", "CAD 250,000", "250\N{NARROW NO-BREAK SPACE}000 dollars canadiens"),
    ],
)
def test_amounts_are_written_as_each_language_writes_them(amount, english, french):
    with translation.override("en"):
        assert models.format_amount(Decimal(amount), "CAD") == english
    with translation.override("fr"):
        assert models.format_amount(Decimal(amount), "CAD") == french.replace("\N{NARROW NO-BREAK SPACE}", "\xa0")


def test_dates_are_written_as_each_language_writes_them():
    day = datetime.date(2016, 8, 4)
    with translation.override("fr"):
        assert models.format_date(day, "day") == "4 août 2016"
        assert models.format_date(datetime.date(2016, 8, 1), "day") == "1er août 2016"
        assert models.format_date(day, "month") == "août 2016"
        assert models.format_date_range(datetime.date(1997, 5, 6), datetime.date(1997, 5, 7), "day") == "6–7 mai 1997"
    with translation.override("en"):
        assert models.format_date(datetime.date(2016, 8, 1), "day") == "1 August 2016"


def test_a_program_page_shows_its_amount_in_the_page_language(client, db):
    program = AssistanceProgramFactory(amount=Decimal("76000000"), currency="CAD", other_amount=None)
    with translation.override("fr"):
        assert "76 millions de dollars canadiens" in client.get(program.get_absolute_url()).content.decode()
    with translation.override("en"):
        assert "CAD 76 million" in client.get(program.get_absolute_url()).content.decode()


# --- publishing needs both languages ------------------------------------------------------------


@pytest.mark.parametrize("missing", ["title_fr", "summary_fr", "title_en", "summary_en"])
def test_a_record_cannot_be_published_without_its_title_and_summary_in_both_languages(db, missing):
    event = EventFactory(publication_status=models.PublicationStatus.DRAFT, **{missing: ""})
    event.full_clean()  # a draft may wait for its translation
    event.publication_status = models.PublicationStatus.PUBLISHED
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert list(error.value.message_dict) == [missing]
    assert "in English and in French" in error.value.message_dict[missing][0]


def test_a_draft_needs_a_title_in_one_language(db):
    event = EventFactory.build(title_en="", title_fr="", publication_status="draft", track=None, country=None)
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "title_en" in error.value.message_dict


def test_the_admin_refuses_to_publish_an_untranslated_record_and_says_why(admin_client, db):
    translated = EventFactory(publication_status="review")
    untranslated = EventFactory(publication_status="review", title_en="Consultation", summary_fr="")
    url = reverse("admin:relations_event_changelist")
    response = admin_client.post(
        url, {"action": "publish", "_selected_action": [translated.pk, untranslated.pk]}, follow=True
    )
    translated.refresh_from_db()
    untranslated.refresh_from_db()
    assert translated.publication_status == "published"
    assert untranslated.publication_status == "review"
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Published: 1 record.",
        "“Consultation” was not published: it has no summary (French). "
        "A public record needs its title and summary in English and in French.",
    ]


def test_the_admin_form_names_the_missing_translation(admin_client, db):
    event = EventFactory(publication_status="draft", title_fr="")
    url = reverse("admin:relations_event_change", args=[event.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        publication_status="published",
        title_fr="",
        start_date="2016-06-15",
        end_date="2016-06-16",
        country=event.country_id,
        track=event.track_id,
        **{f"citations-{key}": value for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()},
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "title_fr" in response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.publication_status == "draft"


def test_an_import_of_a_published_record_without_french_is_refused_row_and_column(db):
    TrackFactory(number=1)
    CountryFactory(code="ID")
    rows = (
        "slug,title_en,title_fr,summary_en,summary_fr,kind,start_date,country,track,publication_status\n"
        "a,Dialogue,Dialogue,Met.,S'est réuni.,dialogue,2016-08-04,ID,1,published\n"
        "b,Forum,,Met.,,forum,2016-08-04,ID,1,published\n"
        "c,Draft,,Met.,,forum,2016-08-04,ID,1,draft\n"
    )
    result = EventResource().import_data(tablib.Dataset().load(rows, format="csv"), dry_run=False)
    assert result.has_validation_errors()
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(errors) == {3}  # the file's third line: the header is the first
    assert set(errors[3]) == {"title_fr", "summary_fr"}
    assert not models.Event.objects.exists()


def test_exports_carry_both_languages(db):
    EventFactory(title_en="Dialogue", title_fr="Dialogue (fr)", summary_en="Met.", summary_fr="Réuni.")
    dataset = EventResource().export()
    for name in ("title", "summary", "body", "city"):
        assert f"{name}_en" in dataset.headers and f"{name}_fr" in dataset.headers
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["title_en"], row["title_fr"], row["summary_fr"]) == ("Dialogue", "Dialogue (fr)", "Réuni.")


# --- search in each language ---------------------------------------------------------------------


def test_search_looks_in_the_language_of_the_page(client, db):
    EventFactory(title_en="Free trade talks", title_fr="Négociations commerciales", summary_fr="Un forum.")
    with translation.override("fr"):
        url = reverse("relations:search")
        assert client.get(url, {"q": "Négociations"}).context["results"].count == 1
        assert client.get(url, {"q": "trade"}).context["results"].count == 0
    with translation.override("en"):
        url = reverse("relations:search")
        assert client.get(url, {"q": "trade"}).context["results"].count == 1
        assert client.get(url, {"q": "Négociations"}).context["results"].count == 0


def test_search_stems_each_language_its_own_way(client, db):
    EventFactory(
        title_en="Agreements signed",
        title_fr="Accords signés",
        summary_en="The ministers negotiated.",
        summary_fr="Les ministres ont négocié.",
    )
    with translation.override("fr"):
        url = reverse("relations:search")
        assert client.get(url, {"q": "accord"}).context["results"].count == 1  # « accords » stemmed to « accord »
        assert client.get(url, {"q": "signé"}).context["results"].count == 1
        assert client.get(url, {"q": "agreement"}).context["results"].count == 0
    with translation.override("en"):
        url = reverse("relations:search")
        assert client.get(url, {"q": "agreement"}).context["results"].count == 1  # "agreements" stemmed
        assert client.get(url, {"q": "negotiate"}).context["results"].count == 1
        assert client.get(url, {"q": "accord"}).context["results"].count == 0


# --- the content and the translations shipped --------------------------------------------------


def test_every_record_of_the_fixtures_is_written_in_both_languages(db):
    call_command("loadcontent", verbosity=0)
    for model in models.CONTENT_MODELS:
        for record in model.objects.all():
            assert record.missing_translations() == [], record.slug
            assert record.summary_fr != record.summary_en, record.slug
            assert bool(record.body_fr) == bool(record.body_en), record.slug
    for citation in models.Citation.objects.all():
        assert bool(citation.note_fr) == bool(citation.note_en)
    for discrepancy in models.Discrepancy.objects.all():
        assert discrepancy.value_fr and discrepancy.reason_fr, discrepancy.pk
    for model in (models.Country, models.Organisation, models.Track, models.Pillar):
        assert not model.objects.filter(name_fr="").exists()
    assert models.Organisation.objects.get(slug="asean").acronym_fr == "ANASE"


def test_feeds_and_calendar_speak_the_language_of_their_address(client, db):
    EventFactory(title_en="Dialogue", title_fr="Dialogue en français", slug="dialogue")
    with translation.override("fr"):
        feed = client.get(reverse("relations:event-feed")).content.decode()
        calendar = client.get(reverse("relations:event-calendar"))
    # Streamed: written as it is sent, in the language of its address whatever is active then.
    calendar = calendar.getvalue().decode()
    assert "<title>Dialogue en français</title>" in feed
    assert "/fr/evenements/dialogue/" in feed
    assert "SUMMARY:Dialogue en français" in calendar
    with translation.override("en"):
        feed = client.get(reverse("relations:event-feed")).content.decode()
    assert "<title>Dialogue</title>" in feed and "/en/events/dialogue/" in feed


def test_a_citation_is_in_the_language_of_its_page(client, db):
    event = EventFactory(title_en="Dialogue", title_fr="Dialogue en français", slug="dialogue")
    with translation.override("fr"):
        cited = json.loads(client.get(reverse("relations:event-cite", args=[event.slug, "json"])).content)[0]
        bibtex = client.get(reverse("relations:event-cite", args=[event.slug, "bib"])).content.decode()
    assert (cited["title"], cited["language"]) == ("Dialogue en français", "fr")
    assert cited["URL"].endswith("/fr/evenements/dialogue/")
    assert "langid = {french}" in bibtex
    with translation.override("en"):
        cited = json.loads(client.get(reverse("relations:event-cite", args=[event.slug, "json"])).content)[0]
    assert (cited["title"], cited["language"]) == ("Dialogue", "en")

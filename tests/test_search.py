"""Search (relations.search) on the shipped content: the same table of queries passes on SQLite
and on PostgreSQL (run this file with DATABASE_URL set to each).

The expected records were written from fixtures/content.json and fixtures/reference.json (what
each record says, where it took place, whom it names), by slug: not from what the code returns.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from relations import search
from relations.models import Country, Event, SearchEntry
from relations.search import engines
from relations.search.query import parse
from relations.workflow import PublicationStatus

from .factories import EventFactory


@pytest.fixture(scope="module", autouse=True)
def content(module_db):
    call_command("loadcontent", stdout=io.StringIO())


def found(query, language="en", **filters):
    """The slugs of the first page (the first ten) of results for `query`."""
    with translation.override(language):
        results = search.find(query, filters)
    return [row["record"].slug for row in results.page.object_list[:10]] if results.page else []


# (language, query, records it must find in its first ten results, records it must not find)
TABLE = [
    # Acronyms, from the organisations' acronyms and "also known as"
    ("en", "JCC", ["jcc-1-jakarta-2013", "joint-cooperation-committee-established-1982"], []),
    ("en", "CABC", ["cabc-accredited-by-asean-2024"], []),
    ("en", "ADMM", ["canada-asks-to-join-admm-plus-2012"], []),
    ("en", "PMC", ["pmc-manila-1998", "pmc-bali-2011"], []),
    ("en", "IDRC", ["idrc-research-cooperation-asean"], []),
    ("fr", "CRDI", ["idrc-research-cooperation-asean"], []),
    ("en", "ANASE scholarships", ["pmc-manila-2017-scholarships"], []),
    ("en", "Joint Cooperation Committee", ["jcc-11-montreal-1997", "jcc-10-miri-1995"], []),
    # Other names of countries and cities
    ("en", "Vietnam", ["asean-canada-dialogue-5-2008"], []),
    ("en", "Viêt Nam", ["asean-canada-dialogue-5-2008"], []),
    ("fr", "Viet Nam", ["asean-canada-dialogue-5-2008"], []),
    ("en", "Saigon", ["asean-canada-dialogue-5-2008"], []),
    ("en", "Naypyidaw", ["aem-canada-consultation-3-2014"], []),
    ("en", "Burma", ["aem-canada-consultation-3-2014"], []),
    ("fr", "Djakarta", ["mission-of-canada-to-asean", "jcc-1-jakarta-2013"], []),
    ("en", "Sarawak", ["jcc-10-miri-1995"], []),
    # Typos: nothing matches what was typed, so the nearest spelling's records are shown
    ("en", "Jakrta", ["mission-of-canada-to-asean", "jcc-1-jakarta-2013"], []),
    (
        "en",
        "scolarship",
        ["pmc-manila-2017-scholarships", "scholarships-educational-exchanges-for-development-2017"],
        [],
    ),
    ("en", "Vientianne", ["office-of-canada-in-laos", "aem-canada-consultation-5-2016"], []),
    # Accents and case, in both languages
    ("fr", "negociation", ["fta-negotiations-launched-2021"], []),
    ("fr", "libre echange", ["asean-canada-free-trade-agreement"], []),
    ("fr", "Thailande", ["asean-canada-dialogue-7-2010"], []),
    ("en", "MONTRÉAL", ["jcc-11-montreal-1997"], []),
    ("fr", "montreal", ["jcc-11-montreal-1997"], []),
    # People
    ("en", "Hannan", ["mission-of-canada-to-asean", "asean-canada-dialogue-13-2016"], []),
    ("en", "Mackenzie", ["mission-of-canada-to-asean", "launch-35th-anniversary-commemoration-2012"], []),
    ("en", "Freeland", ["pmc-manila-2017-scholarships"], []),
    # Years and dates
    ("en", "2012", ["asean-canada-dialogue-9-2012", "pmc-phnom-penh-2012"], []),
    ("en", "May 1997", ["jcc-11-montreal-1997"], []),
    ("fr", "mai 1997", ["jcc-11-montreal-1997"], []),
    # Citations: quotes and locators, in the source's language
    ("en", "Lomba Pembuatan Logo", ["logo-competition-35th-anniversary"], []),
    ("en", "beasiswa", ["pmc-manila-2017-scholarships"], []),
    # Phrases, alternatives, exclusions
    ("en", '"free trade agreement"', ["asean-canada-free-trade-agreement", "fta-negotiations-launched-2021"], []),
    ("en", "Vancouver or Bangkok", ["asean-canada-dialogue-2-2005", "asean-canada-dialogue-7-2010"], []),
    ("en", "Vancouver dialogue -2011", ["asean-canada-dialogue-2-2005"], ["asean-canada-dialogue-8-2011"]),
    ("en", "trade -free", ["joint-declaration-trade-investment-2011"], ["asean-canada-free-trade-agreement"]),
    ("en", "terrorism", ["joint-declaration-combat-international-terrorism-2006"], []),
]


@pytest.mark.parametrize(("language", "query", "expected", "excluded"), TABLE, ids=[row[1] for row in TABLE])
def test_the_table_of_queries_finds_what_the_content_says(db, language, query, expected, excluded):
    results = found(query, language)
    assert [slug for slug in expected if slug not in results] == []
    assert [slug for slug in excluded if slug in results] == []


def test_the_table_has_thirty_queries_of_every_kind():
    assert len(TABLE) >= 30


def test_a_typo_offers_the_spelling_the_index_knows(db):
    with translation.override("en"):
        results = search.find("Jakrta")
    assert (results.suggestion, results.corrected) == ("Jakarta", True)
    with translation.override("en"):
        assert search.find("Jakarta").suggestion == ""


@pytest.mark.parametrize(
    "text", ["\x00", "a\x00b", "x" * 10_000, "-", "or", "OR OR", '"', '"unbalanced', "- - -", "*", "(", "NEAR(", "'"]
)
def test_bad_input_is_a_page_never_a_server_error(client, db, text):
    response = client.get(reverse("relations:search"), {"q": text})
    assert response.status_code == 200


def test_a_nul_byte_in_the_url_is_a_page(client, db):
    assert client.get(reverse("relations:search") + "?q=%00").status_code == 200
    assert client.get(reverse("relations:event-list") + "?q=%00").status_code in (200, 400)


@pytest.mark.parametrize(
    ("language", "typed", "plain"),
    [("en", "the trade of", "trade"), ("en", "Minister of Trade", "Minister of Trade"), ("fr", "l'ANASE", "ANASE")],
)
def test_stop_words_are_left_out_the_same_way_on_both_databases(db, language, typed, plain):
    """PostgreSQL drops stop words from a query and SQLite's FTS5 would require them: the parser
    drops them at the ends of a term (not inside a phrase), so both find the same records."""
    assert parse(typed, language).groups == parse(plain, language).groups
    assert found(typed, language) == found(plain, language) != []


def test_french_pages_read_ou_as_or(db):
    assert len(parse("Jakarta ou Vientiane", "fr").groups) == 2
    assert len(parse("Jakarta ou Vientiane", "en").groups) == 1
    with translation.override("fr"):
        either = search.find("Jakarta ou Vientiane").count
        assert either == search.find("Jakarta or Vientiane").count > search.find("Vientiane").count > 0


def test_a_query_of_stop_words_alone_says_so(client, db):
    page = client.get(reverse("relations:search"), {"q": "the of"}).content.decode()
    assert "Words as common as “the” or “of” are left out" in page
    assert "Type at least" not in page


def test_a_correction_keeps_the_case_typed():
    query = parse("jakrta JAKRTA Jakrta trade")
    assert query.replaced({"jakrta": "jakarta"}) == "jakarta JAKARTA Jakarta trade"


def test_the_parser_reads_websearch_syntax():
    query = parse('"free trade" -Bangkok or Viêt-Nam')
    assert [(g.required, g.excluded) for g in query.groups] == [
        ([("free", "trade")], [("Bangkok",)]),
        ([("Viêt", "Nam")], []),
    ]
    assert not parse("- or -x")
    assert not parse("a")


def test_an_empty_or_too_short_query_gets_a_helpful_page(client, db):
    page = client.get(reverse("relations:search")).content.decode()
    assert "What you can search for" in page
    page = client.get(reverse("relations:search"), {"q": "x"}).content.decode()
    assert "Type at least 2 letters or digits" in page


def test_results_show_snippets_type_date_place_and_facets(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = client.get(reverse("relations:search"), {"q": "Vientiane"})
    page = response.content.decode()
    assert "<mark>Vientiane</mark>" in page
    assert "Fifth AEM–Canada consultation, Vientiane" in page
    assert "4 August 2016" in page
    facets = response.context["facets"]
    assert {facet["name"] for facet in facets} == {"type", "year", "country", "pillar"} - {
        name for name in ("pillar",) if not any(f["name"] == name for f in facets)
    }
    laos = next(
        option for facet in facets if facet["name"] == "country" for option in facet["options"] if option["key"] == "LA"
    )
    narrowed = client.get(laos["url"]).context["results"]
    assert narrowed.count == laos["count"]


def test_a_page_of_results_reads_the_matches_once_and_each_type_shown_once(client, db):
    """The matches' ids, the ranked page (with its snippets on PostgreSQL, which computes them
    after the LIMIT; in a query of their own on SQLite), the country and pillar facets together,
    and one query per content type on the page: however many records match."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("relations:search"), {"q": "ASEAN"})
    types = {row["record"]._meta.model_name for row in response.context["results"].page.object_list}
    assert len(types) > 1
    assert len(queries) == 3 + len(types) + (connection.vendor != "postgresql")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage of the search vectors")
def test_postgresql_keeps_the_search_vectors_in_the_row(db):
    """Migration 0012: a long entry's texts leave the row before its vectors, which every search
    tests entry by entry."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute"
            " WHERE attrelid = 'relations_searchentry'::regclass AND attname LIKE 'vector%%'"
        )
        assert dict(cursor.fetchall()) == {"vector_en": "m", "vector_fr": "m"}


def test_pages_of_results(client, db):
    first = client.get(reverse("relations:search"), {"q": "ASEAN"}).context["results"]
    assert first.count > search.PAGE_SIZE
    second = client.get(reverse("relations:search"), {"q": "ASEAN", "page": 2}).context["results"]

    def shown(results):
        return {(row["record"]._meta.model_name, row["record"].pk) for row in results.page.object_list}

    assert len(shown(first)) == search.PAGE_SIZE
    assert shown(first).isdisjoint(shown(second))


def test_a_search_matching_more_than_the_cap_ranks_and_counts_the_most_recent(client, db, monkeypatch):
    """Beyond MAX_MATCHES a search costs the same however many records match: it shows, counts
    and facets the most recent MAX_MATCHES matches, and says so."""
    everything = search.find("ASEAN")
    assert everything.count > 12 and not everything.capped
    monkeypatch.setattr(search, "MAX_MATCHES", 12)
    capped = client.get(reverse("relations:search"), {"q": "ASEAN"})
    results = capped.context["results"]
    assert results.capped and results.count == 12
    assert sum(count for _key, _label, count in results.facets["type"]) == 12
    matches = engines.matching(parse("ASEAN"), "en").order_by(F("date").desc(nulls_last=True), "-id")
    most_recent = set(matches.values_list("record_type", "record_id")[:12])
    shown = {(row["record"]._meta.model_name, row["record"].pk) for row in results.page.object_list}
    assert shown and shown <= most_recent
    assert len(most_recent) == 12 and matches.count() == everything.count
    assert "More than 12 records match; 1 to 12 shown." in capped.content.decode()
    assert "best of the 12 most recent matches" in capped.content.decode()
    assert "More than" not in client.get(reverse("relations:search"), {"q": "Vientiane"}).content.decode()


def test_the_index_follows_saves_unpublishing_deletes_and_aliases(db, django_capture_on_commit_callbacks):
    def hits(text):
        with translation.override("en"):
            results = search.find(text)
        return [row["record"].pk for row in results.page.object_list] if results.page else []

    # Indexed when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        event = EventFactory(title="Biodiversity forum", country=Country.objects.get(code="VN"))
    assert SearchEntry.objects.filter(record_type="event", record_id=event.pk).exists()
    assert hits("Biodiversity") == [event.pk]
    # A new other name of its country finds it.
    with django_capture_on_commit_callbacks(execute=True):
        vietnam = Country.objects.get(code="VN")
        vietnam.also_known_as_en = "Annam"
        vietnam.save()
    assert event.pk in hits("Annam")
    # Archived, it leaves the index; a search in the same transaction sees that before the commit.
    event.publication_status = PublicationStatus.ARCHIVED
    event.save()
    assert hits("Biodiversity") == []
    assert not SearchEntry.objects.filter(record_type="event", record_id=event.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        event.publication_status = PublicationStatus.PUBLISHED
        event.save()
    assert hits("Biodiversity") == [event.pk]
    with django_capture_on_commit_callbacks(execute=True):
        event.delete()
    assert hits("Biodiversity") == []


def test_a_list_page_filters_by_the_same_search(client, db):
    response = client.get(reverse("relations:event-list"), {"q": "Naypyidaw"})
    assert [event.slug for event in response.context["object_list"]] == ["aem-canada-consultation-3-2014"]


def test_rebuilding_the_index_gives_the_same_entries(db):
    before = set(SearchEntry.objects.values_list("record_type", "record_id"))
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert set(SearchEntry.objects.values_list("record_type", "record_id")) == before
    assert {pk for kind, pk in before if kind == "event"} == set(Event.objects.listed().values_list("pk", flat=True))
    assert "Search index rebuilt" in out.getvalue()


def test_a_backup_leaves_the_index_out_and_a_restore_rebuilds_it(db, tmp_path, django_capture_on_commit_callbacks):
    before = set(SearchEntry.objects.values_list("record_type", "record_id"))
    path = tmp_path / "backup.xml.gz"
    call_command("backup", output=str(path), stdout=io.StringIO())
    assert b"relations.searchentry" not in __import__("gzip").open(path).read()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("restore", str(path), replace=True, stdout=io.StringIO())
    assert set(SearchEntry.objects.values_list("record_type", "record_id")) == before
    assert "mission-of-canada-to-asean" in found("Hannan")

"""The open-data API: its OpenAPI description validates, every list honours its filters and
pagination in a bounded number of queries, and drafts never appear, not even as a link."""

import datetime
import gzip
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate

from relations.models import Event, Source
from relations.workflow import PublicationStatus

from . import sample
from .factories import AgreementFactory, CountryFactory, EventFactory, PillarFactory

LISTS = ["events", "agreements", "missions", "programs", "countries", "organisations", "tracks", "pillars", "sources"]

# Each list with filters as the public list pages take them, and the sample's records they select.
FILTERED = {
    "events": "country=ID&pillar=economic&kind=dialogue&track=1&organisation=asean-secretariat&o=title",
    "agreements": "country=ID&status=in-force&pillar=economic&year_from=1970&year_to=2030",
    "missions": "country=ID&status=open&organisation=asean-secretariat&year_from=1985&o=-opened_on",
    "programs": "country=ID&status=ongoing&pillar=economic&year_from=1990&o=-amount",
}

DETAILS = {
    "events": "dialogue-0",
    "agreements": "joint-declaration-0",
    "missions": "mission-0",
    "programs": "program-0",
}

# A list's queries: its page, the count, each prefetched relation and each filter's choices; the same
# at any number of records.
MAX_QUERIES = 14


@pytest.fixture(autouse=True)
def no_throttling_between_tests():
    cache.clear()  # the throttle counts requests per address in the cache


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    if status != 200:
        return None
    assert response["Content-Type"] == "application/json"
    return response.json()


def get_problem(client, url, status, **headers):
    """An error's RFC 9457 problem body, checked for its members and content type."""
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"] == "application/problem+json", url
    problem = response.json()
    assert problem["type"] == "about:blank" and problem["status"] == status, problem
    assert problem["title"] and problem["detail"] and problem["instance"] == url.split("?")[0], problem
    return problem


@pytest.mark.django_db
def test_the_openapi_description_validates(client, tmp_path):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert {f"/api/v1/{name}/" for name in LISTS} <= set(schema["paths"])
    event_params = {param["name"] for param in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert {"q", "country", "track", "pillar", "kind", "organisation", "source", "year_from", "o", "page"} <= (
        event_params
    )
    # And drf-spectacular finds nothing to warn about (an unknown filter type, a duplicate enum).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


@pytest.mark.django_db
def test_the_entry_point_links_every_list_and_the_docs(client):
    root = get_json(client, "/api/v1/")
    assert set(LISTS) <= set(root)
    assert root["events"] == "http://testserver/api/v1/events/"
    assert root["license"]["url"] == {
        "en": "https://open.canada.ca/en/open-government-licence-canada",
        "fr": "https://ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada",
    }
    assert root["openapi"].startswith("http://testserver/api/v1/schema/")
    docs = client.get(root["docs"], HTTP_ACCEPT_ENCODING="gzip")
    assert docs.status_code == 200 and docs["Content-Encoding"] == "gzip"
    page = gzip.decompress(docs.content).decode()
    assert "<script" not in page and "<style" not in page and " style=" not in page, "no script, nothing inline"
    # Every operation, its parameters with their limits, and the errors with their examples.
    assert 'id="events_list"' in page and 'id="countries_retrieve"' in page
    assert "integer, 1900 to 2100" in page and "integer, 1 to 100, default 20" in page
    assert 'id="error-404"' in page and "application/problem+json" in page
    # The site's policy, unchanged on this page.
    assert docs["Content-Security-Policy"] == client.get(reverse("relations:home"))["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 25])
def test_every_list_is_a_bounded_number_of_queries(client, size, django_assert_max_num_queries):
    sample.build(size)
    for name in LISTS:
        with django_assert_max_num_queries(MAX_QUERIES):
            data = get_json(client, f"/api/v1/{name}/?page_size=100")
        assert data["count"] == len(data["results"]) > 0, name
    for name, query in FILTERED.items():
        with django_assert_max_num_queries(MAX_QUERIES):
            data = get_json(client, f"/api/v1/{name}/?{query}")
        assert data["count"] > 0, name
    for name, slug in DETAILS.items():
        with django_assert_max_num_queries(MAX_QUERIES):
            get_json(client, f"/api/v1/{name}/{slug}/")


LIST_PAGES = {
    "events": "relations:event-list",
    "agreements": "relations:agreement-list",
    "missions": "relations:mission-list",
    "programs": "relations:assistanceprogram-list",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_PAGES)
def test_every_record_list_selects_what_its_public_list_page_selects(client, name):
    sample.build(4)
    query = FILTERED[name]
    page = client.get(f"{reverse(LIST_PAGES[name])}?{query}")
    expected = [record.slug for record in page.context["object_list"]]
    data = get_json(client, f"/api/v1/{name}/?{query}")
    assert [record["slug"] for record in data["results"]] == expected
    assert expected, "the filters select something"
    everything = get_json(client, f"/api/v1/{name}/")
    assert data["count"] < everything["count"], "and not everything"


@pytest.mark.django_db
def test_filters_combine_multi_select_and_reject_bad_values(client):
    indonesia = CountryFactory(code="ID", name="Indonesia")
    philippines = CountryFactory(code="PH", name="Philippines")
    pillar = PillarFactory(slug="economic")
    old = EventFactory(slug="old", country=indonesia, start_date=datetime.date(1980, 5, 1))
    new = EventFactory(slug="new", country=philippines, start_date=datetime.date(2016, 5, 1))
    EventFactory(slug="canada", country=CountryFactory(code="CA", name="Canada"))
    new.pillars.add(pillar)

    def slugs(query):
        return [event["slug"] for event in get_json(client, f"/api/v1/events/?{query}")["results"]]

    assert slugs("country=ID&country=PH") == ["new", "old"]
    assert slugs("country=ID&country=PH&o=start_date") == ["old", "new"]
    assert slugs("year_to=1999") == ["old"]
    assert slugs("pillar=economic") == ["new"]
    assert slugs(f"track={old.track.number}&country=ID") == ["old"]
    assert slugs("kind=summit") == []
    EventFactory(slug="maritime", title="Dialogue on maritime security")
    assert slugs("q=maritime") == ["maritime"]
    assert slugs("q=maritime&o=title&page_size=5") == ["maritime"]
    for query, parameter in [
        ("year_from=abc", "year_from"),
        ("year_from=1899", "year_from"),
        ("year_to=2101", "year_to"),
        ("country=ZZ", "country"),
        ("kind=no-such-kind", "kind"),
        ("o=-title", "o"),
        ("q=a%00b", "q"),
    ]:
        problem = get_problem(client, f"/api/v1/events/?{query}", 400)
        assert problem["title"] == "Bad Request" and problem["detail"] == "A query parameter does not validate."
        assert [error["parameter"] for error in problem["errors"]] == [parameter], query
        assert all(problem["errors"][0]["messages"]), query


@pytest.mark.django_db
def test_pagination_is_by_page_number_with_a_bounded_page_size(client):
    for number in range(25):
        EventFactory(slug=f"event-{number:02d}", start_date=datetime.date(2000 + number, 1, 1), end_date=None)
    first = get_json(client, "/api/v1/events/")
    assert first["count"] == 25 and len(first["results"]) == 20
    assert first["next"] == "http://testserver/api/v1/events/?page=2" and first["previous"] is None
    second = get_json(client, first["next"])
    assert len(second["results"]) == 5 and second["next"] is None
    assert {e["slug"] for e in first["results"]}.isdisjoint({e["slug"] for e in second["results"]})
    assert len(get_json(client, "/api/v1/events/?page_size=7")["results"]) == 7
    assert len(get_json(client, "/api/v1/events/?page_size=100")["results"]) == 25
    # Out of bounds: a 400 naming the parameter, not quietly the first page or 100 results.
    for query in ("page_size=1000", "page_size=0", "page_size=", "page=0", "page=-1", "page=last", "page=١"):
        problem = get_problem(client, f"/api/v1/events/?{query}", 400)
        assert [error["parameter"] for error in problem["errors"]] == [query.split("=")[0]], query
    assert get_problem(client, "/api/v1/events/?page=9", 404)["detail"] == "Invalid page."


@pytest.mark.django_db
def test_drafts_never_appear_in_lists_details_or_links(client):
    records = sample.build(2)
    event = records["events"][0]
    draft_agreement = AgreementFactory(slug="draft-agreement", publication_status=PublicationStatus.DRAFT)
    in_review = AgreementFactory(slug="in-review", publication_status=PublicationStatus.REVIEW)
    event.agreements.add(draft_agreement, in_review)
    superseding = records["agreements"][0]
    superseding.supersedes = draft_agreement
    superseding.save()
    archived = EventFactory(slug="archived", publication_status=PublicationStatus.ARCHIVED)

    everything = ""
    for name in LISTS:
        data = get_json(client, f"/api/v1/{name}/?page_size=100")
        everything += json.dumps(data)
        for item in data["results"]:
            everything += json.dumps(get_json(client, item["url"]))
    assert "Unpublished draft" not in everything
    assert "draft-agreement" not in everything and "in-review" not in everything
    assert '"archived"' not in json.dumps(get_json(client, "/api/v1/events/?page_size=100"))

    for draft in Event.objects.filter(publication_status=PublicationStatus.DRAFT):
        get_json(client, f"/api/v1/events/{draft.slug}/", status=404)
    get_json(client, "/api/v1/agreements/draft-agreement/", status=404)
    # An archived record keeps its address, marked as archived, out of the list.
    assert get_json(client, f"/api/v1/events/{archived.slug}/")["publication_status"] == "archived"
    assert get_json(client, f"/api/v1/agreements/{superseding.slug}/")["supersedes"] is None


@pytest.mark.django_db
def test_a_record_carries_its_identifiers_links_dates_at_their_precision_and_citations(client):
    records = sample.build(1)
    event = records["events"][0]
    event.start_date, event.end_date, event.date_precision = datetime.date(1986, 1, 1), None, "year"
    event.save()
    data = get_json(client, f"/api/v1/events/{event.slug}/")
    assert data["slug"] == "dialogue-0"
    assert data["url"] == "http://testserver/api/v1/events/dialogue-0/"
    assert data["html_url"] == {
        "en": "http://testserver/en/events/dialogue-0/",
        "fr": "http://testserver/fr/evenements/dialogue-0/",
    }
    assert (data["title_en"], data["title_fr"]) == (event.title_en, event.title_fr)
    assert data["summary_fr"] == event.summary_fr
    assert (data["start_date"], data["end_date"], data["date_precision"]) == ("1986", None, "year")
    assert data["country"] == {
        "code": "ID",
        "name_en": "Indonesia",
        "name_fr": "Indonesia (FR)",
        "url": "http://testserver/api/v1/countries/ID/",
        "html_url": {"en": "http://testserver/en/countries/id/", "fr": "http://testserver/fr/pays/id/"},
    }
    assert data["track"]["number"] == 1 and data["track"]["url"].endswith("/api/v1/tracks/1/")
    agreement = data["agreements"][0]
    assert get_json(client, agreement["url"])["slug"] == agreement["slug"] == "joint-declaration-0"
    assert {citation["source"]["slug"] for citation in data["citations"]} == {"gac-backgrounder", "saputra-2019"}
    assert data["date_modified"]

    country = get_json(client, "/api/v1/countries/id/")
    assert country["code"] == "ID"
    assert country["records"]["event"] == "http://testserver/api/v1/events/?country=ID"
    assert get_json(client, country["records"]["event"])["count"] == 1
    program = get_json(client, "/api/v1/programs/program-0/")
    assert (program["amount"], program["currency"]) == ("10000000.00", "CAD")
    mission = get_json(client, "/api/v1/missions/mission-0/")
    assert mission["heads"][0]["name"] == "Head 0" and mission["opened_on"] == "1977"
    source = get_json(client, "/api/v1/sources/saputra-2019/")
    assert source["url"].endswith("/api/v1/sources/saputra-2019/") and "document_url" in source


@pytest.mark.django_db
def test_the_api_is_read_only_and_json(client):
    EventFactory(slug="one")
    assert client.post("/api/v1/events/", {}).status_code == 405
    assert client.delete("/api/v1/events/one/").status_code == 405
    assert client.get("/api/v1/events/", HTTP_ACCEPT="text/html").status_code == 406


@pytest.mark.django_db
def test_anonymous_clients_are_throttled(client, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "2/minute"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        assert client.get("/api/v1/tracks/").status_code == 200
        assert client.get("/api/v1/tracks/").status_code == 200
        assert client.get("/api/v1/tracks/").status_code == 429
        # Another address is counted apart; a forged X-Forwarded-For is not another address.
        assert client.get("/api/v1/tracks/", HTTP_X_FORWARDED_FOR="10.0.0.9").status_code == 429
        assert client.get("/api/v1/tracks/", REMOTE_ADDR="10.0.0.2").status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


@pytest.mark.django_db
def test_every_error_is_a_problem_in_json_never_the_html_page(client):
    EventFactory(slug="one")
    assert get_problem(client, "/api/v1/events/no-such-event/", 404)["title"] == "Not Found"
    # Addresses the routes do not match (a key of the wrong shape, a list that does not exist).
    for url in ("/api/v1/tracks/one/", "/api/v1/countries/IDN/", "/api/v1/no-such-list/", "/api/v1/events/%C2%84/"):
        assert get_problem(client, url, 404)["detail"] == "Nothing is at this address of the API.", url
    # Without the slash: redirected to the address with one, as everywhere else.
    assert client.get("/api/v1/events").status_code == 301
    assert get_problem(client, "/api/v1/events/", 406, HTTP_ACCEPT="text/html")["title"] == "Not Acceptable"


@pytest.mark.django_db
def test_codes_have_their_labels_in_both_languages_and_empty_urls_are_null(client):
    records = sample.build(1)
    event = get_json(client, f"/api/v1/events/{records['events'][0].slug}/")
    assert (event["kind"], event["kind_label"]) == ("dialogue", {"en": "Dialogue", "fr": "Dialogue"})
    assert event["publication_status_label"] == {"en": "Published", "fr": "Publié"}
    program = get_json(client, "/api/v1/programs/program-0/")
    assert program["status_label"]["fr"] and program["status_label"]["en"] != program["status_label"]["fr"]
    Source.objects.filter(slug="gac-backgrounder").update(url="")
    assert get_json(client, "/api/v1/sources/gac-backgrounder/")["document_url"] is None
    Source.objects.filter(slug="gac-backgrounder").update(url="https://example.org/backgrounder")
    assert get_json(client, "/api/v1/sources/gac-backgrounder/")["document_url"] == "https://example.org/backgrounder"


@pytest.mark.django_db
def test_countries_and_organisations_link_out_to_wikidata(client):
    CountryFactory(code="CA", name="Canada", wikidata_id="Q16")
    CountryFactory(code="PH", name="Philippines")
    canada = get_json(client, "/api/v1/countries/CA/")
    assert (canada["wikidata_id"], canada["same_as"]) == ("Q16", ["https://www.wikidata.org/wiki/Q16"])
    assert get_json(client, "/api/v1/countries/PH/")["same_as"] == []

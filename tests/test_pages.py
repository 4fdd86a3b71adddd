"""The public pages at two sizes of data: what each shows, and a bounded number of queries."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.views.defaults import server_error

from relations.models import Event

from . import sample
from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CountryFactory,
    EventFactory,
    MissionFactory,
    PillarFactory,
    TrackFactory,
)


def url(name, query="", **kwargs):
    """A public page's address in the active language, with its querystring."""
    return reverse(f"relations:{name}", kwargs=kwargs) + (f"?{query}" if query else "")


# (URL name, querystring, URL arguments): addresses are built in the test, in its active language.
PAGES = [
    ("home", "", {}),
    ("event-list", "", {}),
    ("agreement-list", "", {}),
    ("mission-list", "", {}),
    ("assistanceprogram-list", "", {}),
    (
        "event-list",
        "country=ID&country=PH&pillar=economic&kind=dialogue&track=1&organisation=asean-secretariat&o=title",
        {},
    ),
    (
        "agreement-list",
        "country=ID&status=in-force&kind=joint-declaration&pillar=economic&year_from=1980&year_to=2020",
        {},
    ),
    ("mission-list", "country=ID&status=open&organisation=asean-secretariat&o=-opened_on", {}),
    (
        "assistanceprogram-list",
        "country=ID&sector=education&status=ongoing&pillar=economic&year_from=1990&o=-amount",
        {},
    ),
    ("event-list", "source=gac-backgrounder&year_to=2030", {}),
    ("search", "q=dialogue", {}),
    ("timeline", "", {}),
    ("timeline", "group=year&track=1&pillar=economic&type=event&type=agreement", {}),
    ("country-list", "", {}),
    ("country-detail", "", {"code": "id"}),
    ("open-data", "", {}),
    ("pillar-detail", "", {"slug": "economic"}),
    ("organisation-detail", "", {"slug": "asean-secretariat"}),
    ("track-detail", "", {"number": 1}),
    ("source-detail", "", {"slug": "gac-backgrounder"}),
    ("event-detail", "", {"slug": "dialogue-0"}),
    ("agreement-detail", "", {"slug": "joint-declaration-0"}),
    ("mission-detail", "", {"slug": "mission-0"}),
    ("assistanceprogram-detail", "", {"slug": "program-0"}),
]


# A page's queries: its records, their count, related rows prefetched, one per filter's choices and
# one for the counts of every filter's options; never one per row. The same bound holds at both sizes.
MAX_QUERIES = 13


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 25])
def test_every_public_page_runs_a_bounded_number_of_queries(
    client, size, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # Committed, as the site's records are: the search index is written on commit.
    with django_capture_on_commit_callbacks(execute=True):
        sample.build(size)
    for name, query, kwargs in PAGES:
        address = url(name, query, **kwargs)
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(address)
        assert response.status_code == 200, address
        assert "Unpublished draft" not in response.content.decode(), address


def page_text(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


@pytest.mark.django_db
def test_list_pages_paginate_and_keep_the_filters_in_the_links(client):
    sample.build(25)
    page = page_text(client, url("event-list", "country=ID&country=PH"))
    assert "Showing 1 to 20 of 25 events matching the filters." in page
    assert 'href="?country=ID&amp;country=PH&amp;page=2"' in page
    second = client.get(url("event-list", "country=ID&country=PH&page=2"))
    assert len(second.context["object_list"]) == 5
    assert client.get(url("event-list", "page=9")).status_code == 404


@pytest.mark.django_db
def test_a_list_shows_only_listed_records(client):
    EventFactory(title="Published dialogue")
    EventFactory(title="Draft dialogue", publication_status="draft")
    page = page_text(client, url("event-list"))
    assert "Published dialogue" in page and "Draft dialogue" not in page
    assert "1 events" not in page and "1 event" in page


@pytest.mark.django_db
def test_event_filters_combine_and_multi_select(client):
    indonesia = CountryFactory(code="ID", name="Indonesia")
    philippines = CountryFactory(code="PH", name="Philippines")
    canada = CountryFactory(code="CA", name="Canada")
    pillar = PillarFactory(slug="economic")
    old = EventFactory(title="Old in Indonesia", country=indonesia, start_date=datetime.date(1980, 5, 1))
    new = EventFactory(title="New in Philippines", country=philippines, start_date=datetime.date(2016, 5, 1))
    EventFactory(title="In Canada", country=canada, start_date=datetime.date(2016, 5, 1))
    new.pillars.add(pillar)

    def titles(query):
        return [event.title for event in client.get(url("event-list", query)).context["object_list"]]

    assert titles("country=ID&country=PH") == ["New in Philippines", "Old in Indonesia"]
    assert titles("country=ID&country=PH&o=start_date") == ["Old in Indonesia", "New in Philippines"]
    assert titles("year_from=2000") == ["In Canada", "New in Philippines"]
    assert titles("year_to=1999") == ["Old in Indonesia"]
    assert titles("pillar=economic") == ["New in Philippines"]
    assert titles(f"track={old.track.number}&country=ID") == ["Old in Indonesia"]
    assert titles("kind=summit") == []


@pytest.mark.django_db
def test_a_record_matching_several_chosen_values_is_listed_once(client):
    indonesia = CountryFactory(code="ID", name="Indonesia")
    philippines = CountryFactory(code="PH", name="Philippines")
    agreement = AgreementFactory(country=indonesia)
    agreement.party_countries.add(indonesia, philippines)
    response = client.get(url("agreement-list", "country=ID&country=PH"))
    assert list(response.context["object_list"]) == [agreement]
    assert response.context["paginator"].count == 1


@pytest.mark.django_db
def test_other_types_filters(client):
    program = AssistanceProgramFactory(title="Scholarships", start_year=2010, end_year=2020, status="ongoing")
    AssistanceProgramFactory(title="Old program", start_year=1990, end_year=1995, status="completed")
    program.countries.add(CountryFactory(code="VN", name="Viet Nam"))

    def titles(name, query):
        return [record.title for record in client.get(url(name, query)).context["object_list"]]

    assert titles("assistanceprogram-list", "year_from=2015") == ["Scholarships"]
    assert titles("assistanceprogram-list", "country=VN") == ["Scholarships"]
    assert titles("assistanceprogram-list", "status=completed") == ["Old program"]
    MissionFactory(title="Closed office", closed_on=datetime.date(2020, 1, 1))
    MissionFactory(title="Open mission")
    assert titles("mission-list", "status=open") == ["Open mission"]
    AgreementFactory(title="In force", status="in-force")
    AgreementFactory(title="Superseded", status="superseded")
    assert titles("agreement-list", "status=superseded") == ["Superseded"]


@pytest.mark.django_db
def test_an_invalid_filter_value_is_reported_not_an_error(client):
    EventFactory()
    response = client.get(url("event-list", "year_from=abc&country=ZZ"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert "Enter a number." in response.content.decode()
    for year in ("0", "-5", "99999", "2010.5"):
        response = client.get(url("event-list", f"year_to={year}"))
        assert response.status_code == 200, year
        assert list(response.context["object_list"]) == []
    assert client.get(url("timeline", "year_from=0")).status_code == 200


@pytest.mark.django_db
def test_search_finds_published_records_of_every_type(client):
    EventFactory(title="Dialogue on maritime security")
    AgreementFactory(title="Plan of action", summary="Cooperation on maritime safety and security.")
    MissionFactory(title="Mission", body="Responsible for maritime security cooperation.")
    EventFactory(title="Draft maritime security talk", publication_status="draft")
    EventFactory(title="Trade fair")
    response = client.get(url("search"), {"q": "maritime security"})
    assert response.context["results"].count == 3
    page = response.content.decode()
    assert "Dialogue on maritime security" in page and "Plan of action" in page and "Mission" in page
    assert "Draft maritime" not in page and "Trade fair" not in page
    assert client.get(url("search", "q=")).context["results"].page is None


@pytest.mark.django_db
def test_a_list_searches_with_the_words_it_is_given(client):
    EventFactory(title="Dialogue on maritime security")
    EventFactory(title="Trade fair")
    assert [e.title for e in client.get(url("event-list", "q=maritime")).context["object_list"]] == [
        "Dialogue on maritime security"
    ]


@pytest.mark.django_db
def test_records_loaded_from_a_fixture_are_searchable(tmp_path, reference_data):
    fixture = tmp_path / "events.json"
    fixture.write_text(
        '[{"model": "relations.event", "fields": {"slug": "loaded", "title_en": "Loaded biodiversity forum",'
        ' "title_fr": "Forum sur la biodiversité", "summary_en": "s", "summary_fr": "s", "body_en": "",'
        ' "body_fr": "", "publication_status": "published", "created_at": "2024-01-01T00:00:00Z",'
        ' "updated_at": "2024-01-01T00:00:00Z", "kind": "forum", "start_date": "2019-01-01",'
        ' "date_precision": "day", "city_en": "", "city_fr": "", "country": null, "track": null}}]'
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert [e.slug for e in Event.objects.listed().search("biodiversity")] == ["loaded"]


@pytest.mark.django_db
def test_timeline_puts_all_types_in_date_order_grouped_by_decade_or_year(client):
    EventFactory(title="Dialogue", start_date=datetime.date(1977, 9, 1))
    AgreementFactory(title="Declaration", adopted_on=datetime.date(2011, 10, 3))
    MissionFactory(title="Mission", opened_on=datetime.date(2016, 1, 1))
    AssistanceProgramFactory(title="Program", start_year=2015, end_year=2020)
    AgreementFactory(title="Undated", adopted_on=None)
    groups = client.get(url("timeline")).context["groups"]
    assert [group["label"] for group in groups] == ["1970s", "2010s"]
    assert [entry["record"].title for entry in groups[1]["entries"]] == ["Declaration", "Program", "Mission"]
    by_year = client.get(url("timeline", "group=year")).context["groups"]
    assert [group["label"] for group in by_year] == ["1977", "2011", "2015", "2016"]


@pytest.mark.django_db
def test_timeline_filters_by_track_pillar_and_type(client):
    pillar = PillarFactory(slug="economic")
    event = EventFactory(title="Economic dialogue", track=TrackFactory(number=2))
    event.pillars.add(pillar)
    EventFactory(title="Other dialogue", track=TrackFactory(number=1))
    program = AssistanceProgramFactory(title="Economic program")
    program.pillars.add(pillar)
    MissionFactory(title="Mission")

    def titles(query):
        groups = client.get(url("timeline", query)).context["groups"]
        return sorted(entry["record"].title for group in groups for entry in group["entries"])

    assert titles("track=2") == ["Economic dialogue"]
    assert titles("pillar=economic") == ["Economic dialogue", "Economic program"]
    assert titles("type=mission") == ["Mission"]


@pytest.mark.django_db
def test_a_country_page_links_to_the_lists_filtered_by_it(client):
    sample.build(12)
    response = client.get(url("country-detail", code="id"))
    groups = {str(group["name"]): group for group in response.context["record_groups"]}
    assert groups["events"]["count"] == 6
    assert groups["missions"]["count"] == 12 and len(groups["missions"]["records"]) == 10
    page = response.content.decode()
    assert f'href="{url("mission-list", "country=ID")}"' in page and "All 12 missions" in page
    assert "Unpublished draft" not in page
    assert client.get(url("mission-list", "country=ID")).context["paginator"].count == 12
    index = page_text(client, url("country-list"))
    assert "Indonesia" in index and "Canada" in index


@pytest.mark.django_db
def test_pages_below_home_have_breadcrumbs(client):
    event = EventFactory(title="Fifth consultation")
    page = page_text(client, event.get_absolute_url())
    assert f'<a href="{url("event-list")}">Events</a>' in page
    assert '<li aria-current="page">Fifth consultation</li>' in page
    assert "Date modified:" in page


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.django_db
def test_friendly_404_and_500_pages(client, rf):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "couldn't find that page" in response.content.decode()
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
def test_a_list_counts_only_the_filters_actually_set(client):
    sample.build(2)
    assert client.get(url("event-list")).context["filter"].active_count == 0
    assert "matching the filters" not in page_text(client, url("event-list", "o=start_date"))
    filtered = client.get(url("event-list", "country=ID&country=PH&pillar=economic&year_from=1990"))
    assert filtered.context["filter"].active_count == 3
    assert "(3 set)" in filtered.content.decode()


@pytest.mark.django_db
def test_the_timeline_pages_in_date_order_across_types(client, monkeypatch, django_assert_max_num_queries):
    from relations import views

    monkeypatch.setattr(views, "TIMELINE_PAGE_SIZE", 3)
    EventFactory(title="E1990", start_date=datetime.date(1990, 5, 1), end_date=None)
    AgreementFactory(title="A1991", adopted_on=datetime.date(1991, 1, 1))
    AssistanceProgramFactory(title="P1991", start_year=1991, end_year=1995)
    MissionFactory(title="M2001", opened_on=datetime.date(2001, 1, 1))
    EventFactory(title="E2002", start_date=datetime.date(2002, 3, 1), end_date=None)

    def titles(page):
        # The page's entries and the filters' choices (4; on SQLite 3 more: the entries are a query
        # a type), and the drawing above them: the records per type and year, the eras, and the
        # records without a date (3).
        with django_assert_max_num_queries(7 if connection.features.supports_slicing_ordering_in_compound else 10):
            response = client.get(reverse("relations:timeline"), {"page": page})
        return [entry["record"].title for group in response.context["groups"] for entry in group["entries"]], response

    first, response = titles(1)
    assert first == ["E1990", "P1991", "A1991"]  # a program, known to the year, first in its year
    assert "Later records" in response.content.decode() and "Earlier records" not in response.content.decode()
    second, response = titles(2)
    assert second == ["M2001", "E2002"]
    assert "Earlier records" in response.content.decode() and "Later records" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"o": "title"}, {"o": "-start_date"}])
def test_every_page_of_a_list_read_forwards_or_backwards_adds_up_to_the_whole_list(client, query):
    """Pages in the back half are read from the end (views.DeferredJoinPaginator): together the
    pages are the whole list, in order, each record once, whatever the order and ties."""
    for n in range(47):
        EventFactory(title=f"Event {n % 5}", start_date=datetime.date(2000 + n % 3, 1, 1), end_date=None)
    expected = list(
        Event.objects.listed()
        .order_by(
            *{"title": ["title_en", "pk"], "-start_date": ["-start_date", "title_en", "pk"]}.get(
                query.get("o"), ["-start_date", "title_en", "pk"]
            )
        )
        .values_list("pk", flat=True)
    )
    seen = []
    for page in (1, 2, 3):
        response = client.get(reverse("relations:event-list"), {**query, "page": page})
        seen += [record.pk for record in response.context["object_list"]]
    assert seen == expected


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["en", "fr"])
@pytest.mark.parametrize("name", ["event", "agreement", "mission", "assistanceprogram"])
def test_a_list_reads_its_page_of_ids_and_a_record_its_date_modified_from_an_index(name, code):
    """On SQLite, from the indexes of migration 0011 (the listed indexes' INCLUDE columns are
    PostgreSQL's): in order, without a sort and without reading every published record."""
    from django.db import connection
    from django.utils.translation import override

    from relations.models import content_model
    from relations.selectors import list_records

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL reads the partial listed indexes, with its statistics")
    model = content_model(name)
    with override(code):
        ids = list_records(model).values_list("pk", flat=True)
        plan = ids[:20].explain() + ids.reverse()[:20].explain()
    short = "program" if name == "assistanceprogram" else name
    assert f"{short}_sqlite_list_{code}_idx" in plan
    assert "TEMP B-TREE" not in plan
    plan = model.objects.with_date_modified().filter(slug="a-record").explain()
    assert f"historical{name}_published_idx" in plan
    assert "TEMP B-TREE" not in plan

"""The list pages' filter panel: the filters set, shown as chips that each remove one value, and
beside every checkbox the number of records it would list with the other filters kept."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import override

from relations.models import CONTENT_MODELS

from . import sample


@pytest.fixture(scope="module")
def record(module_db):
    return sample.build(4)


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


def list_url(model, query=""):
    address = reverse(f"relations:{model._meta.model_name}-list")
    return f"{address}?{query}" if query else address


# On each list page, a filter already set, so that the counts have other filters to keep.
FILTERED = {
    "event": "country=ID",
    "agreement": "pillar=economic",
    "mission": "country=PH",
    "assistanceprogram": "year_from=1990",
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.model_name)
def test_each_options_count_is_what_choosing_it_lists(client, record, model, settings):
    settings.PAGE_CACHE_SECONDS = 0  # each request renders, and so has its context
    query = FILTERED[model._meta.model_name]
    response = client.get(list_url(model, query))
    counts = response.context["option_counts"]
    form = response.context["filter"].form
    assert counts, "no counts made"
    checked = 0
    for name, per_option in counts.items():
        for value, _label in form.fields[name].choices:
            given = parse_qs(query)
            given[name] = [str(value)]  # this option instead of the filter's own values, the others kept
            listed = client.get(list_url(model, "&".join(f"{k}={v}" for k, vs in given.items() for v in vs)))
            assert per_option.get(str(value), 0) == listed.context["paginator"].count, (name, value)
            checked += 1
    assert checked > 5
    # And the page shows them beside the checkboxes.
    page = response.content.decode()
    assert re.search(r'<label for="id_country_\d+">Indonesia <span class="option-count">\(\d+\)</span></label>', page)


@pytest.mark.django_db
def test_a_record_naming_a_country_twice_counts_once(client, record, settings):
    settings.PAGE_CACHE_SECONDS = 0
    # sample.build: each agreement names Indonesia as a party, and half of them as where it was adopted.
    counts = client.get(list_url(CONTENT_MODELS[1])).context["option_counts"]
    assert counts["country"]["ID"] == 4


@pytest.mark.django_db
def test_each_chip_removes_its_value_and_keeps_the_rest(client, record, settings):
    settings.PAGE_CACHE_SECONDS = 0
    query = "country=ID&country=PH&kind=dialogue&year_from=1980&q=trade&o=title&page=1"
    response = client.get(list_url(CONTENT_MODELS[0], query))
    chips = response.context["chips"]
    shown = [(chip["label"], chip["value"]) for chip in chips]
    assert sorted(shown) == [
        ("Country", "Indonesia"),
        ("Country", "Philippines"),
        ("From year", "1980"),
        ("Kind", "Dialogue"),
        ("Words", "trade"),
    ]
    given = parse_qs(query)
    for chip in chips:
        address = urlsplit(chip["url"])
        assert address.path == reverse("relations:event-list")
        kept = parse_qs(address.query)
        assert "page" not in kept and kept["o"] == ["title"]
        removed = {
            key: [v for v in values if v not in kept.get(key, [])] for key, values in given.items() if key != "page"
        }
        assert sum(len(values) for values in removed.values()) == 1, chip
        # Following it shows the other chips.
        after = client.get(chip["url"]).context["chips"]
        assert len(after) == len(chips) - 1
    page = response.content.decode()
    assert '<span class="visually-hidden">Remove the filter </span>Country: Indonesia' in page
    assert f'<a class="chip-clear" href="{reverse("relations:event-list")}">Clear all filters</a>' in page


@pytest.mark.django_db
def test_no_chips_without_filters_or_with_a_bad_value(client, record, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(list_url(CONTENT_MODELS[0], "o=title")).context["chips"] == []
    response = client.get(list_url(CONTENT_MODELS[0], "year_from=abc&country=ID"))
    assert response.status_code == 200
    assert response.context["chips"] == [] and response.context["option_counts"] == {}
    assert 'class="active-filters"' not in response.content.decode()


@pytest.mark.django_db
def test_french_chips_and_counts(client, record):
    with override("fr"):
        response = client.get(reverse("relations:mission-list") + "?status=open&country=ID")
    page = response.content.decode()
    assert "Retirer le filtre" in page
    assert re.search(r"Pays\u00a0: [^<]+<span", page)
    assert "Statut\u00a0: Ouverte" in page


@pytest.mark.django_db
def test_the_counts_take_one_query_whatever_the_filters(client, record, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FIGURES_CACHE_SECONDS = 0
    model = CONTENT_MODELS[0]

    def queries(query):
        with CaptureQueriesContext(connection) as captured:
            client.get(list_url(model, query))
        return [q["sql"] for q in captured.captured_queries]

    plain = queries("")
    filtered = queries(
        "country=ID&track=1&pillar=economic&kind=dialogue&organisation=asean-secretariat&source=gac-backgrounder"
    )
    counting = [sql for sql in filtered if "UNION ALL" in sql and "option_key" in sql]
    assert len(counting) == 1
    assert len([sql for sql in plain if "option_key" in sql]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.model_name)
@pytest.mark.parametrize("query", ["q=%FF%FE", "q=-1.5e308", "q=%00", "year_from=abc", "country=%00"])
def test_a_list_that_can_list_nothing_still_counts_and_charts(client, record, model, query):
    """A search left with no word, or an invalid filter, selects nothing: the counts and the charts
    (which key their cache on the query's SQL) must not fail on a query that has none (scripts/probe.py
    found these as 500s)."""
    response = client.get(list_url(model, query))
    assert response.status_code == 200, query

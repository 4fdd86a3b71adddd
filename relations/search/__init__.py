"""Search across the four content types, the same on PostgreSQL and SQLite.

`query.py` reads what was typed, `documents.py` says what of a record is searchable, `index.py`
keeps the index (relations.models.SearchEntry) in step, `engines.py` runs each database's own
full-text search over it. `find()` is what the search page asks; `matching_ids()` what a list
page's `?q=` filter asks.
"""

import difflib
from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, Value

from ..i18n import active_language, in_both_languages, localized
from ..models import CONTENT_MODELS, Country, Pillar, content_model
from . import engines
from .index import flush
from .query import fold, parse

PAGE_SIZE = 20
# Fewer results than this and a better-spelt query is looked for ("did you mean").
FEW = 3
# How alike a correction must be to the word typed (difflib's ratio, 0 to 1).
SIMILAR_ENOUGH = 0.75
# Words of a query that may be corrected.
MAX_CORRECTIONS = 3
#: The most matches a search ranks, counts and facets: the most recent this many. A word in one
#: record in six would otherwise have every search read a sixth of the index, several times over
#: (the count, the ranking, each facet) as the record grows; with the cap a search costs the same
#: at 1,000 records and at 1,000,000. Beyond it the page says so and offers the filters.
MAX_MATCHES = 500
#: The filters the results can be narrowed by, each a facet.
FACETS = ("type", "year", "country", "pillar")
BODY = in_both_languages("body")


@dataclass
class Results:
    query: object
    page: object = None
    count: int = 0
    #: More records match than MAX_MATCHES: `count` and the facets are of the most recent ones.
    capped: bool = False
    facets: dict = field(default_factory=dict)
    suggestion: str = ""
    #: Set when nothing matched what was typed and these are the suggestion's results.
    corrected: bool = False


def matching_ids(model, text):
    """The ids of `model`'s listed records that `text` finds (a subquery)."""
    flush()
    language = active_language()
    query = parse(text, language)
    entries = engines.matching(query, language) if query else engines.SearchEntry.objects.none()
    return entries.filter(record_type=model._meta.model_name).values("record_id")


def narrowed(entries, filters):
    """`entries` within the chosen type, year, country and pillar."""
    if filters.get("type"):
        entries = entries.filter(record_type=filters["type"])
    if filters.get("year"):
        entries = entries.filter(year=filters["year"])
    if filters.get("country"):
        entries = entries.filter(countries__code=filters["country"])
    if filters.get("pillar"):
        entries = entries.filter(pillars__slug=filters["pillar"])
    return entries


def bounded(entries):
    """The matches a search shows, counts and facets: all of `entries`, or their MAX_MATCHES most
    recent when there are more (read from an index in date order, not by sorting every match:
    migration 0010). Returns their ids, {(record type, year): how many} (the count, the type
    facet and the year facet), and whether there were more, from one query. Every later query is
    given these ids rather than a subquery that would find the matches again."""
    recent_first = entries.order_by(F("date").desc(nulls_last=True), "-id")
    rows = list(recent_first.values_list("pk", "record_type", "year")[: MAX_MATCHES + 1])
    shown = rows[:MAX_MATCHES]
    return (
        [pk for pk, _type, _year in shown],
        Counter((kind, year) for _pk, kind, year in shown),
        len(rows) > len(shown),
    )


def facet_counts(ids, counts):
    """The facets of the entries `ids`: {facet: [(key, label, how many)]}, most first. Types and
    years are counted from `counts` (from `bounded`); countries and pillars in one query, which
    reads the link tables for `ids` alone (by their index), not every entry's links."""
    types, years = Counter(), Counter()
    for (kind, year), n in counts.items():
        types[kind] += n
        if year is not None:
            years[year] += n
    ids = engines.listed_ids(ids)
    links = [
        model.objects.order_by()
        .filter(search_entries__in=ids)
        .values(facet=Value(facet), key=F(key), label=F(localized("name")))
        .annotate(n=Count("search_entries"))
        for facet, model, key in (("country", Country, "code"), ("pillar", Pillar, "slug"))
    ]
    linked = {"country": [], "pillar": []}
    for row in links[0].union(links[1], all=True).order_by("facet", "-n", "label"):
        linked[row["facet"]].append((row["key"], row["label"], row["n"]))
    return {
        "type": [
            (model._meta.model_name, model._meta.verbose_name_plural, types[model._meta.model_name])
            for model in CONTENT_MODELS
            if model._meta.model_name in types
        ],
        "year": [(year, str(year), n) for year, n in sorted(years.items(), reverse=True)],
        **linked,
    }


def suggestion_for(query, language):
    """The query with its unknown words replaced by the nearest words of the index, or ""."""
    words = [fold(word) for word in query.words() if len(word) >= 4 and not word.isdigit()]
    unknown = [word for word in dict.fromkeys(words) if word not in engines.known_terms(words, language)]
    corrections = {}
    for word in unknown[:MAX_CORRECTIONS]:
        candidates = engines.similar_terms(word, language)
        scored = [
            (difflib.SequenceMatcher(None, word, term).ratio(), -abs(len(term) - len(word)), term)
            for term in candidates
        ]
        best = max(scored, default=None)
        if best and best[0] >= SIMILAR_ENOUGH:
            corrections[word] = best[2]
    return query.replaced(corrections) if corrections else ""


def find(text, filters=None, page=1):
    """The records `text` finds, best first, a page at a time, with facets and a suggestion.

    A bounded number of queries, over a bounded number of matches (`bounded`), whatever the
    number of records: the matches' ids with their types and years (the count, the type and
    year facets), the page with its snippets (on SQLite the snippets are a query of their own:
    engines.snippets), one query per content type on the page, the country and pillar facets in
    one, and for a suggestion a few more (the words known, the similar words of each unknown one,
    the suggestion's matches).
    """
    flush()
    filters = filters or {}
    language = active_language()
    query = parse(text, language)
    results = Results(query=query)
    if not query:
        return results
    ids, counts, results.capped = bounded(narrowed(engines.matching(query, language), filters))
    results.count = len(ids)
    if results.count < FEW and (suggestion := suggestion_for(query, language)):
        suggested = parse(suggestion, language)
        suggested_matches = bounded(narrowed(engines.matching(suggested, language), filters))
        if len(suggested_matches[0]) > results.count:
            results.suggestion = suggestion
            if not results.count:
                query, (ids, counts, results.capped), results.corrected = suggested, suggested_matches, True
                results.count = len(ids)
    if not results.count:
        return results
    shown = engines.SearchEntry.objects.order_by().filter(pk__in=engines.listed_ids(ids))
    paginator = Paginator(engines.ranked(shown, query, language), PAGE_SIZE)
    paginator.count = results.count
    results.page = paginator.get_page(page)
    results.page.object_list = rows(list(results.page.object_list), query, language)
    results.facets = facet_counts(ids, counts)
    return results


def rows(entries, query, language):
    """What each result on the page shows: its record (with its date and place) and snippet."""
    snippets = engines.snippets(entries, query, language)
    by_type = {}
    for entry in entries:
        by_type.setdefault(entry.record_type, []).append(entry.record_id)
    records = {}
    for name, ids in by_type.items():
        model = content_model(name)
        # Not its body, which a result does not show (its snippet comes from the index).
        shown = model.objects.listed().filter(pk__in=ids).select_related(*model.list_related).defer(*BODY).order_by()
        for record in shown:
            records[name, record.pk] = record
    return [
        {"record": records[entry.record_type, entry.record_id], "snippet": snippets.get(entry.pk, "")}
        for entry in entries
        if (entry.record_type, entry.record_id) in records
    ]

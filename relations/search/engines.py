"""Each database's own full-text search over the index (relations.models.SearchEntry).

PostgreSQL: the entry's weighted `tsvector` per language (title A, summary B, names B, body C),
built by a trigger with the text search configurations `relations_en` and `relations_fr`
(English or French stemming, after `unaccent`), searched with `@@`, ranked with `ts_rank`,
quoted with `ts_headline`; misspelt words are compared with pg_trgm. SQLite: an FTS5 table of the
same columns (`unicode61 remove_diacritics 2` after the Porter stemmer), searched with MATCH,
ranked with `bm25()` weighted as PostgreSQL weighs, quoted with `snippet()`; misspelt words are
looked up in an FTS5 trigram table of the index's words. Migration 0008_search creates both.
"""

import json

from django.contrib.postgres.search import SearchHeadline, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import F, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from ..i18n import localized
from ..models import SearchEntry, SearchTerm
from .query import fts5_expression, tsquery

CONFIGS = {"en": "relations_en", "fr": "relations_fr"}
FTS_TABLE = "relations_searchentry_fts"
TERM_TABLE = "relations_searchterm_trigram"
COLUMNS = ("title", "summary", "names", "body")
# Weights of title, summary, names and body: PostgreSQL's A, B, B, C at its default 1.0, 0.4, 0.2.
BM25_WEIGHTS = {"title": 10.0, "summary": 4.0, "names": 4.0, "body": 2.0}
# What a snippet's highlighted words are marked with, before the page escapes the text: two
# control characters, which no stored text holds (relations.search.query.clean takes them out of
# queries; they are not typed in the admin's text fields).
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 30
# What a page of results reads of each entry; its record is loaded for the rest.
LISTED = ("id", "record_type", "record_id")


def postgres():
    return connection.vendor == "postgresql"


def fts_columns(language):
    return [localized(name, language) for name in COLUMNS]


def matching(query, language):
    """The entries matching `query` in `language`, unordered."""
    entries = SearchEntry.objects.order_by()
    if postgres():
        return entries.filter(**{localized("vector", language): tsquery(query, CONFIGS[language])})
    expression = fts5_expression(query, fts_columns(language))
    return entries.filter(id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]))


def listed_ids(ids):
    """`ids` (entry ids) as a subquery for an `__in` lookup, passed as one parameter: an array on
    PostgreSQL, JSON on SQLite. A thousand parameters would cost more to send than the query
    costs to run."""
    if postgres():
        # The array's text form, which psycopg sends as it is (a list it would adapt element by element).
        return RawSQL("SELECT unnest(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


def ranked(entries, query, language):
    """`entries` (from `matching`) best match first, then the most recent."""
    if postgres():
        rank = SearchRank(F(localized("vector", language)), tsquery(query, CONFIGS[language], excluding=False))
        # The snippet too (see `snippets`): PostgreSQL computes an expression this costly after the
        # sort and the LIMIT, for the page's entries alone.
        return (
            entries.only(*LISTED)
            .annotate(rank=rank, snippet=headline(query, language))
            .order_by("-rank", F("date").desc(nulls_last=True), "id")
        )
    expression = fts5_expression(query, fts_columns(language))
    weights = ", ".join(
        str(BM25_WEIGHTS[name] if column.endswith(f"_{language}") else 0.0)
        for column in all_fts_columns()
        for name in COLUMNS
        if column.startswith(name + "_")
    )
    # bm25() only runs where the FTS5 table is in the FROM clause, which only extra() adds.
    return entries.only(*LISTED).extra(
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = relations_searchentry.id", f"{FTS_TABLE} MATCH %s"],
        params=[expression],
        select={"rank": f"bm25({FTS_TABLE}, {weights})"},
        order_by=["rank", "-date", "id"],
    )


def all_fts_columns():
    return [localized(name, code) for code in ("en", "fr") for name in COLUMNS]


def snippets(entries, query, language):
    """{entry id: the passage of its summary or body that best shows the match, marked} for
    `entries`, a page of `ranked`. PostgreSQL gave them with the page; SQLite reads them now, as
    it would compute snippet() for every match before sorting them."""
    if postgres():
        return {entry.pk: entry.snippet for entry in entries}
    if not entries:
        return {}
    expression = fts5_expression(query, fts_columns(language))
    summary, body = (all_fts_columns().index(localized(name, language)) for name in ("summary", "body"))
    sql = (
        f"SELECT rowid, snippet({FTS_TABLE}, {summary}, %s, %s, ' … ', {SNIPPET_WORDS}),"
        f" snippet({FTS_TABLE}, {body}, %s, %s, ' … ', {SNIPPET_WORDS})"
        f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({', '.join(['%s'] * len(entries))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [MARK_START, MARK_END, MARK_START, MARK_END, expression, *(entry.pk for entry in entries)])
        rows = cursor.fetchall()
    # The summary's passage when the match is there, else the body's.
    return {pk: first if MARK_START in first or MARK_START not in second else second for pk, first, second in rows}


def headline(query, language):
    """PostgreSQL's passage of an entry's summary and body that best shows `query`, marked."""
    text = Concat(localized("summary", language), Value("\n"), localized("body", language), output_field=TextField())
    return SearchHeadline(
        text,
        tsquery(query, CONFIGS[language]),
        config=CONFIGS[language],
        start_sel=MARK_START,
        stop_sel=MARK_END,
        max_words=SNIPPET_WORDS,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def similar_terms(word, language, limit=20):
    """Words of the index in `language` that share the most trigrams with `word` (folded)."""
    terms = SearchTerm.objects.filter(language=language)
    if postgres():
        return list(
            # pg_trgm's similarity operator, which its trigram index serves.
            terms.extra(where=["relations_searchterm.term %% %s"], params=[word])
            .annotate(similarity=TrigramSimilarity("term", word))
            .order_by("-similarity", "term")
            .values_list("term", flat=True)[:limit]
        )
    trigrams = {word[i : i + 3] for i in range(len(word) - 2)}
    if not trigrams:
        return []
    expression = " OR ".join(f'"{trigram}"' for trigram in sorted(trigrams))
    return list(
        terms.extra(
            tables=[TERM_TABLE],
            where=[f"{TERM_TABLE}.rowid = relations_searchterm.id", f"{TERM_TABLE} MATCH %s"],
            params=[expression],
            order_by=[f"{TERM_TABLE}.rank", "term"],
        ).values_list("term", flat=True)[:limit]
    )


def known_terms(words, language):
    return set(SearchTerm.objects.filter(language=language, term__in=words).values_list("term", flat=True))

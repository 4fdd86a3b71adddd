"""The public site's benchmark (`manage.py benchmark site`): the synthetic records and the pages measured.

`fill()` grows a database to a number of events, with the other content types in proportion
(`data.CONTENT_TYPES`), each record with its links, a citation and a history entry, in bulk.
`pages()` is the one list of what is measured: every public page type, lists unfiltered, filtered
and on their last page.
"""

from django.db import connection
from django.urls import reverse
from django.utils.translation import override

from relations.cache import bump
from relations.models import Citation
from relations.search.index import rebuild

from . import data

BATCH = 2000
# The floor page: a trivial view (no query, a few lines of text) through the full middleware stack.
# A page's p95 divided by the floor's, in the same run, says what the page itself costs.
FLOOR_URL = "/robots.txt"
SEARCH_WORDS = {"en": "trade", "fr": "commerce"}


def fill(events):
    """Grow the database to `events` events and the other types in proportion."""
    refs = data.References.load()
    for kind in data.CONTENT_TYPES:
        model, target = kind.model, data.count(kind, events)
        for first in range(model.objects.count(), target, BATCH):
            numbers = range(first, min(first + BATCH, target))
            records, links = zip(*(kind.build(n, refs) for n in numbers), strict=True)
            records = model.objects.bulk_create(records)
            model.history.bulk_history_create(records, default_change_reason="Benchmark")
            for field in links[0]:
                m2m = model._meta.get_field(field)
                through = m2m.remote_field.through
                # Not `target`: that is how many records the loop is making.
                source, linked = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
                through.objects.bulk_create(
                    through(**{source: record.pk, linked: reference.pk})
                    for record, record_links in zip(records, links, strict=True)
                    for reference in record_links[field]
                )
            Citation.objects.bulk_create(
                Citation(
                    **{kind.name: record},
                    source=refs.sources[n % 2],
                    locator=f"Section {n}",
                    quote="A verbatim passage.",
                )
                for n, record in zip(numbers, records, strict=True)
            )
    # Bulk writes send no signal: the search index is built once, as `rebuild_search_index` does,
    # and a new cache generation starts, as the import and loadcontent start one.
    rebuild()
    bump()
    if connection.vendor == "postgresql":
        # As autovacuum would have done on a live database: statistics, and the visibility map
        # that lets an index-only scan skip the table.
        tables = sorted(connection.introspection.django_table_names(only_existing=True))
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def sample(kind, events):
    """A published record in the middle of its table."""
    middle = data.count(kind, events) // 2
    return (
        kind.model.objects.listed()
        .filter(slug__startswith=f"{kind.name}-")
        .order_by("pk")[middle // 2 : middle // 2 + 1]
        .get()
    )


def pages(events):
    """The pages measured, as (label, URL): the one list, kept here. English pages, then French ones."""
    with override("en"):
        result = english_pages(events)
    # French pages: the filtered list in French order (its own index) and a search with French stemming.
    with override("fr"):
        result += [
            ("event list, filtered, French", f"{reverse('relations:event-list')}?{data.EVENTS.list_filter}"),
            ("search, French", f"{reverse('relations:search')}?q={SEARCH_WORDS['fr']}"),
        ]
    return result


def english_pages(events):
    result = [("home", reverse("relations:home"))]
    for kind in data.CONTENT_TYPES:
        url = reverse(f"relations:{kind.name}-list")
        result += [
            (f"{kind.name} list", url),
            (f"{kind.name} list, filtered", f"{url}?{kind.list_filter}"),
            (f"{kind.name} list, last page", f"{url}?page=last"),
        ]
    result += [(f"{kind.name} detail", sample(kind, events).get_absolute_url()) for kind in data.CONTENT_TYPES]
    result += [
        ("search", f"{reverse('relations:search')}?q={SEARCH_WORDS['en']}"),
        ("timeline", reverse("relations:timeline")),
        ("country", reverse("relations:country-detail", kwargs={"code": "id"})),
        ("countries", reverse("relations:country-list")),
    ]
    return result


def downloads():
    """The files measured by `benchmark downloads`: the whole events list as CSV, JSON and calendar."""
    with override("en"):
        return [
            ("events CSV", reverse("relations:event-download", kwargs={"fmt": "csv"})),
            ("events JSON", reverse("relations:event-download", kwargs={"fmt": "json"})),
            ("events calendar (.ics)", reverse("relations:event-calendar")),
        ]

"""Keeping the search index in step with the records.

An explicit indexing step rather than database triggers: an entry reads a record's related rows
(countries and their other names, organisations, heads of mission, citations), which a trigger on
the record's table would not see change. So:

- every save, delete and change of links of a record, a citation, a head of mission, or of the
  reference data a record names marks the records concerned (relations.signals), and the marked
  records are indexed once, when the transaction commits, or earlier if a search runs in the same
  transaction first (`flush`);
- writes that send no signals index what they wrote themselves: `loadcontent`, the import
  (`index_records`), the benchmark's bulk load (`rebuild`);
- `manage.py rebuild_search_index` rebuilds it all.

Only listed records have an entry: a record that is unpublished, archived or deleted loses it.
"""

import threading
from collections import defaultdict

from django.db import transaction
from django.db.models import Q

from ..i18n import LANGUAGE_CODES, localized
from ..models import (
    CITED_FIELDS,
    CONTENT_MODELS,
    Citation,
    Country,
    HeadOfMission,
    Organisation,
    Pillar,
    SearchEntry,
    SearchTerm,
    Track,
    content_model,
)
from ..workflow import PublicationStatus
from .documents import entry_fields, loading
from .query import WORD, fold

BATCH = 500
# Words shorter than this are never offered as a correction.
MIN_TERM_LENGTH = 4

_pending = threading.local()


def pending():
    if not hasattr(_pending, "records"):
        _pending.records = defaultdict(set)
    return _pending.records


def mark(model_name, pks):
    """Index the records `pks` of `model_name` on commit (or before the next search)."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    pending()[model_name].update(pks)
    transaction.on_commit(flush, robust=True)


def mark_changed(instance, raw=False):
    """Mark the records whose entry reads `instance` (a record, a citation, a head of mission, or
    reference data a record names). A raw save (a fixture) of reference data comes before the
    records that name it, which are marked when they arrive."""
    model = type(instance)
    if model in CONTENT_MODELS:
        mark(model._meta.model_name, [instance.pk])
    elif model is Citation:
        for name in CITED_FIELDS:
            mark(name, [getattr(instance, f"{name}_id")])
    elif model is HeadOfMission:
        mark("mission", [instance.mission_id])
    elif model in (Country, Organisation, Pillar, Track) and not raw and instance.pk is not None:
        for content in CONTENT_MODELS:
            mark(content._meta.model_name, naming(content, instance))


def naming(model, reference):
    """The ids of `model`'s records that name `reference` (a country, organisation, …)."""
    lookups = [
        field.name
        for field in model._meta.get_fields()
        if getattr(field, "related_model", None) is type(reference) and (field.many_to_many or field.many_to_one)
    ]
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: reference.pk})
    return model._default_manager.filter(condition).values_list("pk", flat=True).distinct() if lookups else []


def flush():
    """Index the marked records now."""
    records = pending()
    while records:
        model_name, pks = records.popitem()
        index_records(content_model(model_name), pks)


def index_records(model, pks):
    """Write (or remove) the entries of `model`'s records `pks`, as they are in the database now."""
    pks = list(pks)
    for first in range(0, len(pks), BATCH):
        batch = pks[first : first + BATCH]
        records = loading(model).filter(pk__in=batch, publication_status=PublicationStatus.PUBLISHED)
        with transaction.atomic():
            SearchEntry.objects.filter(record_type=model._meta.model_name, record_id__in=batch).delete()
            write(records)


def write(records):
    """Create the entries of `records` (none of which has one), their links and their new words."""
    built = [entry_fields(record) for record in records]
    if not built:
        return
    entries = SearchEntry.objects.bulk_create(SearchEntry(**fields) for fields, _c, _p in built)
    for name in ("countries", "pillars"):
        through = getattr(SearchEntry, name).through
        column = f"{getattr(SearchEntry, name).field.m2m_reverse_field_name()}_id"
        through.objects.bulk_create(
            through(searchentry_id=entry.pk, **{column: row.pk})
            for entry, (_fields, countries, pillars) in zip(entries, built, strict=True)
            for row in (countries if name == "countries" else pillars)
        )
    terms = set()
    for code in LANGUAGE_CODES:
        # Each distinct word once: folding is the costly part, and records repeat their words.
        words = set()
        for fields, _countries, _pillars in built:
            for name in ("title", "summary", "names", "body"):
                words.update(WORD.findall(fields[localized(name, code)]))
        terms.update(
            (code, folded)
            for folded in map(fold, words)
            if MIN_TERM_LENGTH <= len(folded) <= 100 and not folded.isdigit()
        )
    SearchTerm.objects.bulk_create(
        (SearchTerm(language=code, term=term) for code, term in sorted(terms)), ignore_conflicts=True, batch_size=BATCH
    )


def rebuild(stdout=None):
    """Every listed record's entry anew, and the words anew. Returns the number of entries."""
    total = 0
    with transaction.atomic():
        # Plain DELETEs, without Django collecting every entry's links first: nothing else points
        # to these tables (the database's triggers still empty SQLite's FTS5 tables row by row).
        for model in (SearchEntry.countries.through, SearchEntry.pillars.through, SearchEntry, SearchTerm):
            model.objects.all()._raw_delete(model.objects.db)
        for model in CONTENT_MODELS:
            ids = list(model.objects.listed().order_by("pk").values_list("pk", flat=True))
            for first in range(0, len(ids), BATCH):
                write(loading(model).filter(pk__in=ids[first : first + BATCH]))
            total += len(ids)
            if stdout:
                stdout.write(f"{model._meta.verbose_name_plural}: {len(ids)}")
    pending().clear()
    return total

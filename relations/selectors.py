"""Query shaping shared by the pages, the API, feeds, sitemaps and downloads.

Every function here reads what a content type declares about itself on its model (relations.models:
`date_field`, `list_related`, `detail_select`, `reference_lookups`, …), so a new content type needs
no entry here. Nothing here renders: the views, the API and the feeds present what these return.
"""

import datetime

from django.db import connection, models
from django.db.models import CharField, Count, DateField, F, IntegerField, Prefetch, Q, Value
from django.db.models.functions import Cast, ExtractYear

from .i18n import localized, localized_ordering
from .models import CONTENT_MODELS, Citation, Claim, Discrepancy, content_model

# ---------------------------------------------------------------------------------------------
# Lists and detail pages
# ---------------------------------------------------------------------------------------------


def list_records(model):
    """The published records a list page (or the API's list, a download, a feed) starts from, with
    what each row shows, in the model's order with titles in the page's language."""
    records = model.objects.listed().select_related(*model.list_related)
    return records.order_by(*localized_ordering(model), "pk")


def related_queryset(model, name):
    """What a record's relation `name` shows the public: of other content, only listed records."""
    field = model._meta.get_field(name)
    queryset = field.related_model._default_manager.all()
    return queryset.listed() if field.related_model in CONTENT_MODELS else queryset


def cited_passages():
    """A record's citations with their sources and the discrepancies recorded on them (each with
    its claims and their sources): what the Sources section, the API and the downloads show."""
    claims = Prefetch("claims", queryset=Claim.objects.select_related("citation__source"))
    discrepancies = Prefetch("discrepancies", queryset=Discrepancy.objects.prefetch_related(claims))
    return Citation.objects.select_related("source").prefetch_related(discrepancies)


def with_related(records):
    """Records with everything their detail page (or API representation) shows, in a fixed number
    of queries whatever their number: related rows, citations and the "Date modified"."""
    model = records.model
    published_related = [Prefetch(name, queryset=related_queryset(model, name)) for name in model.detail_prefetch]
    citations = Prefetch("citations", queryset=cited_passages())
    return (
        records.with_date_modified()
        .select_related(*model.detail_select)
        .prefetch_related(*published_related, citations)
    )


def reference_queryset(model):
    """All of a kind of reference data, with what its API representation shows."""
    return model._default_manager.select_related(*getattr(model, "list_related", ()))


# ---------------------------------------------------------------------------------------------
# Records that name a piece of reference data
# ---------------------------------------------------------------------------------------------


def matching(queryset, lookups, values):
    """Records whose relation named by any of `lookups` is one of `values`, without duplicates.

    A lookup along foreign keys only (an event's country) is a plain condition on the table, which
    its index serves; one through a many-to-many or reverse relation (a pillar, a source) goes
    through a `pk__in` subquery, so a record matching several values is still listed once.
    """
    if not values:
        return queryset
    model = queryset.model
    condition = Q()
    for lookup in lookups:
        if is_multi_valued(model, lookup):
            condition |= Q(pk__in=linked_ids(model, lookup, values))
        else:
            condition |= Q(**{f"{lookup}__in": values})
    return queryset.filter(condition)


def linked_ids(model, lookup, values):
    """The ids of the `model` records linked to one of `values` through a multi-valued `lookup`,
    read from the link table itself (a many-to-many's, or the related model's for a reverse
    foreign key) rather than from a join back to the records' own, wide table."""
    first, _, rest = lookup.partition("__")
    field = model._meta.get_field(first)
    if field.many_to_many and not field.auto_created:  # a forward many-to-many: its link table
        links = field.remote_field.through._default_manager
        target = "__".join(filter(None, [field.m2m_reverse_field_name(), rest]))
        return links.filter(**{f"{target}__in": values}).values(field.m2m_field_name())
    if field.one_to_many:  # a reverse foreign key (a record's citations)
        target = "__".join(filter(None, [rest])) or "pk"
        return field.related_model._default_manager.filter(**{f"{target}__in": values}).values(field.field.name)
    return model._default_manager.filter(**{f"{lookup}__in": values}).values("pk")


def is_multi_valued(model, lookup):
    """Whether a lookup path (`country`, `citations__source`) can match a record more than once."""
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
    return False


def filter_name(reference_model):
    """The list filter (and the key in `reference_lookups`) that selects records by this reference."""
    return reference_model._meta.model_name


def naming_models(reference_model):
    """The content types that can name a kind of reference data, in the site's order."""
    return [model for model in CONTENT_MODELS if filter_name(reference_model) in model.reference_lookups]


def records_naming(model, reference):
    """The listed `model` records that name `reference`, as the list page's filter selects them (a
    record naming it twice, as its place and as a party, is listed once)."""
    return matching(model.objects.listed(), model.reference_lookups[filter_name(type(reference))], [reference])


# ---------------------------------------------------------------------------------------------
# Dates and years
# ---------------------------------------------------------------------------------------------


def dated_by_year(model):
    """Whether a content type's date is a year (an integer field) rather than a date."""
    return not isinstance(model._meta.get_field(model.date_field), models.DateField)


def in_years(model, first=None, last=None):
    """The condition that a record's date falls in the years `first` to `last` (either may be None).

    Compared as dates rather than with __year, so the index on the date serves the range."""
    field = model.date_field
    condition = Q()
    if first is not None:
        condition &= Q(**{f"{field}__gte": first if dated_by_year(model) else datetime.date(first, 1, 1)})
    if last is not None:
        condition &= Q(**{f"{field}__lte": last if dated_by_year(model) else datetime.date(last, 12, 31)})
    return condition


def year_of(record):
    """The year a record is placed in."""
    value = getattr(record, record.date_field)
    return value if isinstance(value, int) else value.year


def counts_by_decade(decades):
    """How many records of each type are listed, and how many of them in each decade (the first
    decade also counts anything earlier): one query a type, which reads the type's listed index
    rather than its table."""
    totals, counts = {}, {}
    for model in CONTENT_MODELS:
        buckets = {f"d{decade}": in_years(model, decade, decade + 9) for decade in decades}
        buckets[f"d{decades[0]}"] = in_years(model, 1, decades[0] + 9)
        row = model.objects.listed().aggregate(
            total=Count("pk"), **{name: Count("pk", filter=condition) for name, condition in buckets.items()}
        )
        totals[model] = row.pop("total")
        for name, n in row.items():
            counts[int(name[1:])] = counts.get(int(name[1:]), 0) + n
    return totals, counts


# ---------------------------------------------------------------------------------------------
# The timeline: the four types in one query
# ---------------------------------------------------------------------------------------------

# What a timeline entry shows, as the columns of the combined query (one type each, shared by all
# types: see timeline_rows) with their types.
TIMELINE_COLUMNS = {
    "t_title": CharField(),
    "t_slug": CharField(),
    "t_date": DateField(),
    "t_end_date": DateField(),
    "t_precision": CharField(),
    "t_start_year": IntegerField(),
    "t_end_year": IntegerField(),
}


def timeline_fields(model):
    """The field each timeline column holds for `model` (the title in the page's language)."""
    dates = (
        {"t_start_year": model.date_field, "t_end_year": model.end_date_field}
        if dated_by_year(model)
        else {"t_date": model.date_field, "t_end_date": model.end_date_field, "t_precision": model.date_precision_field}
    )
    return {"t_title": localized("title"), "t_slug": "slug", **{k: v for k, v in dates.items() if v}}


def timeline_rows(model, data, dated=True):
    """One content type's part of the timeline: its dated, listed records that the filters keep,
    as rows of the columns every type shares, unordered. None if the filters leave the type out
    (a track chosen, and the type has no track; a pillar, and it has no pillar). With `dated`
    false, the records with no date too (their `t_year` is null), unless years are chosen."""
    if model._meta.model_name not in set(data.get("type") or [m._meta.model_name for m in CONTENT_MODELS]):
        return None
    records = model.objects.listed()
    if dated:
        records = records.filter(**{f"{model.date_field}__isnull": False})
    for name in ("track", "pillar"):
        if data.get(name):
            if name not in model.reference_lookups:
                return None
            records = matching(records, model.reference_lookups[name], data[name])
    records = records.filter(in_years(model, data.get("year_from"), data.get("year_to")))
    # Every column an annotation, named and typed alike in each type, so that the types combine.
    fields = timeline_fields(model)
    columns = {"t_type": Value(model._meta.model_name), "t_pk": F("pk")}
    for column, output_field in TIMELINE_COLUMNS.items():
        # A typed NULL: PostgreSQL cannot combine an untyped one with another type's column.
        columns[column] = F(fields[column]) if column in fields else Cast(Value(None), output_field=output_field)
    year = F(model.date_field) if dated_by_year(model) else ExtractYear(model.date_field)
    columns["t_year"] = Cast(year, IntegerField())
    return records.annotate(**columns).values(*columns).order_by()


def timeline_page(data, offset, size):
    """Up to `size` + 1 timeline entries from `offset`, in date order, as unsaved records (enough
    for their date, title and address) with their type and year. One query, whatever the number
    of records: each type's first rows in date order (from its date index), combined and ordered."""
    parts = [rows for model in CONTENT_MODELS if (rows := timeline_rows(model, data)) is not None]
    if not parts:
        return []
    if len(parts) > 1:
        # No type can place more rows on this page than its first offset + size + 1, ordered as
        # the whole timeline is.
        parts = [rows.order_by(rows.model.date_field, localized("title"), "pk")[: offset + size + 1] for rows in parts]
        if not connection.features.supports_slicing_ordering_in_compound:
            # SQLite cannot limit the parts of a UNION (it would read every listed record): one
            # query a type, each its first rows from its date index, merged here in the same order
            # (SQLite compares text as Python does, by code point).
            rows = sorted((row for part in parts for row in part), key=timeline_order)
            return [timeline_entry(row) for row in rows[offset : offset + size + 1]]
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    # By year, then by date within it (a program, known to the year, comes first in its year).
    order = ["t_year", F("t_date").asc(nulls_first=True), "t_title", "t_type", "t_pk"]
    return [timeline_entry(row) for row in combined.order_by(*order)[offset : offset + size + 1]]


def timeline_order(row):
    """The timeline's order (timeline_page's ORDER BY) as a sort key of a row."""
    return (
        row["t_year"],
        row["t_date"] is not None,
        row["t_date"] or datetime.date.min,
        row["t_title"],
        row["t_type"],
        row["t_pk"],
    )


def timeline_entry(row):
    model = content_model(row["t_type"])
    fields = timeline_fields(model)
    record = model(pk=row["t_pk"], **{field: row[column] for column, field in fields.items()})
    return {"record": record, "type": model._meta.verbose_name, "year": row["t_year"]}

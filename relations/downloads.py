"""Public downloads: what a public list page shows, as CSV or JSON.

The list views pass their filtered queryset of public records; the file holds exactly those
records. The CSV has the columns staff import and export with (less the staff-only ones, and naming
of other content only what the public may see listed: `public=True`), so that it can be read beside
an export, and after them what a reader needs to open and cite it without the codes' tables: each
record's address in both languages, the names of the countries, organisations, tracks and pillars
its codes stand for, in both languages, and the sources its citations come from. The JSON is what
the API gives for the same records (relations.serializers): a list of the API's representations,
with their links, labels and citations.

The file is written as it is sent, a chunk of records at a time: memory stays the same whatever
the number of rows, and nothing holds the whole file (neither this process nor the page cache,
which never stores downloads). Each chunk reads its related rows with one query per relation
(`ChunkRelations`: the links' pairs of ids, and only the related rows not read for an earlier
chunk), not with `prefetch_related`, which builds a related manager per row and relation; and each
related object's cells or representation are made once per file. How many rows a file may hold and
how often a client may ask: relations.limits.
"""

import csv
import json
from itertools import islice

from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import override
from import_export.widgets import ManyToManyWidget
from rest_framework import serializers

from .formats import CSV, JSON, neutralise
from .i18n import LANGUAGE_CODES, written_in_active_language
from .importing.columns import SEPARATOR
from .licence import add_licence_link
from .models import REFERENCE_MODELS, Citation, Claim, Discrepancy, corroboration_of
from .resources import STAFF_ONLY, discrepancies_cell, file_stem, resource_for
from .selectors import related_queryset
from .serializers import ChoiceLabelField, CitationSerializer, serializer_for

DOWNLOAD_FORMATS = {"csv": CSV, "json": JSON}
# Records written into one chunk of the response: few large writes (and queries) rather than one per row.
ROWS_PER_CHUNK = 500
NAMES_SEPARATOR = "; "


class Echo:
    """A file-like object whose write() hands back what it is given: csv.writer's rows as strings."""

    def write(self, value):
        return value


def in_chunks(queryset):
    """The queryset's records, a list of ROWS_PER_CHUNK at a time."""
    records = queryset.iterator(chunk_size=ROWS_PER_CHUNK)
    while chunk := list(islice(records, ROWS_PER_CHUNK)):
        yield chunk


class ChunkRelations:
    """The related rows of a chunk of records, read with one query per relation: what a download
    writes instead of what `prefetch_related` gives (a related manager per row and relation).

    `load(chunk)` reads, for each relation named, the pairs (record, related) in the related
    model's order (as `prefetch_related` would give them: of other content, only listed records,
    selectors.related_queryset), then only the related rows not read for an earlier chunk: reference
    data is read once per file. Parts of a record (citations, heads of mission, a later agreement)
    are read whole. `of(record, name)` is then the list `record.<name>.all()` would be; `citations`
    come with their sources and each citation's discrepancies (`discrepancies_of(citation)`), with
    their claims and those claims' sources.
    """

    def __init__(self, model, names, citations=True):
        self.model, self.names, self.citations = model, list(names), citations
        self.known = {}  # {related model: {pk: instance}}, kept from chunk to chunk
        self.related = {}  # {name: {record pk: [related]}}, for the current chunk
        self.discrepancies = {}  # {citation pk: [discrepancies]}, for the current chunk

    def load(self, records):
        ids = [record.pk for record in records]
        # Reference data is kept from chunk to chunk (there is little of it); other content is not,
        # so that memory does not grow with the file.
        self.known = {model: known for model, known in self.known.items() if model in REFERENCE_MODELS}
        self.related = {name: self.read(name, ids) for name in self.names}
        if self.citations:
            self.related["citations"] = self.read_parts(
                Citation.objects.select_related("source"), self.model._meta.get_field("citations"), ids
            )
            self.discrepancies = self.read_discrepancies(
                [citation.pk for citations in self.related["citations"].values() for citation in citations]
            )
        return records

    def of(self, record, name):
        return self.related[name].get(record.pk, [])

    def discrepancies_of(self, citation):
        return self.discrepancies.get(citation.pk, [])

    def record_discrepancies(self, record):
        """What `record.discrepancies` would be."""
        return [d for citation in self.of(record, "citations") for d in self.discrepancies_of(citation)]

    def read(self, name, ids):
        field = self.model._meta.get_field(name)
        related = related_queryset(self.model, name)
        if field.one_to_many:  # parts of the record: heads of mission, the agreements superseding it
            return self.read_parts(related, field, ids)
        # A many-to-many, either way: from the related model, the name that leads back to the record.
        back = field.field.name if field.auto_created else field.related_query_name()
        pairs = list(related.filter(**{f"{back}__in": ids}).values_list(back, "pk"))
        known = self.known.setdefault(field.related_model, {})
        if missing := {pk for _record, pk in pairs if pk not in known}:
            known.update(field.related_model._base_manager.in_bulk(missing))
        by_record = {}
        for record, pk in pairs:
            by_record.setdefault(record, []).append(known[pk])
        return by_record

    @staticmethod
    def read_parts(queryset, field, ids):
        """The rows of a reverse foreign key (`field`, a relation of the record) for the records
        `ids`, in their model's order, by record."""
        by_record = {}
        attname = field.field.attname
        for part in queryset.filter(**{f"{field.field.name}__in": ids}):
            by_record.setdefault(getattr(part, attname), []).append(part)
        return by_record

    @staticmethod
    def read_discrepancies(citation_ids):
        """The discrepancies recorded on these citations, with their claims (few: only rows that
        have some cost a query, and the claims are prefetched on those only)."""
        by_citation = {}
        if not citation_ids:
            return by_citation
        claims = Prefetch("claims", queryset=Claim.objects.select_related("citation__source"))
        discrepancies = Discrepancy.objects.filter(citation__in=citation_ids).select_related("citation__source")
        for discrepancy in discrepancies.prefetch_related(claims):
            by_citation.setdefault(discrepancy.citation_id, []).append(discrepancy)
        return by_citation


def reference_fields(model):
    """The record's foreign keys and many-to-many fields to reference data (country, pillars, …),
    but for sources, which the citations name."""
    return [
        field
        for field in model._meta.get_fields()
        if (field.many_to_one or field.many_to_many)
        and field.concrete
        and field.related_model in REFERENCE_MODELS
        and field.name != "source"
    ]


def named_headers(fields):
    """The CSV's columns after the resource's: addresses, reference data's names, sources."""
    return [
        *(f"url_{code}" for code in LANGUAGE_CODES),
        *(f"{field.name}_names_{code}" for field in fields for code in LANGUAGE_CODES),
        "sources",
    ]


class CsvRows:
    """The CSV's rows, from a chunk's `ChunkRelations` and plain values: the resource's columns
    (`resource.export_field`, but for many-to-many ones and the evidence, read from the chunk's
    relations), then `named_headers`'s."""

    def __init__(self, queryset, request):
        model = queryset.model
        self.resource = resource_for(model)(public=True)
        self.public_fields = [name for name in self.resource.fields if name not in STAFF_ONLY]
        self.columns = self.resource.get_export_fields(self.public_fields)  # once, not once a row
        self.fields = reference_fields(model)
        many = [column.attribute for column in self.columns if isinstance(column.widget, ManyToManyWidget)]
        names = dict.fromkeys([*many, *(field.name for field in self.fields if field.many_to_many)])
        self.relations = ChunkRelations(model, names)
        self.request = request
        self.cells = {}  # {(field, pk): cell}: each related object's cell made once per file
        # The records with their foreign keys; their other relations come from `self.relations`.
        foreign = [field.name for field in self.fields if field.many_to_one]
        self.records = queryset.select_related(*self.resource_foreign_keys(), *foreign).prefetch_related(None)

    def resource_foreign_keys(self):
        return [column.attribute for column in self.resource.columns() if column.related and not column.many]

    def headers(self):
        return [*self.resource.get_export_headers(self.public_fields), *named_headers(self.fields)]

    def chunks(self):
        for chunk in in_chunks(self.records):
            self.relations.load(chunk)
            yield [self.row(record) for record in chunk]

    def row(self, record):
        return [*(self.cell(column, record) for column in self.columns), *self.named_values(record)]

    def cell(self, column, record):
        if isinstance(column.widget, ManyToManyWidget):  # as NaturalKeysWidget.render
            key = column.widget.field
            related = self.relations.of(record, column.attribute)
            return f"{SEPARATOR} ".join(sorted(str(getattr(item, key)) for item in related))
        if column.column_name == "corroboration":
            return str(corroboration_of(self.relations.of(record, "citations")))
        if column.column_name == "discrepancies":
            return discrepancies_cell(self.relations.record_discrepancies(record))
        return self.resource.export_field(column, record)

    def named_values(self, record):
        """One record's values for `named_headers(fields)`, in its order."""
        values = []
        for code in LANGUAGE_CODES:
            with override(code):
                url = record.get_absolute_url()
            values.append(self.request.build_absolute_uri(url) if self.request else url)
        for field in self.fields:
            related = self.relations.of(record, field.name) if field.many_to_many else [getattr(record, field.name)]
            for code in LANGUAGE_CODES:
                values.append(
                    NAMES_SEPARATOR.join(getattr(item, f"name_{code}") for item in related if item is not None)
                )
        sources = dict.fromkeys(citation.source.title for citation in self.relations.of(record, "citations"))
        values.append(NAMES_SEPARATOR.join(sources))
        return values


def csv_chunks(queryset, request):
    """CSV as Excel reads it (a byte-order mark first), each text cell neutralised (relations.formats)."""
    rows = CsvRows(queryset, request)
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(rows.headers())
    for chunk in rows.chunks():
        yield "".join(writer.writerow([neutralise(cell) for cell in row]) for row in chunk)


# ---------------------------------------------------------------------------------------------
# JSON: the API's representations, their relations read from the chunk's ChunkRelations
# ---------------------------------------------------------------------------------------------


class Represented(serializers.Field):
    """A relation of the record, as the API's `serializer_class` represents each related object,
    read from the chunk's relations (`read(relations, record)`; the serializer's context holds
    `relations`, a ChunkRelations); `many`: a list, else a foreign key loaded with the record (or
    None). One serializer of the class does every object (DRF builds a serializer's fields each time
    one is made), and reference data (a country, a pillar) is represented once per file."""

    def __init__(self, name, serializer_class, many, read=None):
        self.name, self.serializer_class, self.many = name, serializer_class, many
        self.read = read or (lambda relations, record: relations.of(record, name))
        super().__init__(source="*", read_only=True)

    def to_representation(self, record):
        if self.many:
            return [self.represent(item) for item in self.read(self.context["relations"], record)]
        item = getattr(record, self.name)
        return None if item is None else self.represent(item)

    def represent(self, item):
        if type(item) not in REFERENCE_MODELS:
            return self.serializer().to_representation(item)
        key = (self.serializer_class, item.pk)
        represented = self.context["represented"]
        if key not in represented:
            represented[key] = self.serializer().to_representation(item)
        return represented[key]

    def serializer(self):
        serializers = self.context["serializers"]
        if self.serializer_class not in serializers:
            serializers[self.serializer_class] = self.serializer_class(context=self.context)
        return serializers[self.serializer_class]


class ChoiceLabel(ChoiceLabelField):
    """A code's labels in each language, as the API gives them, made once per code and file."""

    def to_representation(self, value):
        key = (type(value), self.choice_field, getattr(value, self.choice_field))
        labels = self.context["represented"]
        if key not in labels:
            labels[key] = super().to_representation(value)
        return labels[key]


class Corroborated(serializers.Field):
    """A record's corroboration, from the chunk's citations."""

    def __init__(self):
        super().__init__(source="*", read_only=True)

    def to_representation(self, record):
        return str(corroboration_of(self.context["relations"].of(record, "citations")))


def download_serializer(base):
    """The API's serializer `base`, its relations (nested serializers) read from a chunk's
    ChunkRelations and its codes' labels made once: the same representation, field for field."""
    fields = {"corroboration": Corroborated()} if "corroboration" in base._declared_fields else {}
    for name, declared in base._declared_fields.items():
        if name == "citations":
            fields[name] = Represented(name, DOWNLOAD_CITATION, many=True)
        elif name == "discrepancies" and base is CitationSerializer:
            read = lambda relations, citation: relations.discrepancies_of(citation)  # noqa: E731
            fields[name] = Represented(name, type(declared.child), many=True, read=read)
        elif isinstance(declared, serializers.ListSerializer):
            fields[name] = Represented(name, type(declared.child), many=True)
        elif isinstance(declared, serializers.BaseSerializer):
            fields[name] = Represented(name, type(declared), many=False)
        elif isinstance(declared, ChoiceLabelField):
            fields[name] = ChoiceLabel(declared.choice_field)
    return type(f"Download{base.__name__}", (base,), fields)


#: A citation as the API gives it, its discrepancies from the chunk's relations.
DOWNLOAD_CITATION = download_serializer(CitationSerializer)


def json_chunks(queryset, request):
    """A JSON array of the API's representations of the records, one line per record."""
    model = queryset.model
    serializer_class = download_serializer(serializer_for(model))
    relations = ChunkRelations(model, model.detail_prefetch)
    context = {"request": request, "relations": relations, "represented": {}, "serializers": {}}
    records = queryset.with_date_modified().select_related(*model.detail_select).prefetch_related(None)
    separator = "[\n"
    for chunk in in_chunks(records):
        relations.load(chunk)
        data = serializer_class(chunk, many=True, context=context).data
        yield separator + ",\n".join(json.dumps(item, ensure_ascii=False) for item in data)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


WRITERS = {"csv": csv_chunks, "json": json_chunks}


def download_response(queryset, fmt, request):
    """A streamed attachment with `queryset`'s records in format `fmt` ("csv" or "json").

    CSV cells that a spreadsheet would read as a formula are neutralised. The caller passes only
    records the public may see; publication status is left out of the CSV.
    """
    try:
        file_format = DOWNLOAD_FORMATS[fmt]()
    except KeyError:
        raise Http404(f"No download in the format {fmt!r}.") from None
    response = StreamingHttpResponse(
        written_in_active_language(WRITERS[fmt](queryset, request)),
        content_type=f"{file_format.get_content_type()}; charset=utf-8",
    )
    name = f"{file_stem(queryset.model)}-{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format.get_extension()}"'
    return add_licence_link(response)

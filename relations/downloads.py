"""Public downloads: what a public list page shows, as CSV or JSON.

The list views pass their filtered queryset of public records; the file holds exactly those
records. The CSV has the columns staff import and export with (less the staff-only ones, and naming
of other content only what the public may see listed: `public=True`), so that it can be read beside
an export, and after them what a reader needs to open and cite it without the codes' tables: each
record's address in both languages, the names of the countries, organisations, tracks and pillars
its codes stand for, in both languages, and the sources its citations come from. The JSON is what
the API gives for the same records (relations.serializers): a list of the API's representations,
with their links, labels and citations.

The file is written as it is sent, a chunk of records at a time (related rows prefetched per
chunk): memory stays the same whatever the number of rows, and nothing holds the whole file
(neither this process nor the page cache, which never stores downloads). How many rows a file may
hold and how often a client may ask: relations.limits.
"""

import csv
import json
from itertools import islice

from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import override

from .formats import CSV, JSON, neutralise
from .i18n import LANGUAGE_CODES, written_in_active_language
from .licence import add_licence_link
from .models import REFERENCE_MODELS
from .resources import STAFF_ONLY, file_stem, resource_for
from .selectors import with_related
from .serializers import serializer_for

DOWNLOAD_FORMATS = {"csv": CSV, "json": JSON}
# Records written into one chunk of the response: few large writes (and queries) rather than one per row.
ROWS_PER_CHUNK = 500
NAMES_SEPARATOR = "; "


class Echo:
    """A file-like object whose write() hands back what it is given: csv.writer's rows as strings."""

    def write(self, value):
        return value


def in_chunks(queryset):
    """The queryset's records, a list of ROWS_PER_CHUNK at a time, its prefetches made per chunk."""
    records = queryset.iterator(chunk_size=ROWS_PER_CHUNK)
    while chunk := list(islice(records, ROWS_PER_CHUNK)):
        yield chunk


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


def named_values(record, fields, request):
    """One record's values for `named_headers(fields)`, in its order."""
    values = []
    for code in LANGUAGE_CODES:
        with override(code):
            url = record.get_absolute_url()
        values.append(request.build_absolute_uri(url) if request else url)
    for field in fields:
        related = list(getattr(record, field.name).all()) if field.many_to_many else [getattr(record, field.name)]
        for code in LANGUAGE_CODES:
            values.append(NAMES_SEPARATOR.join(getattr(item, f"name_{code}") for item in related if item is not None))
    values.append(NAMES_SEPARATOR.join(dict.fromkeys(citation.source.title for citation in record.citations.all())))
    return values


def csv_chunks(queryset, request):
    """CSV as Excel reads it (a byte-order mark first), each text cell neutralised (relations.formats)."""
    resource = resource_for(queryset.model)(public=True)
    public_fields = [name for name in resource.fields if name not in STAFF_ONLY]
    columns = resource.get_export_fields(public_fields)  # once, not once a row
    fields = reference_fields(queryset.model)
    records = resource.filter_export(queryset).select_related(*(f.name for f in fields if f.many_to_one))
    records = records.prefetch_related(*(f.name for f in fields if f.many_to_many), "citations__source")
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow([*resource.get_export_headers(public_fields), *named_headers(fields)])
    for chunk in in_chunks(records):
        yield "".join(
            writer.writerow(
                [
                    neutralise(cell)
                    for cell in (
                        *(resource.export_field(column, record) for column in columns),
                        *named_values(record, fields, request),
                    )
                ]
            )
            for record in chunk
        )


def json_chunks(queryset, request):
    """A JSON array of the API's representations of the records, one line per record."""
    serializer_class = serializer_for(queryset.model)
    separator = "[\n"
    for chunk in in_chunks(with_related(queryset)):
        data = serializer_class(chunk, many=True, context={"request": request}).data
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

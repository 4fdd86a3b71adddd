"""Public downloads: what a public list page shows, as CSV or JSON, streamed.

The list views pass their filtered queryset of public records; the file holds exactly those
records, through the same resource staff import and export with, less the staff-only columns.
The file is written as it is sent, a chunk of rows at a time (`iterator(chunk_size)`, related rows
prefetched per chunk): memory stays the same whatever the number of rows, and nothing holds the
whole file (neither this process nor the page cache, which never stores downloads). How many rows a
file may hold and how often a client may ask: relations.limits.
"""

import csv
import json

from django.http import Http404, StreamingHttpResponse
from django.utils import timezone

from .formats import CSV, JSON, neutralise
from .i18n import written_in_active_language
from .resources import STAFF_ONLY, file_stem, resource_for

DOWNLOAD_FORMATS = {"csv": CSV, "json": JSON}
# Rows written into one chunk of the response: few large writes rather than one per row.
ROWS_PER_CHUNK = 500


class Echo:
    """A file-like object whose write() hands back what it is given: csv.writer's rows as strings."""

    def write(self, value):
        return value


def csv_chunks(headers, rows):
    """CSV as Excel reads it (a byte-order mark first), each text cell neutralised (relations.formats)."""
    writer = csv.writer(Echo())
    chunk = ["\ufeff" + writer.writerow(headers)]
    for row in rows:
        chunk.append(writer.writerow([neutralise(cell) for cell in row]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def json_chunks(headers, rows):
    """A JSON array of objects keyed by column, one line per record."""
    chunk = ["["]
    separator = "\n"
    for row in rows:
        chunk.append(separator + json.dumps(dict(zip(headers, row, strict=True)), ensure_ascii=False, default=str))
        separator = ",\n"
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    chunk.append("\n]\n")
    yield "".join(chunk)


WRITERS = {"csv": csv_chunks, "json": json_chunks}


def download_response(queryset, fmt):
    """A streamed attachment with `queryset`'s records in format `fmt` ("csv" or "json").

    CSV cells that a spreadsheet would read as a formula are neutralised. The caller passes only
    records the public may see; publication status is left out.
    """
    try:
        file_format = DOWNLOAD_FORMATS[fmt]()
    except KeyError:
        raise Http404(f"No download in the format {fmt!r}.") from None
    resource = resource_for(queryset.model)()
    public_fields = [name for name in resource.fields if name not in STAFF_ONLY]
    columns = resource.get_export_fields(public_fields)  # once, not once a row
    headers = resource.get_export_headers(public_fields)
    rows = (
        [resource.export_field(column, record) for column in columns]
        for record in resource.iter_queryset(resource.filter_export(queryset))
    )
    response = StreamingHttpResponse(
        written_in_active_language(WRITERS[fmt](headers, rows)),
        content_type=f"{file_format.get_content_type()}; charset=utf-8",
    )
    name = f"{file_stem(queryset.model)}-{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format.get_extension()}"'
    return response

"""Public downloads: what a public list page shows, as CSV or JSON.

The list views pass their filtered queryset of public records; the file holds exactly those
records, through the same resource staff import and export with, less the staff-only columns.
"""

from django.http import Http404, HttpResponse
from django.utils import timezone

from .formats import CSV, JSON
from .licence import add_licence_link
from .resources import STAFF_ONLY, file_stem, resource_for

DOWNLOAD_FORMATS = {"csv": CSV, "json": JSON}


def download_response(queryset, fmt):
    """An attachment response with `queryset`'s records in format `fmt` ("csv" or "json").

    CSV cells that a spreadsheet would read as a formula are neutralised. The caller passes only
    records the public may see; publication status is left out.
    """
    try:
        file_format = DOWNLOAD_FORMATS[fmt]()
    except KeyError:
        raise Http404(f"No download in the format {fmt!r}.") from None
    resource = resource_for(queryset.model)()
    public_fields = [name for name in resource.fields if name not in STAFF_ONLY]
    dataset = resource.export(queryset=queryset, export_fields=public_fields)
    content = file_format.export_data(dataset)
    response = HttpResponse(content, content_type=f"{file_format.get_content_type()}; charset=utf-8")
    name = f"{file_stem(queryset.model)}-{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format.get_extension()}"'
    return add_licence_link(response)

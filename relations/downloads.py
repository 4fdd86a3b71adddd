"""Public downloads: what a public list page shows, as CSV or JSON.

The list views pass their filtered queryset of public records; the file holds exactly those
records. The CSV has the columns staff import and export with (less the staff-only ones, and naming
of other content only what the public may see listed: `public=True`), so that it can be read beside
an export, and after them what a reader needs to open and cite it without
the codes' tables: each record's address in both languages, the names of the countries,
organisations, tracks and pillars its codes stand for, in both languages, and the sources its
citations come from. The JSON is what the API gives for the same records (relations.serializers):
a list of the API's representations, with their links, labels and citations.
"""

import json

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import override

from .formats import CSV, JSON
from .i18n import LANGUAGE_CODES
from .licence import add_licence_link
from .models import REFERENCE_MODELS, Citation
from .resources import STAFF_ONLY, file_stem, resource_for
from .selectors import with_related
from .serializers import serializer_for

DOWNLOAD_FORMATS = {"csv": CSV, "json": JSON}
NAMES_SEPARATOR = "; "


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


def named_columns(queryset, request):
    """{header: [value per record]} for the CSV's columns after the resource's, in its order."""
    fields = reference_fields(queryset.model)
    records = queryset.select_related(*(f.name for f in fields if f.many_to_one)).prefetch_related(
        *(f.name for f in fields if f.many_to_many),
        Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk")),
    )
    columns = {f"url_{code}": [] for code in LANGUAGE_CODES}
    for field in fields:
        columns.update({f"{field.name}_names_{code}": [] for code in LANGUAGE_CODES})
    columns["sources"] = []
    for record in records:
        for code in LANGUAGE_CODES:
            with override(code):
                url = record.get_absolute_url()
            columns[f"url_{code}"].append(request.build_absolute_uri(url) if request else url)
        for field in fields:
            related = list(getattr(record, field.name).all()) if field.many_to_many else [getattr(record, field.name)]
            for code in LANGUAGE_CODES:
                names = [getattr(item, f"name_{code}") for item in related if item is not None]
                columns[f"{field.name}_names_{code}"].append(NAMES_SEPARATOR.join(names))
        titles = dict.fromkeys(citation.source.title for citation in record.citations.all())
        columns["sources"].append(NAMES_SEPARATOR.join(titles))
    return columns


def csv_content(queryset, file_format, request):
    resource = resource_for(queryset.model)(public=True)
    public_fields = [name for name in resource.fields if name not in STAFF_ONLY]
    dataset = resource.export(queryset=queryset, export_fields=public_fields)
    for header, values in named_columns(queryset, request).items():
        dataset.append_col(values, header=header)
    return file_format.export_data(dataset)


def json_content(queryset, request):
    serializer = serializer_for(queryset.model)(with_related(queryset), many=True, context={"request": request})
    return json.dumps(serializer.data, ensure_ascii=False, indent=1)


def download_response(queryset, fmt, request):
    """An attachment response with `queryset`'s records in format `fmt` ("csv" or "json").

    CSV cells that a spreadsheet would read as a formula are neutralised. The caller passes only
    records the public may see; publication status is left out of the CSV.
    """
    try:
        file_format = DOWNLOAD_FORMATS[fmt]()
    except KeyError:
        raise Http404(f"No download in the format {fmt!r}.") from None
    content = json_content(queryset, request) if fmt == "json" else csv_content(queryset, file_format, request)
    response = HttpResponse(content, content_type=f"{file_format.get_content_type()}; charset=utf-8")
    name = f"{file_stem(queryset.model)}-{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format.get_extension()}"'
    return add_licence_link(response)

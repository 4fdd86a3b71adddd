"""django-import-export resources: the columns of every import and export.

One base resource, `RelationsResource`, serves the admin, the management commands and the public
downloads. Its columns:

- Relations are named by **natural key**: countries by ISO code ("ID"), tracks by number, and
  organisations, pillars, sources and records by slug. Heads of mission and citations, which
  have no slug, are known by composite natural keys (mission, name, start date; source, record,
  locator). Many-to-many values share one cell,
  separated by a semicolon: ``ID; PH; VN`` (`SEPARATOR`).
- A date carries its precision in its form: "1986" (year), "2014-08" (month), "2016-08-04" (day).
  Re-typed forms a spreadsheet may save are read too ("2016/8/4", "4 August 2016", "Aug 2014").
- Amounts are a number and a currency code in two columns (``amount``, ``currency``).
- ``import_id_fields`` is the natural key, so re-importing an edited export updates records
  instead of duplicating them; rows that change nothing are reported as skipped.

An import does not go through django-import-export's per-row saves: `import_data_inner` hands the
whole file to the fast import, relations.importing (rows parsed once -> lookups -> checks ->
writer), all or nothing, which returns django-import-export's own ``Result``.
"""

import functools
import json

from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import override
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from .dates import iso_date
from .i18n import in_both_languages
from .importing import Import
from .importing.columns import SEPARATOR, Column
from .models import (
    CITED_FIELDS,
    Agreement,
    AssistanceProgram,
    Citation,
    Country,
    Event,
    HeadOfMission,
    Mission,
    Organisation,
    Pillar,
    Record,
    Source,
    Track,
)
from .selectors import cited_passages, related_queryset

# ---------------------------------------------------------------------------------------------
# Widgets: export representation (the import reads cells in relations.importing)
# ---------------------------------------------------------------------------------------------


class NaturalKeyWidget(ForeignKeyWidget):
    """A foreign key written as the related record's natural key: "ID", "3", "asean"."""


class NaturalKeysWidget(ManyToManyWidget):
    """Many related records in one cell, by natural key, sorted, separated by `SEPARATOR`."""

    def __init__(self, model, field):
        super().__init__(model, separator=SEPARATOR, field=field)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{SEPARATOR} ".join(sorted(str(getattr(related, self.field)) for related in value.all()))


class PreciseDateField(fields.Field):
    """A date column whose form gives its precision; the precision is stored in its own field."""

    def __init__(self, attribute, precision):
        super().__init__(attribute=attribute, column_name=attribute)
        self.precision = precision

    def export(self, instance, **kwargs):
        return iso_date(getattr(instance, self.attribute), getattr(instance, self.precision)) or ""


def natural_key(attribute, model, key):
    return fields.Field(attribute=attribute, column_name=attribute, widget=NaturalKeyWidget(model, field=key))


def natural_keys(attribute, model, key):
    return fields.Field(attribute=attribute, column_name=attribute, widget=NaturalKeysWidget(model, field=key))


# ---------------------------------------------------------------------------------------------
# The base resource
# ---------------------------------------------------------------------------------------------


class RelationsResource(resources.ModelResource):
    """What every resource of the registry shares: natural keys, safe text, the fast import."""

    #: Pairs (earlier, later) of fields where the later may not come before the earlier.
    ordered_pairs = ()
    #: Foreign keys to the content record a row is part of (a citation's, a head of mission's):
    #: changing the part changes what that record shows, so its publish permission applies.
    record_fields = ()
    #: Reference data (countries, organisations, tracks, pillars, sources): every public page shows
    #: it, so only a publisher may import a row that adds or changes it (workflow.may_change_reference).
    reference_data = False

    class Meta:
        import_id_fields = ("slug",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        batch_size = 1000

    def __init__(self, *, public=False, **kwargs):
        super().__init__(**kwargs)
        #: An export for the public (the downloads): relations to other content name only listed
        #: records, as the pages and the API do; staff exports name every record, for round trips.
        self.public = public

    # -- export --------------------------------------------------------------------------------

    def get_queryset(self):
        # Ties broken by id, so that an export is the same file every time.
        return self._meta.model._default_manager.order_by(*self._meta.model._meta.ordering, "pk")

    def filter_export(self, queryset, **kwargs):
        """Fetch related records with the rows: one query per relation, not per row."""
        columns = self.columns()
        queryset = queryset.select_related(*(c.attribute for c in columns if c.related and not c.many))
        many = [c.attribute for c in columns if c.many]
        if self.public:
            model = self._meta.model
            many = [Prefetch(name, queryset=related_queryset(model, name)) for name in many]
        return queryset.prefetch_related(*many)

    def iter_queryset(self, queryset):
        # Django's iterator() keeps prefetch_related when given a chunk size; the stock resource
        # pages with OFFSET instead, which slows down as the table grows.
        yield from queryset.iterator(chunk_size=2000)

    def export_field(self, field, instance, **kwargs):
        if isinstance(field, PreciseDateField) or isinstance(field.widget, ManyToManyWidget):
            return field.export(instance)
        value = field.get_value(instance)
        if isinstance(field.widget, ForeignKeyWidget):
            if self.public and isinstance(value, Record) and not value.is_published:
                value = None  # an unpublished record is named nowhere public (an agreement's `supersedes`)
            value = getattr(value, field.widget.field) if value is not None else None
        return "" if value is None else str(value)

    # -- the columns ------------------------------------------------------------------------------

    @classmethod
    def columns(cls):
        if "_columns" not in cls.__dict__:
            model = cls._meta.model
            cls._columns = [
                Column(field, model) for field in cls.fields.values() if not field.readonly and field.attribute
            ]
        return cls._columns

    def key_columns(self):
        """The columns of the natural key (`import_id_fields`): one, or several for a citation."""
        attributes = [self.fields[name].attribute for name in self.get_import_id_fields()]
        return [next(column for column in self.columns() if column.attribute == name) for name in attributes]

    def key_column(self):
        (column,) = self.key_columns()
        return column

    # -- import --------------------------------------------------------------------------------

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        store_instance = self._meta.store_instance or kwargs.get("retain_instance_in_row_result", False)
        job = Import(
            self,
            dry_run=dry_run,
            user=kwargs.get("user"),
            store_instance=store_instance,
            batch_file=kwargs.get("batch_file"),
            progress=kwargs.get("progress"),
            file_name=kwargs.get("file_name"),
        )
        return job.run(dataset, raise_errors=raise_errors, collect_failed_rows=collect_failed_rows)

    def validate_instance_values(self, instance, errors):
        """Rules of the database's check constraints that need more than `ordered_pairs`."""
        return errors


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


class CountryResource(RelationsResource):
    reference_data = True

    class Meta(RelationsResource.Meta):
        model = Country
        fields = ("code", *in_both_languages("name"), "asean_member_since", "wikidata_id")
        import_id_fields = ("code",)


class OrganisationResource(RelationsResource):
    reference_data = True

    country = natural_key("country", Country, "code")

    class Meta(RelationsResource.Meta):
        model = Organisation
        fields = (
            "slug",
            *in_both_languages("name", "acronym"),
            "kind",
            "country",
            "website",
            "wikidata_id",
            *in_both_languages("description"),
        )


class TrackResource(RelationsResource):
    reference_data = True

    class Meta(RelationsResource.Meta):
        model = Track
        fields = ("number", *in_both_languages("name", "description"))
        import_id_fields = ("number",)


class PillarResource(RelationsResource):
    reference_data = True

    class Meta(RelationsResource.Meta):
        model = Pillar
        fields = ("slug", *in_both_languages("name", "description"))


class SourceResource(RelationsResource):
    reference_data = True

    class Meta(RelationsResource.Meta):
        model = Source
        fields = (
            "slug",
            "title",
            "author",
            "author_fr",
            "kind",
            "year",
            "language",
            "url",
            "accessed_on",
            *in_both_languages("bibliographic_details", "notes"),
        )


# ---------------------------------------------------------------------------------------------
# The four content types
# ---------------------------------------------------------------------------------------------

RECORD_FIELDS = ("slug", *in_both_languages("title", "summary", "body"))
#: Columns staff see but the public downloads leave out.
STAFF_ONLY = ("publication_status",)
#: Export-only columns: how the record knows what it says (ContentResource).
EVIDENCE = ("corroboration", "discrepancies")


class ContentResource(RelationsResource):
    """A content type's columns, plus what the record says of its own evidence (export only):
    its corroboration and its sources' discrepancies, as JSON in one column."""

    corroboration = fields.Field(attribute="corroboration", column_name="corroboration", readonly=True)
    discrepancies = fields.Field(column_name="discrepancies", readonly=True)

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).prefetch_related(Prefetch("citations", cited_passages()))

    def get_diff_headers(self):
        # The import preview shows what an import may change: not the export-only columns.
        export_only = {field.column_name for field in self.fields.values() if field.readonly}
        return [header for header in super().get_diff_headers() if header not in export_only]

    def export_field(self, field, instance, **kwargs):
        if field.column_name == "discrepancies":
            return discrepancies_cell(instance.discrepancies)
        return super().export_field(field, instance, **kwargs)


def discrepancies_cell(discrepancies):
    """The `discrepancies` column: a record's discrepancies as JSON, or nothing if it has none."""
    return json.dumps(discrepancies_data(discrepancies), ensure_ascii=False) if discrepancies else ""


def discrepancies_data(discrepancies):
    """A record's discrepancies (`Record.discrepancies`, their claims and the claims' and their own
    citations' sources loaded) as plain data: what the downloads carry (the API nests the same)."""
    return [
        {
            "field": discrepancy.field,
            **{name: getattr(discrepancy, name) for name in in_both_languages("value", "reason")},
            "source": discrepancy.citation.source.slug,
            "locator": discrepancy.citation.locator,
            "claims": [
                {
                    "source": claim.citation.source.slug,
                    "locator": claim.citation.locator,
                    **{name: getattr(claim, name) for name in in_both_languages("value")},
                }
                for claim in discrepancy.claims.all()
            ],
        }
        for discrepancy in discrepancies
    ]


class EventResource(ContentResource):
    date_edtf = fields.Field(attribute="date_edtf", column_name="date_edtf", readonly=True)
    start_date = PreciseDateField("start_date", precision="date_precision")
    end_date = PreciseDateField("end_date", precision="date_precision")
    country = natural_key("country", Country, "code")
    track = natural_key("track", Track, "number")
    pillars = natural_keys("pillars", Pillar, "slug")
    organisations = natural_keys("organisations", Organisation, "slug")
    agreements = natural_keys("agreements", Agreement, "slug")

    ordered_pairs = (("start_date", "end_date"),)

    class Meta(RelationsResource.Meta):
        model = Event
        fields = (
            *RECORD_FIELDS,
            "kind",
            "start_date",
            "end_date",
            "date_certainty",
            "date_edtf",
            *in_both_languages("city"),
            "country",
            "track",
            "pillars",
            "organisations",
            "agreements",
            *EVIDENCE,
            *STAFF_ONLY,
        )


class AgreementResource(ContentResource):
    adopted_on = PreciseDateField("adopted_on", precision="adopted_precision")
    country = natural_key("country", Country, "code")
    party_countries = natural_keys("party_countries", Country, "code")
    party_organisations = natural_keys("party_organisations", Organisation, "slug")
    supersedes = natural_key("supersedes", Agreement, "slug")
    pillars = natural_keys("pillars", Pillar, "slug")

    ordered_pairs = (("period_start", "period_end"),)

    class Meta(RelationsResource.Meta):
        model = Agreement
        fields = (
            *RECORD_FIELDS,
            "kind",
            "status",
            "adopted_on",
            *in_both_languages("city"),
            "country",
            "party_countries",
            "party_organisations",
            "period_start",
            "period_end",
            "supersedes",
            "pillars",
            "text_url",
            *EVIDENCE,
            *STAFF_ONLY,
        )


class MissionResource(ContentResource):
    country = natural_key("country", Country, "code")
    accredited_countries = natural_keys("accredited_countries", Country, "code")
    accredited_organisations = natural_keys("accredited_organisations", Organisation, "slug")
    opened_on = PreciseDateField("opened_on", precision="opened_precision")
    closed_on = PreciseDateField("closed_on", precision="closed_precision")

    ordered_pairs = (("opened_on", "closed_on"),)

    class Meta(RelationsResource.Meta):
        model = Mission
        fields = (
            *RECORD_FIELDS,
            "kind",
            *in_both_languages("city"),
            "country",
            "accredited_countries",
            "accredited_organisations",
            "opened_on",
            "closed_on",
            "website",
            *EVIDENCE,
            *STAFF_ONLY,
        )


class AssistanceProgramResource(ContentResource):
    pillars = natural_keys("pillars", Pillar, "slug")
    countries = natural_keys("countries", Country, "code")
    organisations = natural_keys("organisations", Organisation, "slug")
    agreements = natural_keys("agreements", Agreement, "slug")
    events = natural_keys("events", Event, "slug")

    ordered_pairs = (("start_year", "end_year"),)

    class Meta(RelationsResource.Meta):
        model = AssistanceProgram
        fields = (
            *RECORD_FIELDS,
            "amount",
            "currency",
            "amount_as_stated",
            "other_amount",
            "other_currency",
            "start_year",
            "end_year",
            "sector",
            "status",
            "pillars",
            "countries",
            "organisations",
            "agreements",
            "events",
            *EVIDENCE,
            *STAFF_ONLY,
        )

    def validate_instance_values(self, instance, errors):
        # The database's "an amount needs its currency, and a currency its amount", per column.
        for amount, currency in (("amount", "currency"), ("other_amount", "other_currency")):
            if amount in errors or currency in errors:
                continue
            if getattr(instance, amount) is not None and not getattr(instance, currency):
                errors[currency] = [_("An amount needs its currency (CAD or USD).")]
            elif getattr(instance, amount) is None and getattr(instance, currency):
                errors[amount] = [_("A currency needs its amount.")]
        return errors


# ---------------------------------------------------------------------------------------------
# What belongs to records: heads of mission, citations
# ---------------------------------------------------------------------------------------------


class HeadOfMissionResource(RelationsResource):
    mission = natural_key("mission", Mission, "slug")
    start_date = PreciseDateField("start_date", precision="start_precision")
    end_date = PreciseDateField("end_date", precision="end_precision")

    ordered_pairs = (("start_date", "end_date"),)
    record_fields = ("mission",)

    class Meta(RelationsResource.Meta):
        model = HeadOfMission
        fields = (
            "mission",
            "name",
            *in_both_languages("title"),
            "start_date",
            "credentials_on",
            "end_date",
            *in_both_languages("note"),
        )
        import_id_fields = ("mission", "name", "start_date")


class CitationResource(RelationsResource):
    """A citation names its record in the column of the record's type; the others stay empty."""

    source = natural_key("source", Source, "slug")
    event = natural_key("event", Event, "slug")
    agreement = natural_key("agreement", Agreement, "slug")
    mission = natural_key("mission", Mission, "slug")
    assistanceprogram = natural_key("assistanceprogram", AssistanceProgram, "slug")
    record_fields = CITED_FIELDS

    class Meta(RelationsResource.Meta):
        model = Citation
        fields = (*CITED_FIELDS, "source", "locator", "quote", *in_both_languages("note"))
        # The source first: existing citations are fetched by it (it is never empty).
        import_id_fields = ("source", *CITED_FIELDS, "locator")

    def validate_instance_values(self, instance, errors):
        cited = [name for name in CITED_FIELDS if getattr(instance, f"{name}_id") is not None]
        if len(cited) != 1 and not any(name in errors for name in CITED_FIELDS):
            errors[NON_FIELD_ERRORS] = [
                _("A citation belongs to exactly one record: fill in one of the columns %(columns)s.")
                % {"columns": ", ".join(CITED_FIELDS)}
            ]
        return errors


#: Every resource, in the order their files import (a record's relations must exist first).
RESOURCES = [
    CountryResource,
    OrganisationResource,
    TrackResource,
    PillarResource,
    SourceResource,
    AgreementResource,
    EventResource,
    MissionResource,
    HeadOfMissionResource,
    AssistanceProgramResource,
    CitationResource,
]


def resource_for(model):
    """The resource of a model (a queryset's `.model`), for the admin, commands and downloads."""
    return next(resource for resource in RESOURCES if resource._meta.model is model)


@functools.cache
def resources_by_stem():
    """{file stem: resource}, in import order: how `exportrecords` names files and `importrecords`
    recognises them ("events", "assistance-programs")."""
    return {file_stem(resource._meta.model): resource for resource in RESOURCES}


def error_lines(result):
    """A result's errors as lines of text: "Row 3, column “country”: No country has the code “XX”."."""
    lines = [str(error.error) for error in result.base_errors]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            where = _("Row %(row)d") % {"row": row.number}
            if column != NON_FIELD_ERRORS:
                where += ", " + _("column “%(column)s”") % {"column": column}
            lines.extend(f"{where}: {message}" for message in messages)
    for number, errors in result.row_errors():
        lines.extend(_("Row %(row)d: %(error)s") % {"row": number, "error": error.error} for error in errors)
    return lines


def file_stem(model):
    """The file name an export of a model gets, and an import is recognised by: "assistance-programs".

    In English whatever the page's or the user's language, so that a file's name means one thing."""
    with override("en"):
        return str(model._meta.verbose_name_plural).replace(" ", "-")

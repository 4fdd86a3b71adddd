"""The open-data API's representations (relations.api serves them at /api/v1/).

Each serializer's field list lives in its Meta, once. The API is the same in both languages: every
text a reader sees comes in both (`title_en`, `title_fr`, …), and every object carries its stable
identifier (slug, ISO code or track number), `url` (its API address) and `html_url` (its public
page in each language, `{"en": …, "fr": …}`); a link to another object carries the same three and
its name, so a client can follow it without another request. Dates are given in ISO 8601 at the
precision the source gives ("1986", "1986-08", "1986-08-04"), with that precision named beside them.
A code from a fixed list (`kind`, `status`, `sector`) has its label in both languages beside it
(`kind_label`: `{"en": "Dialogue", "fr": "Dialogue"}`). A field with nothing in it is `null`, never
an empty string where the description promises a URL.
"""

from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import override
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .dates import iso_date
from .i18n import LANGUAGE_CODES, in_both_languages
from .models import (
    Agreement,
    AssistanceProgram,
    Citation,
    Claim,
    Corroboration,
    Country,
    Discrepancy,
    Event,
    HeadOfMission,
    Mission,
    Organisation,
    Pillar,
    Source,
    Track,
)
from .selectors import filter_name, naming_models


class URLOrNullField(serializers.URLField):
    """A URL the model may leave blank: `null` then, so that a value is always a URI."""

    def __init__(self, **kwargs):
        kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose URL fields are `null` when blank."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.URLField: URLOrNullField}


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": "The code's label in each language; null when the code is empty.",
        "properties": {code: {"type": "string"} for code in LANGUAGE_CODES},
        "required": list(LANGUAGE_CODES),
        "example": {"en": "Dialogue", "fr": "Dialogue"},
    }
)
class ChoiceLabelField(serializers.Field):
    """The label of a choice field's value in each language, as the pages show it."""

    def __init__(self, field_name, **kwargs):
        self.choice_field = field_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        if not getattr(value, self.choice_field):
            return None
        labels = {}
        for code in LANGUAGE_CODES:
            with override(code):
                labels[code] = str(getattr(value, f"get_{self.choice_field}_display")())
        return labels


def labelled(*names):
    """Each choice field followed by its `<name>_label`: for a serializer's Meta.fields."""
    return [field for name in names for field in (name, f"{name}_label")]


def api_url_name(model):
    return f"api:{model._meta.model_name}-detail"


@extend_schema_field(
    {
        "type": "object",
        "description": "The absolute address of the object's public page in each language.",
        "properties": {code: {"type": "string", "format": "uri"} for code in LANGUAGE_CODES},
        "required": list(LANGUAGE_CODES),
    }
)
class HtmlUrlField(serializers.Field):
    """The absolute addresses of the object's public page: {"en": …, "fr": …}."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        urls = {}
        for code in LANGUAGE_CODES:
            with override(code):
                url = value.get_absolute_url()
            urls[code] = request.build_absolute_uri(url) if request else url
        return urls


@extend_schema_field(
    {"type": "string", "nullable": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "example": "2016-08"}
)
class PreciseDateField(serializers.Field):
    """A date in ISO 8601 at its precision, read from the model's date and precision fields."""

    def __init__(self, date_field, precision_field, **kwargs):
        self.date_field, self.precision_field = date_field, precision_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return iso_date(getattr(value, self.date_field), getattr(value, self.precision_field))


def identity(model):
    return serializers.HyperlinkedIdentityField(view_name=api_url_name(model), lookup_field=model.key_field)


def link_serializer(model, *label_fields):
    """A compact serializer for a link to an object of `model`: its key, its name and its URLs."""
    meta = type("Meta", (), {"model": model, "fields": [model.key_field, *label_fields, "url", "html_url"]})
    return type(
        f"{model.__name__}Link",
        (ModelSerializer,),
        {"Meta": meta, "url": identity(model), "html_url": HtmlUrlField(), "__module__": __name__},
    )


CountryLink = link_serializer(Country, *in_both_languages("name"))
OrganisationLink = link_serializer(Organisation, *in_both_languages("name"))
TrackLink = link_serializer(Track, *in_both_languages("name"))
PillarLink = link_serializer(Pillar, *in_both_languages("name"))
SourceLink = link_serializer(Source, "title")
EventLink = link_serializer(Event, *in_both_languages("title"))
AgreementLink = link_serializer(Agreement, *in_both_languages("title"))
MissionLink = link_serializer(Mission, *in_both_languages("title"))
AssistanceProgramLink = link_serializer(AssistanceProgram, *in_both_languages("title"))


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "object",
        "description": "For each content type that can name it: the API list of the published records that do.",
        "additionalProperties": {"type": "string", "format": "uri"},
    }
)
class RecordsField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        model = type(value)
        query = urlencode({filter_name(model): value.natural_key()[0]})
        request = self.context.get("request")
        links = {}
        for content_model in naming_models(model):
            url = f"{reverse(f'api:{content_model._meta.model_name}-list')}?{query}"
            links[content_model._meta.model_name] = request.build_absolute_uri(url) if request else url
        return links


@extend_schema_field(
    {
        "type": "array",
        "description": "The same thing elsewhere: its Wikidata item, where it is known (as schema.org's sameAs).",
        "items": {"type": "string", "format": "uri"},
        "example": ["https://www.wikidata.org/wiki/Q16"],
    }
)
class SameAsField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return [value.wikidata_url] if value.wikidata_url else []


class CountrySerializer(ModelSerializer):
    url = identity(Country)
    html_url = HtmlUrlField()
    same_as = SameAsField()
    records = RecordsField()

    class Meta:
        model = Country
        fields = [
            "code",
            "url",
            "html_url",
            *in_both_languages("name"),
            "asean_member_since",
            "wikidata_id",
            "same_as",
            "records",
        ]


class OrganisationSerializer(ModelSerializer):
    url = identity(Organisation)
    html_url = HtmlUrlField()
    kind_label = ChoiceLabelField("kind")
    country = CountryLink(read_only=True, allow_null=True)
    same_as = SameAsField()
    records = RecordsField()

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "url",
            "html_url",
            *in_both_languages("name", "acronym"),
            *labelled("kind"),
            "country",
            "website",
            "wikidata_id",
            "same_as",
            *in_both_languages("description"),
            "records",
        ]


class TrackSerializer(ModelSerializer):
    url = identity(Track)
    html_url = HtmlUrlField()
    records = RecordsField()

    class Meta:
        model = Track
        fields = ["number", "url", "html_url", *in_both_languages("name", "description"), "records"]


class PillarSerializer(ModelSerializer):
    url = identity(Pillar)
    html_url = HtmlUrlField()
    records = RecordsField()

    class Meta:
        model = Pillar
        fields = ["slug", "url", "html_url", *in_both_languages("name", "description"), "records"]


class SourceSerializer(ModelSerializer):
    url = identity(Source)
    html_url = HtmlUrlField()
    # The model's own `url` is where the document can be read; `url` here is the API's.
    document_url = URLOrNullField(source="url", read_only=True)
    records = RecordsField()

    class Meta:
        model = Source
        fields = [
            "slug",
            "url",
            "html_url",
            "title",
            "author",
            "author_fr",
            "year",
            "language",
            "document_url",
            *in_both_languages("bibliographic_details", "notes"),
            "records",
        ]


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------


class ClaimSerializer(ModelSerializer):
    """A value the record does not follow, with the passage (source and locator) that gives it."""

    source = SourceLink(source="citation.source", read_only=True)
    locator = serializers.CharField(source="citation.locator", read_only=True)

    class Meta:
        model = Claim
        fields = ["source", "locator", *in_both_languages("value")]


class DiscrepancySerializer(ModelSerializer):
    """Where the sources disagree on one fact: the value the record follows (this citation's), why,
    and each other source's value."""

    claims = ClaimSerializer(many=True, read_only=True)

    class Meta:
        model = Discrepancy
        fields = ["field", *in_both_languages("value", "reason"), "claims"]


class CitationSerializer(ModelSerializer):
    source = SourceLink(read_only=True)
    discrepancies = DiscrepancySerializer(many=True, read_only=True)

    class Meta:
        model = Citation
        fields = ["source", "locator", "quote", *in_both_languages("note"), "discrepancies"]


class RecordSerializer(ModelSerializer):
    """What every content type shares. Links to other records name only listed (published) ones."""

    html_url = HtmlUrlField()
    publication_status_label = ChoiceLabelField("publication_status")
    date_modified = serializers.DateTimeField(read_only=True)
    citations = CitationSerializer(many=True, read_only=True)
    corroboration = serializers.ChoiceField(choices=Corroboration.choices, read_only=True)

    # Each subclass's Meta.fields is RECORD_FIELDS, its own fields, then RECORD_TRAILING_FIELDS.
    RECORD_FIELDS = [
        "slug",
        "url",
        "html_url",
        *in_both_languages("title", "summary", "body"),
        *labelled("publication_status"),
    ]
    RECORD_TRAILING_FIELDS = ["corroboration", "citations", "date_modified"]


def record_fields(*fields):
    return [*RecordSerializer.RECORD_FIELDS, *fields, *RecordSerializer.RECORD_TRAILING_FIELDS]


class EventSerializer(RecordSerializer):
    url = identity(Event)
    start_date = PreciseDateField("start_date", "date_precision")
    end_date = PreciseDateField("end_date", "date_precision")
    kind_label = ChoiceLabelField("kind")
    date_display = serializers.CharField(read_only=True)
    date_edtf = serializers.CharField(read_only=True, help_text="The date in EDTF (ISO 8601-2), with its qualifier.")
    country = CountryLink(read_only=True, allow_null=True)
    track = TrackLink(read_only=True, allow_null=True)
    pillars = PillarLink(many=True, read_only=True)
    organisations = OrganisationLink(many=True, read_only=True)
    agreements = AgreementLink(many=True, read_only=True)
    programs = AssistanceProgramLink(many=True, read_only=True)

    class Meta:
        model = Event
        fields = record_fields(
            *labelled("kind"),
            "start_date",
            "end_date",
            "date_precision",
            "date_certainty",
            "date_edtf",
            "date_display",
            *in_both_languages("city"),
            "country",
            "track",
            "pillars",
            "organisations",
            "agreements",
            "programs",
        )


class AgreementSerializer(RecordSerializer):
    url = identity(Agreement)
    kind_label = ChoiceLabelField("kind")
    status_label = ChoiceLabelField("status")
    adopted_on = PreciseDateField("adopted_on", "adopted_precision")
    date_display = serializers.CharField(read_only=True)
    country = CountryLink(read_only=True, allow_null=True)
    party_countries = CountryLink(many=True, read_only=True)
    party_organisations = OrganisationLink(many=True, read_only=True)
    pillars = PillarLink(many=True, read_only=True)
    supersedes = serializers.SerializerMethodField()
    superseded_by = AgreementLink(many=True, read_only=True)
    events = EventLink(many=True, read_only=True)
    programs = AssistanceProgramLink(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = record_fields(
            *labelled("kind", "status"),
            "adopted_on",
            "adopted_precision",
            "date_display",
            *in_both_languages("city"),
            "country",
            "party_countries",
            "party_organisations",
            "period_start",
            "period_end",
            "supersedes",
            "superseded_by",
            "pillars",
            "events",
            "programs",
            "text_url",
        )

    @extend_schema_field(AgreementLink(allow_null=True))
    def get_supersedes(self, agreement):
        # A foreign key, not a prefetched list: named only if the public may see it listed.
        earlier = agreement.listed_supersedes
        if earlier is None:
            return None
        return AgreementLink(earlier, context=self.context).data


class HeadOfMissionSerializer(ModelSerializer):
    start_date = PreciseDateField("start_date", "start_precision")
    credentials_on = PreciseDateField("credentials_on", "credentials_precision")
    end_date = PreciseDateField("end_date", "end_precision")

    class Meta:
        model = HeadOfMission
        fields = [
            "name",
            *in_both_languages("title"),
            "start_date",
            "start_precision",
            "credentials_on",
            "credentials_precision",
            "end_date",
            "end_precision",
            *in_both_languages("note"),
        ]


class MissionSerializer(RecordSerializer):
    url = identity(Mission)
    kind_label = ChoiceLabelField("kind")
    opened_on = PreciseDateField("opened_on", "opened_precision")
    closed_on = PreciseDateField("closed_on", "closed_precision")
    country = CountryLink(read_only=True)
    accredited_countries = CountryLink(many=True, read_only=True)
    accredited_organisations = OrganisationLink(many=True, read_only=True)
    heads = HeadOfMissionSerializer(many=True, read_only=True)

    class Meta:
        model = Mission
        fields = record_fields(
            *labelled("kind"),
            *in_both_languages("city"),
            "country",
            "accredited_countries",
            "accredited_organisations",
            "opened_on",
            "opened_precision",
            "closed_on",
            "closed_precision",
            "website",
            "heads",
        )


class AssistanceProgramSerializer(RecordSerializer):
    url = identity(AssistanceProgram)
    sector_label = ChoiceLabelField("sector")
    status_label = ChoiceLabelField("status")
    date_display = serializers.CharField(read_only=True)
    pillars = PillarLink(many=True, read_only=True)
    countries = CountryLink(many=True, read_only=True)
    organisations = OrganisationLink(many=True, read_only=True)
    agreements = AgreementLink(many=True, read_only=True)
    events = EventLink(many=True, read_only=True)

    class Meta:
        model = AssistanceProgram
        fields = record_fields(
            "amount",
            "currency",
            "amount_as_stated",
            "other_amount",
            "other_currency",
            "start_year",
            "end_year",
            "date_display",
            *labelled("sector", "status"),
            "pillars",
            "countries",
            "organisations",
            "agreements",
            "events",
        )


def serializer_for(model):
    """The API representation of a model: the serializer named after it (EventSerializer)."""
    return globals()[f"{model.__name__}Serializer"]

"""The registry's data.

Reference data (countries, organisations, tracks, pillars, sources) is what the record is
described with; the four content types (events, agreements, missions, assistance programs) are
the record itself. Every content record cites its sources through Citation.
"""

import re
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .amounts import Currency, format_amount
from .dates import (
    DateCertainty,
    DatePrecision,
    describe_certainty,
    edtf_range,
    format_date,
    format_date_range,
    format_year_range,
    truncate_date,
)
from .i18n import LANGUAGE_CODES, Translation, active_language, localized, translated
from .text import plain_text
from .workflow import PUBLIC_STATUSES, PublicationStatus, workflow_permissions

# Django's default permissions, plus importing and exporting, each its own permission
# (relations.import_event, relations.export_event; see IMPORT_EXPORT_*_PERMISSION_CODE).
IMPORT_EXPORT_PERMISSIONS = ("add", "change", "delete", "view", "import", "export")

# ---------------------------------------------------------------------------------------------
# Field helpers: dates known to a year, a month or a day; years; spans
# ---------------------------------------------------------------------------------------------


def precision_field(verbose_name=None):
    return models.CharField(
        verbose_name or _("date precision"),
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=_("How much of the date the source gives: “1986”, “August 2014” or “4 August 2016”."),
    )


def not_before(end, start, name):
    """A constraint that an optional end is not before its start."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=_("The end cannot be before the start."),
    )


def year_field(verbose_name, help_text=""):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=help_text,
    )


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


class SlugManager(models.Manager):
    """A manager for models whose natural key is their slug."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PlainText(models.Model):
    """A model whose text fields hold plain text: the control characters that pasted text brings
    (Word's soft line break) are taken out when it is cleaned, as the admin's forms clean it
    (relations.text; the import cleans its cells the same way)."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.name not in (exclude or ()):
                value = getattr(self, field.attname)
                setattr(self, field.attname, plain_text(value, multiline=isinstance(field, models.TextField)))
        super().clean_fields(exclude)


class SlugKeyed(PlainText):
    """A model known by its slug: in its public address, in fixtures and in imports."""

    #: The field that names it in addresses, links, files and list filters (its natural key).
    key_field = "slug"

    slug = models.SlugField(
        _("slug"),
        max_length=150,
        unique=True,
        help_text=_("Its permanent address, made of lower-case letters, digits and hyphens. Do not change it."),
    )

    objects = SlugManager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse(f"relations:{self._meta.model_name}-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def normalize_key(cls, key):
        """A key as an address may write it, as stored."""
        return key


WIKIDATA_ITEM_URL = "https://www.wikidata.org/wiki/{}"


def wikidata_field():
    """The identifier of the same thing's item on Wikidata (Q16 for Canada): a link out, shown as
    `sameAs` in JSON-LD and in the API."""
    return models.CharField(
        _("Wikidata identifier"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", _("Enter a Wikidata item identifier, e.g. Q16."))],
        help_text=_("Its item on Wikidata, e.g. Q16 for Canada. Leave it empty unless you are sure."),
    )


class WikidataLinked:
    @property
    def wikidata_url(self):
        return WIKIDATA_ITEM_URL.format(self.wikidata_id) if self.wikidata_id else ""


class CountryQuerySet(models.QuerySet):
    def asean_members(self):
        return self.filter(asean_member_since__isnull=False)


class CountryManager(models.Manager.from_queryset(CountryQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(WikidataLinked, PlainText):
    key_field = "code"
    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter ISO 3166-1 code in capitals."))],
        help_text=_("ISO 3166-1 alpha-2 code in capitals, e.g. ID for Indonesia."),
    )
    name_en, name_fr = translated(models.CharField, _("name"), max_length=100, unique=True)
    name = Translation()
    also_known_as_en, also_known_as_fr = translated(
        models.TextField,
        _("also known as"),
        blank=True,
        help_text=_(
            "Other names search should know, separated by commas: on the first line the country's, e.g. "
            "“Vietnam, Viêt Nam”; then one line per city, its names, e.g. “Jakarta, Djakarta”. A record "
            "that names the country, or is placed in the city, is found by any of them."
        ),
    )
    also_known_as = Translation()
    asean_member_since = models.PositiveSmallIntegerField(
        _("ASEAN member since"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1967), MaxValueValidator(2100)],
        help_text=_("Year the country joined ASEAN (founders: 1967). Empty for a country that is not a member."),
    )
    wikidata_id = wikidata_field()

    history = HistoricalRecords()

    objects = CountryManager()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(asean_member_since__isnull=True) | Q(asean_member_since__gte=1967),
                name="country_asean_member_since_1967",
                violation_error_message=_("ASEAN was founded in 1967."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("relations:country-detail", kwargs={"code": self.code.lower()})

    def natural_key(self):
        return (self.code,)

    @classmethod
    def normalize_key(cls, key):
        """ISO codes are capitals; the public pages' addresses use lower case: both are accepted."""
        return key.upper()

    @property
    def is_asean_member(self):
        return self.asean_member_since is not None


class Organisation(WikidataLinked, SlugKeyed):
    #: What its API representation loads with it.
    list_related = ("country",)

    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body")
        GOVERNMENT = "government", _("Government department or agency")
        BUSINESS = "business", _("Business council or association")
        RESEARCH = "research", _("Research body")
        EDUCATION = "education", _("University or training institution")
        CIVIL_SOCIETY = "civil-society", _("Civil society organisation")
        COMPANY = "company", _("Company")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    name_en, name_fr = translated(models.CharField, _("name"), max_length=200, unique=True)
    name = Translation()
    acronym_en, acronym_fr = translated(
        models.CharField,
        _("acronym"),
        max_length=30,
        blank=True,
        help_text=_("E.g. ASEAN in English, ANASE in French."),
    )
    acronym = Translation()
    also_known_as_en, also_known_as_fr = translated(
        models.TextField,
        _("also known as"),
        blank=True,
        help_text=_(
            "Other names and acronyms search should know, separated by commas, e.g. “ASEAN-Canada JCC, "
            "Joint Cooperation Committee”. A record that names the organisation is found by any of them."
        ),
    )
    also_known_as = Translation()
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        verbose_name=_("based in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Where the organisation has its seat, if it has one."),
    )
    website = models.URLField(_("website"), blank=True)
    wikidata_id = wikidata_field()
    description_en, description_fr = translated(models.TextField, _("description"), blank=True)
    description = Translation()

    history = HistoricalRecords()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["relations.country"]


class TrackManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Track(PlainText):
    """One of the nine tracks of multitrack diplomacy (Diamond and McDonald)."""

    key_field = "number"

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    name_en, name_fr = translated(models.CharField, _("name"), max_length=100, unique=True)
    name = Translation()
    description_en, description_fr = translated(models.TextField, _("description"), blank=True)
    description = Translation()

    history = HistoricalRecords()

    objects = TrackManager()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["number"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=9),
                name="track_number_1_to_9",
                violation_error_message=_("Multitrack diplomacy has nine tracks, numbered 1 to 9."),
            ),
        ]

    def __str__(self):
        return _("Track %(number)s: %(name)s") % {"number": self.number, "name": self.name}

    def get_absolute_url(self):
        return reverse("relations:track-detail", kwargs={"number": self.number})

    def natural_key(self):
        return (self.number,)

    @classmethod
    def normalize_key(cls, key):
        return key


class Pillar(SlugKeyed):
    """One of the three pillars of ASEAN cooperation."""

    name_en, name_fr = translated(models.CharField, _("name"), max_length=100, unique=True)
    name = Translation()
    description_en, description_fr = translated(models.TextField, _("description"), blank=True)
    description = Translation()

    history = HistoricalRecords()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["name_en"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")

    def __str__(self):
        return self.name


class Source(SlugKeyed):
    """A document the record is taken from."""

    class Kind(models.TextChoices):
        # A record of the event by those who took part (a joint press statement, a co-chairs'
        # statement, an opening statement, the text of an agreement, a government's own page) beats
        # an account written later from such records (a journal article): see docs/content.md.
        PRIMARY = "primary", _("Primary source")
        SECONDARY = "secondary", _("Secondary source")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind of source"),
        max_length=10,
        choices=Kind,
        default=Kind.SECONDARY,
        help_text=_(
            "Primary: a record made by those who took part (a joint press statement, an agreement's text, a "
            "government's own page). Secondary: an account written from such records."
        ),
    )
    published_on = models.DateField(_("published"), null=True, blank=True)
    published_precision = precision_field(_("publication date precision"))
    accessed_on = models.DateField(
        _("read on"), null=True, blank=True, help_text=_("For a web page: the day the quoted passages were read.")
    )
    seed_file = models.CharField(
        _("working file"),
        max_length=200,
        blank=True,
        help_text=_("Staff only: the copy of the document the quotes were checked against. Never shown publicly."),
    )
    author = models.CharField(
        _("author or publisher"), max_length=200, help_text=_("A person, or the body that published it.")
    )
    author_fr = models.CharField(
        _("author or publisher in French"),
        max_length=200,
        blank=True,
        help_text=_("Where the body has a French name (Affaires mondiales Canada); French pages show it."),
    )
    year = year_field(_("year"), _("Year of publication, if known."))
    language = models.CharField(
        _("language"), max_length=10, help_text=_("Language of the document as a BCP 47 code: en, fr, id, …")
    )
    url = models.URLField(
        _("URL"), max_length=500, blank=True, help_text=_("Where the public can read it, if anywhere.")
    )
    bibliographic_details_en, bibliographic_details_fr = translated(
        models.TextField,
        _("bibliographic details"),
        blank=True,
        help_text=_("Journal, volume, pages, ISSN, or a file reference."),
    )
    bibliographic_details = Translation()
    notes_en, notes_fr = translated(
        models.TextField,
        _("notes"),
        blank=True,
        help_text=_("What a reader should know about the document, e.g. known errors."),
    )
    notes = Translation()

    history = HistoricalRecords()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

    @property
    def author_name(self):
        """The author or publisher as the page's language names it."""
        return (self.author_fr or self.author) if active_language() == "fr" else self.author

    @property
    def is_primary(self):
        return self.kind == self.Kind.PRIMARY

    @property
    def published_display(self):
        if self.published_on:
            return format_date(self.published_on, self.published_precision)
        return str(self.year or "")

    @property
    def short_citation(self):
        """ "ASEAN Secretariat (1988)": how a discrepancy's table names the source."""
        year = self.published_on.year if self.published_on else self.year
        return f"{self.author_name} ({year})" if year else self.author_name

    @property
    def language_name(self):
        """The language's name in the active language where Django knows it ("Indonesian"), else its code."""
        try:
            return get_language_info(self.language)["name_translated"]
        except KeyError:
            return self.language


# ---------------------------------------------------------------------------------------------
# Content: what the four content types share
# ---------------------------------------------------------------------------------------------


class RecordQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def listed(self):
        """What public lists, search, the timeline and country pages show: published, not archived."""
        return self.published()

    def public(self):
        """What the public may open at its URL: `listed()` and the archived records."""
        return self.filter(publication_status__in=PUBLIC_STATUSES)

    def with_date_modified(self):
        """Annotate each record with its last published change, so `date_modified` needs no query."""
        history = self.model.history.model
        last = (
            history.objects.filter(id=OuterRef("pk"), publication_status=PublicationStatus.PUBLISHED)
            .order_by("-history_date")
            .values("history_date")[:1]
        )
        return self.annotate(last_published_change=Subquery(last))

    def search(self, text):
        """The records the search index finds for `text` in the active language (relations.search:
        the same words, aliases, dates and syntax as the search page), in this queryset's order."""
        from .search import matching_ids

        return self.filter(pk__in=matching_ids(self.model, text))


class RecordManager(SlugManager.from_queryset(RecordQuerySet)):
    pass


def listed_indexes(name, ordering, include):
    """Indexes of the listed records only, in their list order in each language (a title in
    `ordering` is that language's), with the id and the columns the list filters test: public lists
    page through them (ids first, see relations.views.DeferredJoinPaginator), and counts, filtered
    or not, and the home page's decades read them without touching the table (on PostgreSQL;
    elsewhere `include` is ignored)."""
    return [
        models.Index(
            fields=[*(f"{field}_{code}" if field.lstrip("-") == "title" else field for field in ordering), "id"],
            include=include,
            condition=Q(publication_status=PublicationStatus.PUBLISHED),
            name=f"{name}_listed_{code}_idx",
        )
        for code in LANGUAGE_CODES
    ]


class Corroboration(models.TextChoices):
    """How a record knows what it says: the strongest of the sources it cites."""

    PRIMARY = "primary", _("Corroborated by a primary source")
    SEVERAL_SECONDARY = "several-secondary", _("Several secondary sources, no primary source")
    ONE_SECONDARY = "one-secondary", _("One secondary source only")
    NONE = "none", _("No source cited")


def corroboration_of(citations):
    """How well a record with these citations (their sources loaded) is attested: the strongest
    of the sources they cite."""
    sources = {citation.source_id: citation.source for citation in citations}.values()
    if any(source.is_primary for source in sources):
        return Corroboration.PRIMARY
    if len(sources) > 1:
        return Corroboration.SEVERAL_SECONDARY
    if sources:
        return Corroboration.ONE_SECONDARY
    return Corroboration.NONE


class Record(SlugKeyed):
    """The fields and behaviour every content type shares; its citations are in Citation.

    Each content type also declares what makes it different, in the class attributes below; the
    selectors, pages, API, feeds, timeline and structured data read these and nothing else.
    """

    # --- What each content type declares about itself ------------------------------------------
    #: Its list and detail pages' address under the language prefix (translated); the API's path is
    #: the same in English.
    url_prefix = None
    #: Its date, by which the timeline, the home page's decades and the year filters place it: a
    #: DateField known to `date_precision_field`, or a year (an integer field, no precision).
    date_field = None
    end_date_field = None
    date_precision_field = None
    #: What a list row shows beyond its own columns (foreign keys loaded with it).
    list_related = ()
    #: What its detail page and API representation load with it: foreign keys, then relations that
    #: hold several records (of other content, only listed ones are shown).
    detail_select = ()
    detail_prefetch = ()
    #: How reference data names it: {reference model's name, which is also its list filter's: lookups}.
    reference_lookups = {"source": ("citations__source",)}
    #: Its schema.org type (relations.structured_data).
    schema_type = "CreativeWork"
    #: Whether its list offers what it filtered as an iCalendar file too.
    has_calendar = False
    #: Whether its list offers what it filtered as IATI activity XML too (relations.iati).
    has_iati = False
    #: Whether its list page charts what it filtered (relations.visuals.program_figures).
    has_figures = False

    # Both languages may be empty in a draft; publishing needs the title and summary in both (clean).
    title_en, title_fr = translated(models.CharField, _("title"), max_length=300, blank=True)
    title = Translation()
    summary_en, summary_fr = translated(
        models.TextField, _("summary"), blank=True, help_text=_("One or two sentences in plain words, shown in lists.")
    )
    summary = Translation()
    body_en, body_fr = translated(
        models.TextField, _("body"), blank=True, help_text=_("The full account, if the summary is not enough.")
    )
    body = Translation()
    publication_status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        db_index=True,
        help_text=_(
            "Draft, then in review when it is ready for a publisher. Published records are public and listed; "
            "archived ones stay at their address, marked as archived, out of lists."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)
    # Set by a publisher (relations.workflow.schedule); `manage.py publish_scheduled` takes the step.
    go_live_at = models.DateTimeField(_("publish at"), null=True, blank=True, editable=False)
    expire_at = models.DateTimeField(_("archive at"), null=True, blank=True, editable=False)
    # Counts the record's saves, so that a form opened before the latest save is refused rather than
    # overwriting it (relations.admin.RecordForm).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Every change, with who made it and when; `inherit=True` gives each content type its own
    # historical table (HistoricalEvent, …). `updated_at` is left out (history_date says when).
    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    objects = RecordManager()

    class Meta:
        abstract = True

    # What the public must be able to read in both languages: publishing refuses a record without it.
    required_translations = ("title", "summary")

    def __str__(self):
        return self.title

    def save(self, *args, update_fields=None, **kwargs):
        # Every save is a new version (the admin refuses a form made from an older one).
        self.version = (self.version or 0) + 1
        if update_fields is not None:
            update_fields = {*update_fields, "version"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def clean(self):
        """A draft needs a title in one language; a public record its title and summary in both."""
        if not (self.title_en or self.title_fr):
            raise ValidationError({"title_en": _("Give the record a title, in English or in French.")})
        if self.publication_status in PUBLIC_STATUSES and (missing := self.missing_translations()):
            raise ValidationError(
                {
                    name: _(
                        "Publishing needs this text in English and in French, and it is empty. Add it, or keep "
                        "the record as a draft until the translation is ready."
                    )
                    for name in missing
                }
            )

    def missing_translations(self):
        """The fields publishing needs that are empty, e.g. ["summary_fr"]."""
        return [
            localized(name, code)
            for name in self.required_translations
            for code in LANGUAGE_CODES
            if not getattr(self, localized(name, code)).strip()
        ]

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    @property
    def discrepancies(self):
        """The discrepancies recorded on its citations (read from the prefetched citations)."""
        return [discrepancy for citation in self.citations.all() for discrepancy in citation.discrepancies.all()]

    @property
    def corroboration(self):
        """How well the record is attested, from the sources it cites (read from the prefetched citations)."""
        return corroboration_of(self.citations.all())

    @property
    def is_archived(self):
        return self.publication_status == PublicationStatus.ARCHIVED

    @property
    def is_public(self):
        return self.publication_status in PUBLIC_STATUSES

    @property
    def date_modified(self):
        """The "Date modified" the public sees: the last change saved while the record was published.

        Archiving does not change it, and neither does work on a draft before it is published. A record
        that has no history yet (loaded from a fixture) falls back to its last modification time.
        """
        if hasattr(self, "last_published_change"):
            last = self.last_published_change
        else:
            last = (
                self.history.filter(publication_status=PublicationStatus.PUBLISHED)
                .values_list("history_date", flat=True)
                .first()
            )
        return last or self.updated_at


# ---------------------------------------------------------------------------------------------
# The four content types
# ---------------------------------------------------------------------------------------------


class Agreement(Record):
    url_prefix = _("agreements/")
    date_field = "adopted_on"
    date_precision_field = "adopted_precision"
    list_related = ("country",)
    detail_select = ("country", "supersedes")
    detail_prefetch = ("party_countries", "party_organisations", "pillars", "events", "programs", "superseded_by")
    reference_lookups = {
        **Record.reference_lookups,
        "country": ("country", "party_countries"),
        "organisation": ("party_organisations",),
        "pillar": ("pillars",),
    }
    schema_type = "Legislation"

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement")
        JOINT_DECLARATION = "joint-declaration", _("Joint declaration")
        JOINT_STATEMENT = "joint-statement", _("Joint statement")
        PLAN_OF_ACTION = "plan-of-action", _("Plan of action")
        WORK_PLAN = "work-plan", _("Work plan")
        MOU = "mou", _("Memorandum of understanding")
        PARTNERSHIP = "partnership", _("Partnership")
        STRATEGY = "strategy", _("Strategy")

    class Status(models.TextChoices):
        IN_NEGOTIATION = "in-negotiation", _("In negotiation")
        IN_FORCE = "in-force", _("In force")
        COMPLETED = "completed", _("Completed")
        SUPERSEDED = "superseded", _("Superseded")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status, blank=True)
    adopted_on = models.DateField(
        _("adopted or signed"), null=True, blank=True, help_text=_("Empty while it is still being negotiated.")
    )
    adopted_precision = precision_field()
    city_en, city_fr = translated(models.CharField, _("city"), max_length=100, blank=True)
    city = Translation()
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements_adopted_here",
        help_text=_("Where it was adopted or signed."),
    )
    party_countries = models.ManyToManyField(
        Country, verbose_name=_("parties (countries)"), blank=True, related_name="agreements"
    )
    party_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("parties (organisations)"), blank=True, related_name="agreements"
    )
    period_start = year_field(_("in force from (year)"), _("For plans: the first year they cover, e.g. 2016."))
    period_end = year_field(_("in force until (year)"), _("For plans: the last year they cover, e.g. 2020."))
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    pillars = models.ManyToManyField(Pillar, verbose_name=_("pillars"), blank=True, related_name="agreements")
    text_url = models.URLField(
        _("text"), max_length=500, blank=True, help_text=_("Link to the public text, if there is one.")
    )

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["-adopted_on", "title_en"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        permissions = workflow_permissions("agreement", "agreements")
        indexes = [
            models.Index(fields=["-adopted_on", "title_en"], name="agreement_order_idx"),
            *listed_indexes("agreement", ["-adopted_on", "title"], ["country", "kind", "status"]),
            models.Index(fields=["kind"], name="agreement_kind_idx"),
            models.Index(fields=["status"], name="agreement_status_idx"),
        ]
        constraints = [not_before("period_end", "period_start", "agreement_period_end_not_before_start")]

    @property
    def date_display(self):
        return format_date(self.adopted_on, self.adopted_precision)

    @property
    def period_display(self):
        return format_year_range(self.period_start, self.period_end)

    @property
    def listed_supersedes(self):
        """The agreement this one supersedes, if the public may see it listed: a foreign key is not
        filtered as the prefetched relations are (selectors.related_queryset), so it is checked here."""
        earlier = self.supersedes
        return earlier if earlier is not None and earlier.is_published else None

    def clean(self):
        super().clean()
        self.adopted_on = truncate_date(self.adopted_on, self.adopted_precision)


class Event(Record):
    url_prefix = _("events/")
    date_field = "start_date"
    end_date_field = "end_date"
    date_precision_field = "date_precision"
    list_related = ("country", "track")
    detail_select = ("country", "track")
    detail_prefetch = ("pillars", "organisations", "agreements", "programs")
    reference_lookups = {
        **Record.reference_lookups,
        "country": ("country",),
        "organisation": ("organisations",),
        "track": ("track",),
        "pillar": ("pillars",),
    }
    schema_type = "Event"
    has_calendar = True

    class Kind(models.TextChoices):
        DIALOGUE = "dialogue", _("Dialogue")
        JCC_MEETING = "jcc-meeting", _("Joint Cooperation Committee meeting")
        ECONOMIC_MINISTERS = "economic-ministers", _("Economic ministers' consultation")
        POST_MINISTERIAL = "post-ministerial", _("Post-ministerial conference")
        SUMMIT = "summit", _("Summit")
        MINISTERIAL = "ministerial", _("Ministerial meeting")
        OFFICIALS = "officials", _("Senior officials' meeting")
        NEGOTIATION = "negotiation", _("Negotiation round")
        CONSULTATION = "consultation", _("Public consultation")
        FORUM = "forum", _("Forum or conference")
        ANNOUNCEMENT = "announcement", _("Announcement")
        COMPETITION = "competition", _("Competition")
        FOUNDING = "founding", _("Founding or accreditation")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Empty for a one-day event."))
    date_precision = precision_field()
    date_certainty = models.CharField(
        _("date certainty"),
        max_length=15,
        choices=DateCertainty,
        blank=True,
        help_text=_("Where the sources are unsure of the date: shown in words, exported as EDTF (“1995?”)."),
    )
    city_en, city_fr = translated(models.CharField, _("city"), max_length=100, blank=True)
    city = Translation()
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    track = models.ForeignKey(
        Track,
        verbose_name=_("track"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("The track of multitrack diplomacy the source places it in."),
    )
    pillars = models.ManyToManyField(Pillar, verbose_name=_("pillars"), blank=True, related_name="events")
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("participating organisations"), blank=True, related_name="events"
    )
    agreements = models.ManyToManyField(
        Agreement,
        verbose_name=_("related agreements"),
        blank=True,
        related_name="events",
        help_text=_("Agreements adopted, reviewed or announced at this event."),
    )

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["-start_date", "title_en"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = workflow_permissions("event", "events")
        indexes = [
            models.Index(fields=["-start_date", "title_en"], name="event_order_idx"),
            *listed_indexes("event", ["-start_date", "title"], ["country", "track", "kind"]),
            models.Index(fields=["kind"], name="event_kind_idx"),
        ]
        constraints = [not_before("end_date", "start_date", "event_end_not_before_start")]

    @property
    def date_display(self):
        return describe_certainty(
            format_date_range(self.start_date, self.end_date, self.date_precision), self.date_certainty
        )

    @property
    def date_edtf(self):
        """The date in the Extended Date/Time Format, with its qualifier: what the API and downloads carry."""
        return edtf_range(self.start_date, self.end_date, self.date_precision, self.date_certainty)

    def clean(self):
        super().clean()
        self.start_date = truncate_date(self.start_date, self.date_precision)
        self.end_date = truncate_date(self.end_date, self.date_precision)


class Mission(Record):
    required_translations = (*Record.required_translations, "city")
    url_prefix = _("missions/")
    date_field = "opened_on"
    date_precision_field = "opened_precision"
    list_related = ("country",)
    detail_select = ("country",)
    detail_prefetch = ("accredited_countries", "accredited_organisations", "heads")
    reference_lookups = {
        **Record.reference_lookups,
        "country": ("country", "accredited_countries"),
        "organisation": ("accredited_organisations",),
    }
    schema_type = "GovernmentOrganization"

    class Kind(models.TextChoices):
        MISSION_TO_ORGANISATION = "mission", _("Mission to an organisation")
        EMBASSY = "embassy", _("Embassy")
        HIGH_COMMISSION = "high-commission", _("High commission")
        CONSULATE = "consulate", _("Consulate")
        OFFICE = "office", _("Office")
        TRADE_OFFICE = "trade-office", _("Trade office")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    city_en, city_fr = translated(models.CharField, _("city"), max_length=100, blank=True)
    city = Translation()
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="missions")
    accredited_countries = models.ManyToManyField(
        Country,
        verbose_name=_("accredited to (countries)"),
        blank=True,
        related_name="accredited_missions",
    )
    accredited_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("accredited to (organisations)"),
        blank=True,
        related_name="accredited_missions",
    )
    opened_on = models.DateField(_("opened"), null=True, blank=True)
    opened_precision = precision_field(_("opening date precision"))
    closed_on = models.DateField(_("closed"), null=True, blank=True, help_text=_("Empty while it is open."))
    closed_precision = precision_field(_("closing date precision"))
    website = models.URLField(_("website"), blank=True)

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["title_en"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        permissions = workflow_permissions("mission", "missions")
        indexes = [
            models.Index(fields=["title_en"], name="mission_title_idx"),
            *listed_indexes("mission", ["title"], ["country", "kind", "opened_on", "closed_on"]),
            models.Index(fields=["opened_on"], name="mission_opened_idx"),
            models.Index(fields=["kind"], name="mission_kind_idx"),
        ]
        constraints = [not_before("closed_on", "opened_on", "mission_closed_not_before_opened")]

    @property
    def date_display(self):
        return format_date(self.opened_on, self.opened_precision)

    @property
    def closed_display(self):
        return format_date(self.closed_on, self.closed_precision)

    def clean(self):
        super().clean()
        self.opened_on = truncate_date(self.opened_on, self.opened_precision)
        self.closed_on = truncate_date(self.closed_on, self.closed_precision)


class HeadOfMissionManager(models.Manager):
    def get_by_natural_key(self, mission_slug, name, start_date):
        return self.get(mission__slug=mission_slug, name=name, start_date=start_date)


class HeadOfMission(PlainText):
    mission = models.ForeignKey(Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="heads")
    name = models.CharField(_("name"), max_length=200)
    title_en, title_fr = translated(
        models.CharField, _("title"), max_length=200, help_text=_("E.g. Ambassador of Canada to ASEAN.")
    )
    title = Translation()
    # A dated role, as the US Office of the Historian records chiefs of mission: appointed, presented
    # credentials, left post; each at the precision a source gives, empty where none does.
    start_date = models.DateField(_("appointed"), null=True, blank=True)
    start_precision = precision_field(_("appointed: precision"))
    credentials_on = models.DateField(_("presented credentials"), null=True, blank=True)
    credentials_precision = precision_field(_("presented credentials: precision"))
    end_date = models.DateField(_("left post"), null=True, blank=True, help_text=_("Empty while in post."))
    end_precision = precision_field(_("left post: precision"))
    note_en, note_fr = translated(models.TextField, _("note"), blank=True)
    note = Translation()

    history = HistoricalRecords()

    objects = HeadOfMissionManager()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["mission", "start_date"]
        verbose_name = _("head of mission")
        verbose_name_plural = _("heads of mission")
        constraints = [
            not_before("end_date", "start_date", "head_of_mission_end_not_before_start"),
            models.UniqueConstraint(fields=["mission", "name", "start_date"], name="head_of_mission_unique_term"),
        ]

    def __str__(self):
        return f"{self.name}, {self.title}"

    def get_absolute_url(self):
        return f"{self.mission.get_absolute_url()}#heads-of-mission"

    def natural_key(self):
        return (self.mission.slug, self.name, self.start_date)

    natural_key.dependencies = ["relations.mission"]

    @property
    def term_display(self):
        start = format_date(self.start_date, self.start_precision)
        end = format_date(self.end_date, self.end_precision)
        if start and end:
            return f"{start} – {end}"
        return _("until %(date)s") % {"date": end} if end else start

    @property
    def appointed_display(self):
        return format_date(self.start_date, self.start_precision)

    @property
    def credentials_display(self):
        return format_date(self.credentials_on, self.credentials_precision)

    @property
    def left_display(self):
        return format_date(self.end_date, self.end_precision)

    def clean(self):
        self.start_date = truncate_date(self.start_date, self.start_precision)
        self.credentials_on = truncate_date(self.credentials_on, self.credentials_precision)
        self.end_date = truncate_date(self.end_date, self.end_precision)


class AssistanceProgram(Record):
    url_prefix = _("programs/")
    date_field = "start_year"
    end_date_field = "end_year"
    detail_prefetch = ("pillars", "countries", "organisations", "agreements", "events")
    reference_lookups = {
        **Record.reference_lookups,
        "country": ("countries",),
        "organisation": ("organisations",),
        "pillar": ("pillars",),
    }
    schema_type = "MonetaryGrant"
    has_iati = True
    has_figures = True

    class Sector(models.TextChoices):
        GOVERNANCE = "governance", _("Governance, human rights and the rule of law")
        PEACE_SECURITY = "peace-security", _("Peace and security")
        ECONOMIC_GROWTH = "economic-growth", _("Economic growth, trade and integration")
        EDUCATION = "education", _("Education and scholarships")
        HEALTH = "health", _("Health")
        ENVIRONMENT = "environment", _("Environment and climate")
        GENDER = "gender", _("Gender equality")
        HUMANITARIAN = "humanitarian", _("Humanitarian assistance and disaster management")
        MULTISECTOR = "multisector", _("Several sectors")

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    amount = models.DecimalField(
        _("amount"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("As a number, e.g. 100000000 for “nearly $100 million”."),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency, blank=True)
    amount_as_stated = models.CharField(
        _("amount as stated"), max_length=200, blank=True, help_text=_("The amount in the source's own words.")
    )
    other_amount = models.DecimalField(
        _("amount in another currency"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Where the source also gives the figure in a second currency."),
    )
    other_currency = models.CharField(_("other currency"), max_length=3, choices=Currency, blank=True)
    start_year = year_field(_("start year"))
    end_year = year_field(_("end year"))
    sector = models.CharField(_("sector"), max_length=20, choices=Sector, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, blank=True)
    pillars = models.ManyToManyField(Pillar, verbose_name=_("pillars"), blank=True, related_name="programs")
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="programs", help_text=_("Where it works.")
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("funders and implementing organisations"),
        blank=True,
        related_name="programs",
    )
    agreements = models.ManyToManyField(
        Agreement, verbose_name=_("related agreements"), blank=True, related_name="programs"
    )
    events = models.ManyToManyField(
        Event,
        verbose_name=_("related events"),
        blank=True,
        related_name="programs",
        help_text=_("E.g. the meeting at which it was announced."),
    )

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["-start_year", "title_en"]
        verbose_name = _("assistance program")
        verbose_name_plural = _("assistance programs")
        permissions = workflow_permissions("assistanceprogram", "assistance programs")
        indexes = [
            models.Index(fields=["-start_year", "title_en"], name="program_order_idx"),
            *listed_indexes("program", ["-start_year", "title"], ["end_year", "sector", "status"]),
            models.Index(fields=["end_year"], name="program_end_year_idx"),
            models.Index(fields=["sector"], name="program_sector_idx"),
            models.Index(fields=["status"], name="program_status_idx"),
            models.Index(fields=["amount"], name="program_amount_idx"),
        ]
        constraints = [
            not_before("end_year", "start_year", "program_end_year_not_before_start"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="program_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(other_amount__isnull=True) | Q(other_amount__gte=0),
                name="program_other_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True, currency="") | Q(amount__isnull=False, currency__in=Currency.values),
                name="program_amount_has_currency",
                violation_error_message=_("An amount needs its currency, and a currency its amount."),
            ),
            models.CheckConstraint(
                condition=Q(other_amount__isnull=True, other_currency="")
                | Q(other_amount__isnull=False, other_currency__in=Currency.values),
                name="program_other_amount_has_currency",
                violation_error_message=_("An amount needs its currency, and a currency its amount."),
            ),
        ]

    @property
    def date_display(self):
        return format_year_range(self.start_year, self.end_year)

    @property
    def amount_display(self):
        """ "CAD 10,000,000", with the figure in the other currency after it where there is one."""
        shown = format_amount(self.amount, self.currency)
        if self.other_amount is not None:
            shown += f" ({format_amount(self.other_amount, self.other_currency)})"
        return shown


CONTENT_MODELS = (Event, Agreement, Mission, AssistanceProgram)
#: What the content is described with, each with a public page listing the records that name it.
REFERENCE_MODELS = (Country, Organisation, Track, Pillar, Source)


def content_model(name):
    """The content type of a model name ("event")."""
    return next(model for model in CONTENT_MODELS if model._meta.model_name == name)


# ---------------------------------------------------------------------------------------------
# Citations: every content record's link to the passages it comes from
# ---------------------------------------------------------------------------------------------

# One foreign key per content type (rather than a generic relation) keeps referential integrity
# in the database and lets fixtures refer to records by slug.
CITED_FIELDS = {model._meta.model_name: model for model in CONTENT_MODELS}


#: A locator names the source's headings, separated thus; "paragraph N" points into untitled text.
LOCATOR_SEPARATOR = " › "
POSITIONAL_LOCATOR = re.compile(r"paragraph (\d+)")


class CitationManager(models.Manager):
    def get_by_natural_key(self, record_type, record_slug, source_slug, locator):
        return self.get(**{f"{record_type}__slug": record_slug}, source__slug=source_slug, locator=locator)


def _cites_exactly_one_record():
    cases = [Q(**{f"{name}__isnull": name != cited for name in CITED_FIELDS}) for cited in CITED_FIELDS]
    condition = cases[0]
    for case in cases[1:]:
        condition |= case
    return models.CheckConstraint(
        condition=condition,
        name="citation_cites_exactly_one_record",
        violation_error_message=_("A citation belongs to exactly one record."),
    )


class Citation(PlainText):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    assistanceprogram = models.ForeignKey(
        AssistanceProgram,
        verbose_name=_("assistance program"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
    )
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations")
    locator = models.CharField(
        _("locator"),
        max_length=300,
        help_text=_("Where in the source: the section heading and item exactly as they appear there."),
    )
    quote = models.TextField(
        _("quote"),
        blank=True,
        help_text=_("A short passage, verbatim and in the source's language, that supports the record."),
    )
    note_en, note_fr = translated(models.TextField, _("note"), blank=True)
    note = Translation()
    history = HistoricalRecords()

    objects = CitationManager()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["source", "locator"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            _cites_exactly_one_record(),
            *(
                models.UniqueConstraint(fields=[name, "source", "locator"], name=f"citation_unique_locator_per_{name}")
                for name in CITED_FIELDS
            ),
        ]

    def __str__(self):
        return f"{self.source}, {self.locator}"

    def get_absolute_url(self):
        return f"{self.record.get_absolute_url()}#citation-{self.pk}"

    @property
    def locator_is_positional(self):
        """Whether the locator is only our pointer ("paragraph 3"), not the source's own heading."""
        return bool(POSITIONAL_LOCATOR.fullmatch(self.locator))

    @property
    def locator_display(self):
        """The locator as a reader sees it: the source's headings as printed, our "paragraph 3" in
        the page's language (« paragraphe 3 »)."""
        parts = self.locator.split(LOCATOR_SEPARATOR)
        return LOCATOR_SEPARATOR.join(
            _("paragraph %(number)s") % {"number": match[1]} if (match := POSITIONAL_LOCATOR.fullmatch(part)) else part
            for part in parts
        )

    @property
    def record_type(self):
        return next(name for name in CITED_FIELDS if getattr(self, f"{name}_id") is not None)

    @property
    def record(self):
        return getattr(self, self.record_type)

    def natural_key(self):
        return (self.record_type, self.record.slug, self.source.slug, self.locator)

    natural_key.dependencies = ["relations.source", *(f"relations.{name}" for name in CITED_FIELDS)]


# ---------------------------------------------------------------------------------------------
# Discrepancies: where the sources disagree on a fact of a record
# ---------------------------------------------------------------------------------------------


class DiscrepancyManager(models.Manager):
    def get_by_natural_key(self, record_type, record_slug, source_slug, locator, field):
        citation = Citation.objects.get_by_natural_key(record_type, record_slug, source_slug, locator)
        return self.get(citation=citation, field=field)


class Discrepancy(models.Model):
    """Sources (or one source's heading and paragraph) give different values for one fact of a record.

    It hangs on the citation whose value the record follows; each other value is a Claim citing its
    own passage. Shown on the record's page as a small table, and in the API and downloads.
    """

    class Field(models.TextChoices):
        DATE = "date", _("Date")
        PLACE = "place", _("Place")
        ORDINAL = "ordinal", _("Number in the series")
        NAME = "name", _("Name or subject")
        DOCUMENT = "document", _("Document referred to")
        AMOUNT = "amount", _("Amount")
        STATUS = "status", _("Status")

    citation = models.ForeignKey(
        Citation,
        verbose_name=_("citation followed"),
        on_delete=models.CASCADE,
        related_name="discrepancies",
        help_text=_("The passage whose value the record follows."),
    )
    field = models.CharField(_("what they disagree on"), max_length=10, choices=Field)
    value_en, value_fr = translated(
        models.CharField, _("value followed"), max_length=300, help_text=_("As that passage gives it.")
    )
    value = Translation()
    reason_en, reason_fr = translated(
        models.TextField,
        _("why the record follows it"),
        help_text=_("E.g. “The joint press statement: a primary source.”"),
    )
    reason = Translation()

    objects = DiscrepancyManager()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["citation", "field"]
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        constraints = [models.UniqueConstraint(fields=["citation", "field"], name="discrepancy_unique_field")]

    def __str__(self):
        return f"{self.citation.record}: {self.get_field_display()}"

    def natural_key(self):
        return (*self.citation.natural_key(), self.field)

    natural_key.dependencies = ["relations.citation"]

    @property
    def record(self):
        return self.citation.record


class ClaimManager(models.Manager):
    def get_by_natural_key(self, *key):
        discrepancy = Discrepancy.objects.get_by_natural_key(*key[:5])
        return self.get(discrepancy=discrepancy, citation=Citation.objects.get_by_natural_key(*key[5:]))


class Claim(models.Model):
    """A value the record does not follow, with the passage that gives it."""

    discrepancy = models.ForeignKey(
        Discrepancy, verbose_name=_("discrepancy"), on_delete=models.CASCADE, related_name="claims"
    )
    citation = models.ForeignKey(
        Citation,
        verbose_name=_("citation"),
        on_delete=models.CASCADE,
        related_name="claims",
        help_text=_("The passage that gives this value: a citation of the same record."),
    )
    value_en, value_fr = translated(models.CharField, _("value"), max_length=300)
    value = Translation()

    objects = ClaimManager()

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["discrepancy", "citation"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [models.UniqueConstraint(fields=["discrepancy", "citation"], name="claim_unique_citation")]

    def __str__(self):
        return f"{self.citation.source}: {self.value}"

    def natural_key(self):
        return (*self.discrepancy.natural_key(), *self.citation.natural_key())

    natural_key.dependencies = ["relations.discrepancy"]

    def clean(self):
        if self.discrepancy_id and self.citation_id and self.citation.record != self.discrepancy.record:
            raise ValidationError({"citation": _("A claim cites a passage of the record the discrepancy is about.")})


# ---------------------------------------------------------------------------------------------
# Editorial work on public records: working copies and the editorial log
# ---------------------------------------------------------------------------------------------


class RevisionQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(submitted_at__isnull=False)

    def of(self, record):
        return self.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


class Revision(models.Model):
    """The working copy of a public record: the change form's data as it was last saved, kept apart
    from the record (the public keeps seeing the live version) until a publisher publishes it
    (relations.workflow.publish_revision) or someone discards it. One per record.

    `data` is what the browser posted: the record's fields, its inlines (citations, heads of
    mission) and its links, so that publishing it goes through the same form and checks as an edit.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(encoder=DjangoJSONEncoder)
    version = models.PositiveIntegerField(_("version"), default=1)
    based_on_version = models.PositiveIntegerField(_("drafted from version"))
    restored_from = models.DateTimeField(
        _("restored from the version of"), null=True, blank=True, help_text=_("Set when the draft is a restore.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    go_live_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Each saved state, so that a form refused as stale can say what changed since it was opened.
    history = HistoricalRecords()

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draft changes")
        verbose_name_plural = _("draft changes")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="revision_one_per_record"),
        ]

    def __str__(self):
        return _("Draft changes to “%(record)s”") % {"record": self.record}


class EditorialNote(models.Model):
    """One editorial event on a record, with its comment: submitted, returned, published, discarded,
    restored. Kept with the record's history (the change form and the History page show them)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned for changes")
        PUBLISHED = "published", _("Draft changes published")
        DISCARDED = "discarded", _("Draft changes discarded")
        RESTORED = "restored", _("Earlier version restored as a draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SCHEDULED_STEP = "scheduled-step", _("Scheduled step taken")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=20, choices=Action)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("editorial note")
        verbose_name_plural = _("editorial notes")
        default_permissions = ()
        indexes = [models.Index(fields=["content_type", "object_id"], name="editorialnote_record_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.comment}" if self.comment else self.get_action_display()


# ---------------------------------------------------------------------------------------------
# Imports: the file kept between the preview and the confirmation, and what a confirmed import did
# ---------------------------------------------------------------------------------------------


class ImportStage(models.TextChoices):
    """Where a background import (relations.importing.tasks) has got to."""

    QUEUED = "queued", _("waiting for the import worker")
    CHECKING = "checking", _("checking")
    CHECKED = "checked", _("checked")
    CONFIRMED = "confirmed", _("confirmed, waiting for the import worker")
    IMPORTING = "importing", _("importing")
    WRITING = "writing", _("writing")
    IMPORTED = "imported", _("imported")
    FAILED = "failed", _("failed")


class KeptImportFile(models.Model):
    """An uploaded file kept, server-side, from its preview to its confirmation.

    The confirmation names it only by this random id, and it is found only for the user who
    uploaded it, for the model it was uploaded to, and until it expires (settings.IMPORT_PREVIEW_HOURS):
    the client never names a file or a format. Deleted once used; expired ones are deleted at each
    new import and by `manage.py clearimports`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    model = models.CharField(_("model"), max_length=100, help_text=_("The records it imports: “relations.event”."))
    format = models.CharField(_("format"), max_length=10)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    data = models.BinaryField(_("data"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    # A file above settings.IMPORT_BACKGROUND_SIZE is checked, then imported, by the import worker
    # (relations.importing.tasks); these say how far it has got. A small file keeps stage "".
    stage = models.CharField(_("stage"), max_length=10, choices=ImportStage.choices, blank=True)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    # The check's preview (relations.importing.preview.Preview.as_json), kept for the page to show.
    preview = models.JSONField(_("preview"), null=True, blank=True, encoder=DjangoJSONEncoder)
    message = models.TextField(_("message"), blank=True)
    batch = models.ForeignKey(
        "ImportBatch", verbose_name=_("import"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["-created_at"]
        verbose_name = _("kept import file")
        verbose_name_plural = _("kept import files")

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        app_label, model_name = self.model.split(".")
        return reverse(f"admin:{app_label}_{model_name}_import_preview", args=[self.pk])


class ImportBatch(models.Model):
    """A confirmed import: who, when, which file, what it added and changed (ImportedRow), and
    whether it was undone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    model = models.CharField(_("model"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("undone by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        default_permissions = ("view",)
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("admin:relations_importbatch_change", args=[self.pk])

    @property
    def records_model(self):
        from django.apps import apps

        return apps.get_model(self.model)


class ImportedRow(models.Model):
    """One record an import added or changed, with its values before (to undo) and after (to tell
    whether someone changed it since)."""

    class Action(models.TextChoices):
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")

    batch = models.ForeignKey(ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows")
    object_id = models.BigIntegerField(_("record id"))
    action = models.CharField(_("action"), max_length=10, choices=Action)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        default_permissions = ()
        ordering = ["batch", "pk"]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")

    def __str__(self):
        return f"{self.batch_id}: {self.action} {self.object_id}"


# ---------------------------------------------------------------------------------------------
# Eras: the periods the drawn timeline shows behind the records
# ---------------------------------------------------------------------------------------------


class Era(SlugKeyed):
    """A period of the relationship (the Joint Cooperation Committee years, say), drawn behind the
    records on the timeline. Staff edit them in the admin; each names the record that attests it
    where the registry has one."""

    name_en, name_fr = translated(models.CharField, _("name"), max_length=150)
    name = Translation()
    description_en, description_fr = translated(models.TextField, _("description"), blank=True)
    description = Translation()
    start_year = models.PositiveSmallIntegerField(
        _("start year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    end_year = year_field(_("end year"), help_text=_("Empty while it lasts."))
    event = models.ForeignKey(
        Event,
        verbose_name=_("attested by (event)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The record that marks its start, if the registry has one."),
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("attested by (agreement)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["start_year", "slug"]
        verbose_name = _("era")
        verbose_name_plural = _("eras")
        constraints = [not_before("end_year", "start_year", "era_end_year_not_before_start")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('relations:timeline')}#era-{self.slug}"

    @property
    def years_display(self):
        if self.end_year is None:
            return _("since %(year)s") % {"year": self.start_year}
        return format_year_range(self.start_year, self.end_year)

    @property
    def record(self):
        """The published record that attests it, if any."""
        for record in (self.event, self.agreement):
            if record is not None and record.is_public:
                return record
        return None


# ---------------------------------------------------------------------------------------------
# The search index (relations.search keeps it; see docs/pages.md, "Search")
# ---------------------------------------------------------------------------------------------


class SearchEntry(models.Model):
    """One listed record as search reads it, in each language: its title, its summary, the names
    it carries (places, countries, organisations and their other names, people, dates) and the
    rest of what it says (body, citations). Written by relations.search.index from the record;
    read through each database's full-text index: on PostgreSQL the weighted vectors a trigger
    fills, on SQLite an FTS5 table that triggers keep (migration 0008_search)."""

    record_type = models.CharField(max_length=30)
    record_id = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField(null=True)
    date = models.DateField(null=True)
    # Never shown (the page shows the record itself): labels are not translated.
    title_en, title_fr = translated(models.TextField, "title")
    summary_en, summary_fr = translated(models.TextField, "summary")
    names_en, names_fr = translated(models.TextField, "names")
    body_en, body_fr = translated(models.TextField, "body")
    countries = models.ManyToManyField(Country, related_name="search_entries")
    pillars = models.ManyToManyField(Pillar, related_name="search_entries")
    # PostgreSQL only (a trigger fills them from the columns above); empty on SQLite.
    vector_en = SearchVectorField(null=True, editable=False)
    vector_fr = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-date", "id"]
        constraints = [models.UniqueConstraint(fields=["record_type", "record_id"], name="search_entry_unique")]
        indexes = [models.Index(fields=["year"], name="search_entry_year_idx")]

    def __str__(self):
        return f"{self.record_type} {self.record_id}"


class SearchTerm(models.Model):
    """A word of the index in one language, unaccented and in lower case: where "did you mean"
    looks for the word nearest a misspelt one (pg_trgm on PostgreSQL, an FTS5 trigram table on
    SQLite)."""

    language = models.CharField(max_length=10)
    term = models.CharField(max_length=100)

    class Meta:
        ordering = ["language", "term"]
        constraints = [models.UniqueConstraint(fields=["language", "term"], name="search_term_unique")]

    def __str__(self):
        return self.term

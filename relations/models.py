"""The registry's data.

Reference data (countries, organisations, tracks, pillars, sources) is what the record is
described with; the four content types (events, agreements, missions, assistance programs) are
the record itself. Every content record cites its sources through Citation.
"""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .amounts import Currency, format_amount
from .dates import DatePrecision, format_date, format_date_range, format_year_range, truncate_date
from .i18n import LANGUAGE_CODES, Translation, localized, translated
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


class SlugKeyed(models.Model):
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


class CountryQuerySet(models.QuerySet):
    def asean_members(self):
        return self.filter(asean_member_since__isnull=False)


class CountryManager(models.Manager.from_queryset(CountryQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
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


class Organisation(SlugKeyed):
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
    description_en, description_fr = translated(models.TextField, _("description"), blank=True)
    description = Translation()

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


class Track(models.Model):
    """One of the nine tracks of multitrack diplomacy (Diamond and McDonald)."""

    key_field = "number"

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    name_en, name_fr = translated(models.CharField, _("name"), max_length=100, unique=True)
    name = Translation()
    description_en, description_fr = translated(models.TextField, _("description"), blank=True)
    description = Translation()

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

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["name_en"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")

    def __str__(self):
        return self.name


class Source(SlugKeyed):
    """A document the record is taken from."""

    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(
        _("author or publisher"), max_length=200, help_text=_("A person, or the body that published it.")
    )
    year = year_field(_("year"), _("Year of publication, if known."))
    language = models.CharField(
        _("language"), max_length=10, help_text=_("Language of the document as a BCP 47 code: en, fr, id, …")
    )
    url = models.URLField(_("URL"), blank=True, help_text=_("Where the public can read it, if anywhere."))
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

    class Meta:
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

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
    text_url = models.URLField(_("text"), blank=True, help_text=_("Link to the public text, if there is one."))

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
        return format_date_range(self.start_date, self.end_date, self.date_precision)

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


class HeadOfMission(models.Model):
    mission = models.ForeignKey(Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="heads")
    name = models.CharField(_("name"), max_length=200)
    title_en, title_fr = translated(
        models.CharField, _("title"), max_length=200, help_text=_("E.g. Ambassador of Canada to ASEAN.")
    )
    title = Translation()
    start_date = models.DateField(_("from"), null=True, blank=True)
    start_precision = precision_field(_("from: precision"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty while in post."))
    end_precision = precision_field(_("to: precision"))
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

    def clean(self):
        self.start_date = truncate_date(self.start_date, self.start_precision)
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


class Citation(models.Model):
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
    discrepancy_en, discrepancy_fr = translated(
        models.TextField,
        _("source discrepancy"),
        blank=True,
        help_text=_(
            "Where the source contradicts itself here (e.g. a heading naming another year than the paragraph "
            "below it): what it says, and which reading the record follows. Shown on the public page."
        ),
    )
    discrepancy = Translation()

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
    def record_type(self):
        return next(name for name in CITED_FIELDS if getattr(self, f"{name}_id") is not None)

    @property
    def record(self):
        return getattr(self, self.record_type)

    def natural_key(self):
        return (self.record_type, self.record.slug, self.source.slug, self.locator)

    natural_key.dependencies = ["relations.source", *(f"relations.{name}" for name in CITED_FIELDS)]


# ---------------------------------------------------------------------------------------------
# The search index (relations.search keeps it; see docs/pages.md, "Search")
# ---------------------------------------------------------------------------------------------


class SearchEntry(models.Model):
    """One listed record as search reads it, in each language: its title, its summary, the names
    it carries (places, countries, organisations and their other names, people, dates) and the
    rest of what it says (body, citations). Written by relations.search.index from the record;
    read through each database's full-text index: on PostgreSQL the weighted vectors a trigger
    fills, on SQLite an FTS5 table that triggers keep (migration 0003_search)."""

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

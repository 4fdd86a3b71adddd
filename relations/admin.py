"""The staff's editing interface: every model, with search, filters, autocomplete and inlines."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import workflow
from .drafts import EditorialViewsAdmin, RecordForm, WorkingCopyAdmin
from .i18n import LANGUAGE_CODES, localized
from .import_admin import ImportExport as ImportExportViews
from .inline_forms import LoadedInline
from .models import (
    CITED_FIELDS,
    CONTENT_MODELS,
    Agreement,
    AssistanceProgram,
    Citation,
    Claim,
    Country,
    Discrepancy,
    Era,
    Event,
    HeadOfMission,
    Mission,
    Organisation,
    Pillar,
    Source,
    Track,
)

# The admin's page titles, translated in the site's catalogue, which Django reads before its own:
# Django's French « Ajout de %s » reads « Ajout de événement » with a vowel (« Modification de »
# likewise); ours is « Ajouter : événement », right whatever the noun.
ADMIN_PAGE_TITLES = (gettext_noop("Add %s"), gettext_noop("Change %s"))

# A web address typed without a scheme is taken as https (Django 6.0's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class CheckedSelection:
    """An action's selection checked before the action runs: a selected id that is not one (a
    forged `_selected_action=abc`) would make Django's `pk__in` filter raise, a 500. The staff
    member is sent back to the list with a message instead."""

    def response_action(self, request, queryset):
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                self.model._meta.pk.to_python(value)
        except ValidationError:
            self.message_user(
                request, _("The selection names no record of this list: select the records again."), messages.ERROR
            )
            return None  # the changelist redirects back to itself
        return super().response_action(request, queryset)


class ImportExport(CheckedSelection, ImportExportViews):
    """Import and export on a changelist (relations.import_admin). Every registered model's admin
    has it, and so also checks an action's selection (CheckedSelection)."""


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


class ReferenceAdmin(ImportExport, SimpleHistoryAdmin):
    """Reference data, with its history: every public page names it, so only a publisher may add,
    change or delete it (workflow.may_change_reference); everyone else with the view permission
    sees it read-only."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and workflow.may_change_reference(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.may_change_reference(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.may_change_reference(request.user)


class AseanMemberFilter(admin.SimpleListFilter):
    title = _("ASEAN member")
    parameter_name = "asean_member"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(asean_member_since__isnull=self.value() == "no")
        return queryset


@admin.register(Country)
class CountryAdmin(ReferenceAdmin):
    list_display = ["name", "code", "asean_member_since"]
    list_filter = [AseanMemberFilter]
    search_fields = ["name_en", "name_fr", "code"]


@admin.register(Organisation)
class OrganisationAdmin(ReferenceAdmin):
    formfield_overrides = HTTPS_URLS
    fields = [
        ("name_en", "name_fr"),
        "slug",
        ("acronym_en", "acronym_fr"),
        ("also_known_as_en", "also_known_as_fr"),
        "kind",
        "country",
        "website",
        "wikidata_id",
        ("description_en", "description_fr"),
    ]
    list_display = ["name", "acronym", "kind", "country"]
    list_select_related = ["country"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name_en", "name_fr", "acronym_en", "acronym_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["country"]


@admin.register(Track)
class TrackAdmin(ReferenceAdmin):
    fields = ["number", ("name_en", "name_fr"), ("description_en", "description_fr")]
    list_display = ["number", "name"]
    list_display_links = ["number", "name"]
    search_fields = ["name_en", "name_fr", "=number"]


@admin.register(Pillar)
class PillarAdmin(ReferenceAdmin):
    fields = [("name_en", "name_fr"), "slug", ("description_en", "description_fr")]
    list_display = ["name", "slug"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Era)
class EraAdmin(admin.ModelAdmin):
    """The periods the timeline draws behind the records (relations.models.Era)."""

    fields = [
        ("name_en", "name_fr"),
        "slug",
        ("start_year", "end_year"),
        ("description_en", "description_fr"),
        ("event", "agreement"),
    ]
    list_display = ["name", "start_year", "end_year"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["event", "agreement"]


@admin.register(Source)
class SourceAdmin(ReferenceAdmin):
    formfield_overrides = HTTPS_URLS
    fields = [
        "title",
        "slug",
        "author",
        "year",
        "language",
        "url",
        ("bibliographic_details_en", "bibliographic_details_fr"),
        ("notes_en", "notes_fr"),
    ]
    list_display = ["title", "author", "year", "language"]
    list_filter = ["language"]
    search_fields = ["title", "author", "slug"]
    prepopulated_fields = {"slug": ["title"]}


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------

#: What each workflow action says it did.
STEP_DONE = {
    "submit_for_review": lambda count: ngettext(
        "Submitted for review: %(count)d record.", "Submitted for review: %(count)d records.", count
    ),
    "publish": lambda count: ngettext("Published: %(count)d record.", "Published: %(count)d records.", count),
    "archive": lambda count: ngettext("Archived: %(count)d record.", "Archived: %(count)d records.", count),
    "return_to_draft": lambda count: ngettext(
        "Returned to draft: %(count)d record.", "Returned to draft: %(count)d records.", count
    ),
}


class HistoryAdmin(SimpleHistoryAdmin):
    """Per-change history (who, when, what) with comparison and revert, under the change permission."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history checks only the view permission before saving a revert; restoring an
        # earlier version is a change, allowed to whoever may change the record as it is now.
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        current = self.get_object(request, str(obj.pk)) if obj is not None else None
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, current)


class CitationInline(LoadedInline, admin.StackedInline):
    model = Citation
    extra = 0
    min_num = 0
    fields = ["source", "locator", "quote", ("note_en", "note_fr")]
    autocomplete_fields = ["source"]


class MissingTranslationFilter(admin.SimpleListFilter):
    """The records whose title or summary is still missing in a language: what publishing refuses."""

    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, _("%(language)s missing") % {"language": name}) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() not in LANGUAGE_CODES:
            return queryset
        condition = Q()
        for name in queryset.model.required_translations:
            condition |= Q(**{localized(name, self.value()): ""})
        return queryset.filter(condition)


class RecordAdmin(WorkingCopyAdmin, EditorialViewsAdmin, ImportExport, HistoryAdmin):
    """What the admins of the four content types share, including the editorial workflow.

    The workflow's rules are relations.workflow's (the roles are groups: see setup_roles):
    `change_<model>` lets a user edit drafts and records in review and submit them for review;
    `publish_<model>` also lets them publish, archive, return public records to draft and edit
    public records; `delete_<model>` lets them delete. Every rule is checked on the server: an
    action the user may not run is not in `get_actions`, so posting it does nothing, each record
    an action moves is checked by `workflow.transition`, and a status the user may not set, or
    may not reach from the stored one, is not a valid choice in the form.
    """

    class Media:
        css = {"all": ["css/admin.css"]}

    form = RecordForm
    formfield_overrides = HTTPS_URLS
    list_filter = ["publication_status", MissingTranslationFilter]
    search_fields = ["title_en", "title_fr", "slug", "summary_en", "summary_fr"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CitationInline]
    actions = ["submit_for_review", "publish", "archive", "return_to_draft"]
    show_full_result_count = False
    save_on_top = True
    history_list_display = ["publication_status"]

    record_fields = [("title_en", "title_fr"), "slug", ("summary_en", "summary_fr"), ("body_en", "body_fr")]
    publication_fieldset = (
        _("Publication"),
        {"fields": ["publication_status", ("created_at", "updated_at"), "based_on"]},
    )
    change_form_template = "admin/relations/record_change_form.html"

    def get_list_select_related(self, request):
        # What a list row shows beyond its own columns, as the model declares it for the public lists.
        return list(self.model.list_related)

    @admin.display(description=_("publication status"), ordering="publication_status")
    def status_badge(self, obj):
        # Second in every list (after the title), so it is on screen at 1280 px whatever the columns.
        return format_html(
            '<span class="status-badge status-badge--{}">{}</span>',
            obj.publication_status,
            obj.get_publication_status_display(),
        )

    # --- permissions (the rules are relations.workflow's) -----------------------------------------

    def has_publish_permission(self, request, obj=None):
        """May publish, archive and unpublish: the `publish_<model>` permission."""
        return workflow.may_publish(request.user, self.model)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "publication_status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (status.value, status.label) for status in workflow.settable_statuses(request.user, self.model)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # --- workflow actions ---------------------------------------------------------------------

    @admin.action(description=_("Submit the selected drafts for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._take_step(request, queryset, "submit_for_review")

    @admin.action(description=_("Publish the selected records"), permissions=["publish"])
    def publish(self, request, queryset):
        self._take_step(request, queryset, "publish")

    @admin.action(description=_("Archive the selected published records"), permissions=["publish"])
    def archive(self, request, queryset):
        self._take_step(request, queryset, "archive")

    @admin.action(description=_("Return the selected records to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._take_step(request, queryset, "return_to_draft")

    def _take_step(self, request, queryset, name):
        """Move the selected records the step starts from, one by one (`workflow.transition`), so
        that each change has its own entry in the record's history (with the user) and in the admin
        log; say how many moved, and why the others did not."""
        step = workflow.STEPS[name]
        changed = refused = 0
        untranslated = []
        for record in queryset.filter(publication_status__in=step.sources):
            try:
                workflow.transition(record, step.target, request.user)
            except workflow.Untranslated as refusal:
                untranslated.append(refusal)
                continue
            except workflow.Refused:
                refused += 1
                continue
            self.log_change(request, record, [{"changed": {"fields": ["publication_status"]}}])
            changed += 1
        self.message_user(request, STEP_DONE[name](changed) % {"count": changed}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d public record was left as it is: only a publisher may change it.",
                    "%(count)d public records were left as they are: only a publisher may change them.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
        for refusal in untranslated:
            self.message_user(request, str(refusal), messages.ERROR)


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["title", "status_badge", "kind", "date", "city", "country", "track"]
    list_filter = [
        "publication_status",
        MissingTranslationFilter,
        "kind",
        "track",
        "pillars",
        ("country", admin.RelatedOnlyFieldListFilter),
    ]
    date_hierarchy = "start_date"
    autocomplete_fields = ["country", "track", "pillars", "organisations", "agreements"]
    fieldsets = [
        (None, {"fields": RecordAdmin.record_fields}),
        (
            _("When and where"),
            {"fields": ["kind", ("start_date", "end_date"), "date_precision", ("city_en", "city_fr", "country")]},
        ),
        (_("Links"), {"fields": ["track", "pillars", "organisations", "agreements"]}),
        RecordAdmin.publication_fieldset,
    ]

    @admin.display(description=_("date"), ordering="start_date")
    def date(self, obj):
        return obj.date_display


@admin.register(Agreement)
class AgreementAdmin(RecordAdmin):
    list_display = ["title", "status_badge", "kind", "status", "date", "country"]
    list_filter = ["publication_status", MissingTranslationFilter, "kind", "status", "pillars", "party_organisations"]
    date_hierarchy = "adopted_on"
    autocomplete_fields = ["country", "party_countries", "party_organisations", "pillars", "supersedes"]
    fieldsets = [
        (None, {"fields": RecordAdmin.record_fields}),
        (
            _("The agreement"),
            {
                "fields": [
                    "kind",
                    "status",
                    ("adopted_on", "adopted_precision"),
                    ("city_en", "city_fr", "country"),
                    ("period_start", "period_end"),
                    "text_url",
                ]
            },
        ),
        (_("Links"), {"fields": ["party_countries", "party_organisations", "pillars", "supersedes"]}),
        RecordAdmin.publication_fieldset,
    ]

    @admin.display(description=_("adopted"), ordering="adopted_on")
    def date(self, obj):
        return obj.date_display


class HeadOfMissionInline(admin.TabularInline):
    model = HeadOfMission
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}
    fields = [
        "name",
        "title_en",
        "title_fr",
        "start_date",
        "start_precision",
        "credentials_on",
        "credentials_precision",
        "end_date",
        "end_precision",
        "note_en",
        "note_fr",
    ]


@admin.register(Mission)
class MissionAdmin(RecordAdmin):
    list_display = ["title", "status_badge", "kind", "city", "country", "opened"]
    list_filter = [
        "publication_status",
        MissingTranslationFilter,
        "kind",
        ("country", admin.RelatedOnlyFieldListFilter),
    ]
    date_hierarchy = "opened_on"
    autocomplete_fields = ["country", "accredited_countries", "accredited_organisations"]
    inlines = [HeadOfMissionInline, CitationInline]
    fieldsets = [
        (None, {"fields": RecordAdmin.record_fields}),
        (
            _("The mission"),
            {
                "fields": [
                    "kind",
                    ("city_en", "city_fr", "country"),
                    ("opened_on", "opened_precision"),
                    ("closed_on", "closed_precision"),
                    "website",
                ]
            },
        ),
        (_("Accreditation"), {"fields": ["accredited_countries", "accredited_organisations"]}),
        RecordAdmin.publication_fieldset,
    ]

    @admin.display(description=_("opened"), ordering="opened_on")
    def opened(self, obj):
        return obj.date_display


@admin.register(AssistanceProgram)
class AssistanceProgramAdmin(RecordAdmin):
    list_display = ["title", "status_badge", "amount_display", "period", "sector", "status"]
    list_filter = ["publication_status", MissingTranslationFilter, "sector", "status", "currency", "pillars"]
    autocomplete_fields = ["pillars", "countries", "organisations", "agreements", "events"]
    fieldsets = [
        (None, {"fields": RecordAdmin.record_fields}),
        (
            _("Funding"),
            {
                "fields": [
                    ("amount", "currency"),
                    "amount_as_stated",
                    ("other_amount", "other_currency"),
                    ("start_year", "end_year"),
                    "sector",
                    "status",
                ]
            },
        ),
        (_("Links"), {"fields": ["pillars", "countries", "organisations", "agreements", "events"]}),
        RecordAdmin.publication_fieldset,
    ]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj):
        return obj.amount_display or obj.amount_as_stated

    @admin.display(description=_("period"), ordering="start_year")
    def period(self, obj):
        return obj.date_display


# ---------------------------------------------------------------------------------------------
# Citations and heads of mission on their own, to search across all records
# ---------------------------------------------------------------------------------------------


class RecordPartAdmin(HistoryAdmin):
    """Citations and heads of mission are part of a record: changing one changes the record, so the
    record's rule applies (a public record's parts are read-only without the publish permission), and
    a new one can be attached only to a record the user may change."""

    record_attribute = "record"

    def _may_change(self, request, obj):
        return obj is None or workflow.may_change_record(request.user, getattr(obj, self.record_attribute))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model in CONTENT_MODELS and not workflow.may_publish(request.user, model):
            kwargs["queryset"] = model._default_manager.filter(publication_status__in=workflow.UNPUBLISHED_STATUSES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Citation)
class CitationAdmin(ImportExport, RecordPartAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    list_display = ["locator", "source", "record", "has_discrepancy"]
    list_filter = ["source"]
    list_select_related = ["source", "event", "agreement", "mission", "assistanceprogram"]
    search_fields = [
        "locator",
        "quote",
        "note_en",
        "note_fr",
        *(f"{record}__title_{code}" for record in CITED_FIELDS for code in LANGUAGE_CODES),
    ]
    autocomplete_fields = ["event", "agreement", "mission", "assistanceprogram", "source"]
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(discrepancy_recorded=Exists(Discrepancy.objects.filter(citation=OuterRef("pk"))))
        )

    @admin.display(description=_("discrepancy"), boolean=True, ordering="discrepancy_recorded")
    def has_discrepancy(self, obj):
        return obj.discrepancy_recorded


class ClaimInline(admin.TabularInline):
    model = Claim
    extra = 1
    fields = ["citation", "value_en", "value_fr"]
    autocomplete_fields = ["citation"]


@admin.register(Discrepancy)
class DiscrepancyAdmin(admin.ModelAdmin):
    """Where the sources disagree: the value the record follows (on its citation), why, and the others."""

    list_display = ["__str__", "field", "citation"]
    list_filter = ["field"]
    list_select_related = ["citation__source", *(f"citation__{name}" for name in CITED_FIELDS)]
    search_fields = ["value_en", "value_fr", "reason_en", "reason_fr", "citation__locator"]
    autocomplete_fields = ["citation"]
    fields = ["citation", "field", ("value_en", "value_fr"), ("reason_en", "reason_fr")]
    inlines = [ClaimInline]


@admin.register(HeadOfMission)
class HeadOfMissionAdmin(ImportExport, RecordPartAdmin):
    record_attribute = "mission"
    list_display = ["name", "title", "mission", "term"]
    list_select_related = ["mission"]
    search_fields = ["name", "title_en", "title_fr", "mission__title_en", "mission__title_fr"]
    autocomplete_fields = ["mission"]

    @admin.display(description=_("term"), ordering="start_date")
    def term(self, obj):
        return obj.term_display

"""The staff's editing interface: every model, with search, filters, autocomplete and inlines."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from .formats import FORMATS, ImportFileError, ImportForm
from .models import (
    Agreement,
    AssistanceProgram,
    Citation,
    Country,
    Event,
    HeadOfMission,
    Mission,
    Organisation,
    Pillar,
    PublicationStatus,
    Source,
    Track,
)
from .resources import resource_for

# A web address typed without a scheme is taken as https (Django 6.0's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ImportExport(ImportExportMixin):
    """Import and export on a changelist, through the model's resource (relations/resources.py).

    An import is always previewed before it is confirmed; export follows the changelist's
    filters and search. Import and export each need their own permission (see settings).
    """

    import_form_class = ImportForm
    import_formats = FORMATS
    export_formats = FORMATS

    def get_resource_classes(self, request):
        return [resource_for(self.model)]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        # The confirmed import runs the checks again; if the data changed in between and a row
        # now fails, nothing was written, and the staff member is told instead of thanked.
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _("Nothing was imported: the file no longer passes the checks. Import it again to see why."),
            )
            return HttpResponseRedirect(
                reverse("admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name)
            )
        return super().process_result(result, request)


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


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
class CountryAdmin(ImportExport, admin.ModelAdmin):
    list_display = ["name", "code", "asean_member_since"]
    list_filter = [AseanMemberFilter]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(ImportExport, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    fields = ["name", "slug", "acronym", "kind", "country", "website", "description"]
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(Track)
class TrackAdmin(ImportExport, admin.ModelAdmin):
    list_display = ["number", "name"]
    list_display_links = ["number", "name"]
    search_fields = ["name", "=number"]


@admin.register(Pillar)
class PillarAdmin(ImportExport, admin.ModelAdmin):
    fields = ["name", "slug", "description"]
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(ImportExport, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    fields = ["title", "slug", "author", "year", "language", "url", "bibliographic_details", "notes"]
    list_display = ["title", "author", "year", "language"]
    list_filter = ["language"]
    search_fields = ["title", "author", "slug"]
    prepopulated_fields = {"slug": ["title"]}


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    min_num = 0
    fields = ["source", "locator", "quote", "note", "discrepancy"]
    autocomplete_fields = ["source"]


class RecordAdmin(ImportExport, admin.ModelAdmin):
    """What the admins of the four content types share."""

    class Media:
        css = {"all": ["css/admin.css"]}

    formfield_overrides = HTTPS_URLS
    list_filter = ["publication_status"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CitationInline]
    actions = ["publish", "return_to_draft"]
    show_full_result_count = False
    save_on_top = True

    record_fields = ["title", "slug", "summary", "body"]
    publication_fieldset = (_("Publication"), {"fields": ["publication_status", ("created_at", "updated_at")]})

    @admin.action(description=_("Publish the selected records"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.PUBLISHED)

    @admin.action(description=_("Return the selected records to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.DRAFT)

    def _set_status(self, request, queryset, status):
        # Saved one by one, so that each change is logged in the record's history.
        changed = 0
        for record in queryset.exclude(publication_status=status):
            record.publication_status = status
            record.save(update_fields=["publication_status", "updated_at"])
            self.log_change(request, record, [{"changed": {"fields": ["publication_status"]}}])
            changed += 1
        label = PublicationStatus(status).label.lower()
        self.message_user(
            request,
            ngettext("%(count)d record is now %(status)s.", "%(count)d records are now %(status)s.", changed)
            % {"count": changed, "status": label},
            messages.SUCCESS,
        )


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["title", "kind", "date", "city", "country", "track", "publication_status"]
    list_filter = [
        "publication_status",
        "kind",
        "track",
        "pillars",
        ("country", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["country", "track"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["country", "track", "pillars", "organisations", "agreements"]
    fieldsets = [
        (None, {"fields": RecordAdmin.record_fields}),
        (_("When and where"), {"fields": ["kind", ("start_date", "end_date"), "date_precision", ("city", "country")]}),
        (_("Links"), {"fields": ["track", "pillars", "organisations", "agreements"]}),
        RecordAdmin.publication_fieldset,
    ]

    @admin.display(description=_("date"), ordering="start_date")
    def date(self, obj):
        return obj.date_display


@admin.register(Agreement)
class AgreementAdmin(RecordAdmin):
    list_display = ["title", "kind", "status", "date", "country", "publication_status"]
    list_filter = ["publication_status", "kind", "status", "pillars", "party_organisations"]
    list_select_related = ["country"]
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
                    ("city", "country"),
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
    fields = ["name", "title", "start_date", "start_precision", "end_date", "end_precision", "note"]


@admin.register(Mission)
class MissionAdmin(RecordAdmin):
    list_display = ["title", "kind", "city", "country", "opened", "publication_status"]
    list_filter = ["publication_status", "kind", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
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
                    ("city", "country"),
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
    list_display = ["title", "amount_display", "period", "sector", "status", "publication_status"]
    list_filter = ["publication_status", "sector", "status", "currency", "pillars"]
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


@admin.register(Citation)
class CitationAdmin(ImportExport, admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    list_display = ["locator", "source", "record", "has_discrepancy"]
    list_filter = ["source", ("discrepancy", admin.EmptyFieldListFilter)]
    list_select_related = ["source", "event", "agreement", "mission", "assistanceprogram"]
    search_fields = [
        "locator",
        "quote",
        "note",
        "discrepancy",
        "event__title",
        "agreement__title",
        "mission__title",
        "assistanceprogram__title",
    ]
    autocomplete_fields = ["event", "agreement", "mission", "assistanceprogram", "source"]
    show_full_result_count = False

    @admin.display(description=_("source discrepancy"), boolean=True)
    def has_discrepancy(self, obj):
        return bool(obj.discrepancy)


@admin.register(HeadOfMission)
class HeadOfMissionAdmin(ImportExport, admin.ModelAdmin):
    list_display = ["name", "title", "mission", "term"]
    list_select_related = ["mission"]
    search_fields = ["name", "title", "mission__title"]
    autocomplete_fields = ["mission"]

    @admin.display(description=_("term"), ordering="start_date")
    def term(self, obj):
        return obj.term_display

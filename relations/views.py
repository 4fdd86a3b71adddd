"""Public pages. Only published records are listed: `listed()` for lists, search, the timeline,
home and reference pages; `public()` (published and archived) for what a URL may open. Staff who
may view a content type also see its drafts, as a preview marked with the record's status."""

import datetime
from itertools import groupby

from django import forms
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import CharField, Count, DateField, F, IntegerField, Prefetch, Q, Value
from django.db.models.functions import Cast, ExtractYear
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView
from django_filters.views import FilterMixin

from .citations import citation, citation_response
from .downloads import download_response
from .filters import FILTERSETS, matching
from .i18n import localized, localized_ordering
from .ics import calendar_response
from .models import (
    CONTENT_MODELS,
    Agreement,
    AssistanceProgram,
    Citation,
    Country,
    Event,
    Mission,
    Organisation,
    Pillar,
    Source,
    Track,
)
from .structured_data import json_ld, structured_data

# What each content type loads with it for its detail page, so the page's query count does not
# depend on how many related records it shows.
DETAIL_RELATED = {
    Event: {"select": ["country", "track"], "prefetch": ["pillars", "organisations", "agreements", "programs"]},
    Agreement: {
        "select": ["country", "supersedes"],
        "prefetch": ["party_countries", "party_organisations", "pillars", "events", "programs", "superseded_by"],
    },
    Mission: {"select": ["country"], "prefetch": ["accredited_countries", "accredited_organisations", "heads"]},
    AssistanceProgram: {"select": [], "prefetch": ["pillars", "countries", "organisations", "agreements", "events"]},
}


def related_queryset(model, name):
    """What a record's relation `name` shows the public: of other content, only listed records."""
    field = model._meta.get_field(name)
    queryset = field.related_model._default_manager.all()
    return queryset.listed() if field.related_model in CONTENT_MODELS else queryset


def with_related(records):
    """Records with everything their detail page (or API representation) shows, in a fixed number
    of queries whatever their number: related rows, citations and the "Date modified"."""
    model = records.model
    related = DETAIL_RELATED[model]
    published_related = [Prefetch(name, queryset=related_queryset(model, name)) for name in related["prefetch"]]
    citations = Prefetch("citations", queryset=Citation.objects.select_related("source"))
    return (
        records.with_date_modified().select_related(*related["select"]).prefetch_related(*published_related, citations)
    )


# How each kind of reference data is linked to the content types: the lookups that name it.
REFERENCE_LOOKUPS = {
    Country: {
        Event: ["country"],
        Agreement: ["country", "party_countries"],
        Mission: ["country", "accredited_countries"],
        AssistanceProgram: ["countries"],
    },
    Organisation: {
        Event: ["organisations"],
        Agreement: ["party_organisations"],
        Mission: ["accredited_organisations"],
        AssistanceProgram: ["organisations"],
    },
    Track: {Event: ["track"]},
    Pillar: {Event: ["pillars"], Agreement: ["pillars"], AssistanceProgram: ["pillars"]},
    Source: {model: ["citations__source"] for model in CONTENT_MODELS},
}


# What each content type's list rows show beyond its own columns, loaded with it in one query.
LIST_RELATED = {
    Event: ["country", "track"],
    Agreement: ["country"],
    Mission: ["country"],
    AssistanceProgram: [],
}

# The list filter that selects the records naming a piece of reference data, and the value of it.
REFERENCE_FILTERS = {
    Country: ("country", lambda country: country.code),
    Organisation: ("organisation", lambda organisation: organisation.slug),
    Track: ("track", lambda track: track.number),
    Pillar: ("pillar", lambda pillar: pillar.slug),
    Source: ("source", lambda source: source.slug),
}

# Each content type's date, as the timeline and the home page's decades place it.
DATE_FIELDS = {Event: "start_date", Agreement: "adopted_on", Mission: "opened_on", AssistanceProgram: "start_year"}
# What a timeline entry shows of each type, as the columns of the combined timeline query (one
# type each, shared by the four types: see timeline_rows) and the field each holds.
TIMELINE_COLUMNS = {
    "t_title": CharField(),
    "t_slug": CharField(),
    "t_date": DateField(),
    "t_end_date": DateField(),
    "t_precision": CharField(),
    "t_start_year": IntegerField(),
    "t_end_year": IntegerField(),
}
TIMELINE_FIELDS = {
    Event: {
        "t_title": "title",
        "t_slug": "slug",
        "t_date": "start_date",
        "t_end_date": "end_date",
        "t_precision": "date_precision",
    },
    Agreement: {"t_title": "title", "t_slug": "slug", "t_date": "adopted_on", "t_precision": "adopted_precision"},
    Mission: {"t_title": "title", "t_slug": "slug", "t_date": "opened_on", "t_precision": "opened_precision"},
    AssistanceProgram: {"t_title": "title", "t_slug": "slug", "t_start_year": "start_year", "t_end_year": "end_year"},
}
FIRST_YEAR = 1977  # Canada became a dialogue partner of ASEAN.

# How many records of each type a reference page or the search page shows before "See all".
SAMPLE_SIZE = 10


def list_url(model, **params):
    """The list page of a content type, filtered by the given querystring parameters."""
    url = reverse(f"relations:{model._meta.model_name}-list")
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def crumb(model):
    """A breadcrumb to a content type's list page."""
    return {"url": list_url(model), "label": model._meta.verbose_name_plural}


def record_year(record):
    value = getattr(record, DATE_FIELDS[type(record)])
    return value if isinstance(value, int) else value.year


def home(request):
    totals, decade_counts = home_counts()
    sections = []
    for model in CONTENT_MODELS:
        count = totals[model]
        name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
        sections.append({"name": name, "count": count, "url": list_url(model)})
    latest_events = Event.objects.listed().select_related("country")[:5]
    countries = Country.objects.order_by("asean_member_since", localized("name"))
    return render(
        request,
        "relations/home.html",
        {
            "sections": sections,
            "latest_events": latest_events,
            "countries": countries,
            "decades": decades(decade_counts),
        },
    )


# The home page's decades start with ASEAN's (1967); earlier records, if any, count in it.
FIRST_DECADE = 1960


def decade_range(first=FIRST_DECADE):
    this_decade = datetime.date.today().year // 10 * 10
    return range(first, this_decade + 10, 10)


def home_counts():
    """How many records of each type are listed, and how many of them in each decade: one query a
    type, which reads the type's listed index rather than its table (4 queries)."""
    totals, counts = {}, {}
    decades_shown = decade_range()
    for model in CONTENT_MODELS:
        field = DATE_FIELDS[model]

        def within(first, last, field=field, model=model):
            if model is AssistanceProgram:
                return Q(**{f"{field}__gte": first, f"{field}__lte": last})
            return Q(**{f"{field}__gte": datetime.date(first, 1, 1), f"{field}__lte": datetime.date(last, 12, 31)})

        buckets = {f"d{decade}": within(decade, decade + 9) for decade in decades_shown}
        buckets[f"d{decades_shown[0]}"] = within(1, decades_shown[0] + 9)
        row = model.objects.listed().aggregate(
            total=Count("pk"), **{name: Count("pk", filter=condition) for name, condition in buckets.items()}
        )
        totals[model] = row.pop("total")
        for name, n in row.items():
            counts[int(name[1:])] = counts.get(int(name[1:]), 0) + n
    return totals, counts


def decades(counts):
    """Listed records per decade from the 1970s (the 1960s if any are then) to today's."""
    timeline_url = reverse("relations:timeline")
    first = FIRST_DECADE if counts.get(FIRST_DECADE) else FIRST_YEAR // 10 * 10
    return [
        {
            "decade": decade,
            "count": counts.get(decade, 0),
            "url": f"{timeline_url}?{urlencode({'year_from': decade, 'year_to': decade + 9, 'group': 'year'})}",
        }
        for decade in decade_range(first)
    ]


class DeferredJoinPaginator(Paginator):
    """Reads a page's ids first, then only those records.

    A deep page (`?page=last` of 100,000 events) skips most of the list: skipping ids in the
    listed index (see relations.models.listed_indexes) costs little, skipping whole rows a lot. One
    query more, the same on every page. A page in the back half is read from the end, in reverse
    order, so that the last page skips nothing; only when the order ends in the id, so that the
    reverse order is exactly the list's read backwards.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ordering = self.object_list.query.order_by
        if bottom > self.count // 2 and ordering and ordering[-1] in ("pk", "-pk"):
            backwards = self.object_list.reverse().values_list("pk", flat=True)
            ids = list(backwards[self.count - top : self.count - bottom])[::-1]
        else:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        records = self.object_list.order_by().in_bulk(ids)
        return self._get_page([records[pk] for pk in ids], number, self)


class RecordListView(FilterMixin, ListView):
    """A content type's published records, filtered, ordered and paginated by the querystring.

    One class for the four types, parameterised by `model` (and FILTERSETS[model]). The records a
    page lists come from `get_filtered_queryset()`: a download of "what this page filtered" should
    take its rows from there, with the same querystring.
    """

    paginate_by = 20
    paginator_class = DeferredJoinPaginator
    template_name_suffix = "_list"

    def get_filterset_class(self):
        return FILTERSETS[self.model]

    def get_queryset(self):
        """The published records the filters start from, with what each row shows, in the model's
        order with titles in the page's language."""
        records = self.model.objects.listed().select_related(*LIST_RELATED[self.model])
        return records.order_by(*localized_ordering(self.model), "pk")

    def get_filtered_queryset(self):
        """The records the querystring's filters select, in the order it asks for, unpaginated.

        Sets `self.filterset`. With a value that does not validate (a year of "abc") it is empty,
        and the form says what is wrong.
        """
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            return self.filterset.qs
        return self.filterset.queryset.none()

    def get(self, request, *args, **kwargs):
        self.object_list = self.get_filtered_queryset()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["title"] = self.model._meta.verbose_name_plural
        context["name"] = self.model._meta.verbose_name
        context["model_name"] = self.model._meta.model_name
        download = f"relations:{self.model._meta.model_name}-download"
        context["download_urls"] = [(label, reverse(download, args=[fmt])) for fmt, label in DOWNLOAD_LABELS]
        # Follow what the page filtered: its Atom feed, and for events the calendar (same querystring).
        context["feed_url"] = reverse(f"relations:{self.model._meta.model_name}-feed")
        if self.model is Event:
            context["calendar_url"] = reverse("relations:event-calendar")
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return context


# The files a list page offers of what it filtered: (format in the URL, link text).
DOWNLOAD_LABELS = [("csv", _("CSV")), ("json", _("JSON"))]


class RecordDownloadView(RecordListView):
    """What a list page filtered, as a file: the same querystring selects the same records, all of
    them (not one page), in the same order."""

    def get(self, request, *args, fmt, **kwargs):
        return download_response(self.get_filtered_queryset(), fmt)


class EventCalendarView(RecordListView):
    """The events the events list page filtered, as an iCalendar file (relations.ics): every one
    known to the day, in one query."""

    model = Event

    def get(self, request, *args, **kwargs):
        return calendar_response(self.get_filtered_queryset(), request)


# The most matches of one type the search page counts and ranks: beyond it, it says "more than"
# and ranks the best of that many. Ranking reads every candidate row, so a word in a sixth of
# 100,000 records would otherwise read a sixth of the table on every search.
SEARCH_CANDIDATES = 500


def search(request):
    """Words searched in all four content types: the best matches of each, and a link to all.

    Two queries a type, whatever the number of records: how many match, up to SEARCH_CANDIDATES,
    and the best SAMPLE_SIZE of those candidates (all of them when there are fewer).
    """
    text = request.GET.get("q", "").strip()[:200]
    groups = []
    total = 0
    more = False
    if text:
        for model in CONTENT_MODELS:
            candidates = model.objects.listed().search(text).order_by().values("pk")[: SEARCH_CANDIDATES + 1]
            count = candidates.count()
            capped = count > SEARCH_CANDIDATES
            count = min(count, SEARCH_CANDIDATES)
            more = more or capped
            total += count
            records = model.objects.filter(pk__in=candidates).ranked(text)
            groups.append(
                {
                    "name": model._meta.verbose_name_plural,
                    "count": count,
                    "more": capped,
                    "records": records[:SAMPLE_SIZE] if count else [],
                    "url": list_url(model, q=text),
                }
            )
    context = {"q": text, "groups": groups, "total": total, "more": more}
    return render(request, "relations/search.html", context)


class TimelineForm(forms.Form):
    TYPES = [(model._meta.model_name, model._meta.verbose_name_plural) for model in CONTENT_MODELS]

    type = forms.MultipleChoiceField(
        label=_("Type"), choices=TYPES, required=False, widget=forms.CheckboxSelectMultiple
    )
    track = forms.ModelMultipleChoiceField(
        label=_("Track"),
        queryset=Track.objects.all(),
        to_field_name="number",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only events have a track: choosing one shows events only."),
    )
    pillar = forms.ModelMultipleChoiceField(
        label=_("Pillar"),
        queryset=Pillar.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Missions have no pillar: choosing one leaves them out."),
    )
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=1900, max_value=2100)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1900, max_value=2100)
    group = forms.ChoiceField(
        label=_("Group by"),
        choices=[("decade", _("Decade")), ("year", _("Year"))],
        required=False,
        widget=forms.RadioSelect,
    )


# Entries on a page of the timeline.
TIMELINE_PAGE_SIZE = 100


def timeline_rows(model, data):
    """One content type's part of the timeline: its dated, listed records that the filters keep,
    as rows of the columns every type shares (its own date columns under common names), ordered by
    date. None if the filters leave the type out."""
    if model._meta.model_name not in set(data.get("type") or [m._meta.model_name for m in CONTENT_MODELS]):
        return None
    if (data.get("track") and model is not Event) or (data.get("pillar") and model is Mission):
        return None
    field = DATE_FIELDS[model]
    records = model.objects.listed().filter(**{f"{field}__isnull": False})
    if data.get("track"):
        records = records.filter(track__in=data["track"])
    if data.get("pillar"):
        records = records.filter(pk__in=model.objects.filter(pillars__in=data["pillar"]).values("pk"))
    if model is AssistanceProgram:
        if data.get("year_from"):
            records = records.filter(start_year__gte=data["year_from"])
        if data.get("year_to"):
            records = records.filter(start_year__lte=data["year_to"])
    else:
        if data.get("year_from"):
            records = records.filter(**{f"{field}__gte": datetime.date(data["year_from"], 1, 1)})
        if data.get("year_to"):
            records = records.filter(**{f"{field}__lte": datetime.date(data["year_to"], 12, 31)})
    # Every column an annotation, named and typed alike in each type, so that the four combine.
    columns = {"t_type": Value(model._meta.model_name), "t_pk": F("pk")}
    for column, output_field in TIMELINE_COLUMNS.items():
        name = timeline_field(model, column)
        # A typed NULL: PostgreSQL cannot combine an untyped one with another type's column.
        columns[column] = F(name) if name else Cast(Value(None), output_field=output_field)
    columns["t_year"] = Cast(F(field) if model is AssistanceProgram else ExtractYear(field), IntegerField())
    return records.annotate(**columns).values(*columns).order_by()


# How each type's rows are ordered: as the whole timeline is, so that its first rows are the
# ones the page needs (served by the type's date index).
TIMELINE_ORDER = {
    Event: ["start_date", "title", "pk"],
    Agreement: ["adopted_on", "title", "pk"],
    Mission: ["opened_on", "title", "pk"],
    AssistanceProgram: ["start_year", "title", "pk"],
}


def timeline_field(model, column):
    """The field a timeline column holds for `model`: the title in the page's language."""
    name = TIMELINE_FIELDS[model].get(column)
    return localized(name) if name == "title" else name


def timeline_entry(row):
    """A timeline row as an entry: an unsaved record (enough for its date, title and address)."""
    model = next(model for model in CONTENT_MODELS if model._meta.model_name == row["t_type"])
    record = model(pk=row["t_pk"], **{timeline_field(model, column): row[column] for column in TIMELINE_FIELDS[model]})
    return {"record": record, "type": model._meta.verbose_name, "year": row["t_year"]}


def timeline(request):
    """All four content types together in date order, grouped by decade or year, a page at a time.

    One query a page, whatever the number of records: each type's first rows in date order (from
    its date index), combined and ordered; one more row than the page shows says whether there is
    a next page, instead of counting every record.
    """
    form = TimelineForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    offset = (number - 1) * TIMELINE_PAGE_SIZE
    parts = [rows for model in CONTENT_MODELS if (rows := timeline_rows(model, data)) is not None]
    entries = []
    if parts:
        if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
            # No type can place more rows on this page than its first offset + page size + 1.
            parts = [
                rows.order_by(*(localized(f) if f == "title" else f for f in TIMELINE_ORDER[rows.model]))[
                    : offset + TIMELINE_PAGE_SIZE + 1
                ]
                for rows in parts
            ]
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        # By year, then by date within it (a program, known to the year, comes first in its year).
        order = ["t_year", F("t_date").asc(nulls_first=True), "t_title", "t_type", "t_pk"]
        rows = list(combined.order_by(*order)[offset : offset + TIMELINE_PAGE_SIZE + 1])
        entries = [timeline_entry(row) for row in rows]
    has_next = len(entries) > TIMELINE_PAGE_SIZE
    entries = entries[:TIMELINE_PAGE_SIZE]
    by_year = data.get("group") == "year"

    def group_key(entry):
        return entry["year"] if by_year else entry["year"] // 10 * 10

    groups = [
        {"key": key, "label": str(key) if by_year else f"{key}s", "entries": list(items)}
        for key, items in groupby(entries, key=group_key)
    ]
    page = {
        "number": number,
        "first": offset + 1,
        "last": offset + len(entries),
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if has_next else None,
    }
    return render(request, "relations/timeline.html", {"form": form, "groups": groups, "page": page})


def country_list(request):
    countries = Country.objects.order_by(localized("name"))
    return render(
        request,
        "relations/country_list.html",
        {
            "members": [country for country in countries if country.is_asean_member],
            "others": [country for country in countries if not country.is_asean_member],
        },
    )


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/"]
    # Search results in every language: endless combinations of words, nothing a crawler needs.
    for code, _name in settings.LANGUAGES:
        with override(code):
            lines.append(f"Disallow: {reverse('relations:search')}")
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class RecordDetailView(DetailView):
    """One public content record, with everything it links to and the passages it cites.

    Staff with the view permission on the content type may open it in any status: a preview, with
    the status banner and headers that keep it out of caches and search engines.
    """

    template_name_suffix = "_detail"

    def is_preview(self):
        opts = self.model._meta
        user = self.request.user
        return user.is_staff and user.has_perm(f"{opts.app_label}.{get_permission_codename('view', opts)}")

    def get_queryset(self):
        records = self.model.objects.all() if self.is_preview() else self.model.objects.public()
        return with_related(records)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["trail"] = [crumb(self.model)]
        context["record_type"] = self.model._meta.verbose_name
        context["is_preview"] = not self.object.is_public
        url = self.permanent_url()
        context["structured_data"] = json_ld(structured_data(self.object, url))
        context["citation"] = citation(self.object, url, timezone.localdate())
        cite = f"relations:{self.model._meta.model_name}-cite"
        context["citation_downloads"] = [
            (label, reverse(cite, kwargs={"slug": self.object.slug, "fmt": fmt})) for fmt, label in CITATION_LABELS
        ]
        return context

    def permanent_url(self):
        return self.request.build_absolute_uri(self.object.get_absolute_url())


# The citation files a detail page offers: (format in the URL, link text).
CITATION_LABELS = [("bib", _("BibTeX (.bib)")), ("json", _("CSL-JSON (.json)"))]


class RecordCitationView(RecordDetailView):
    """A record's citation as a file, `cite.bib` or `cite.json`, dated today."""

    def get(self, request, *args, fmt, **kwargs):
        self.object = self.get_object()
        return citation_response(self.object, self.permanent_url(), timezone.localdate(), fmt)


class ReferenceDetailView(DetailView):
    """A piece of reference data and the published records that name it: for each content type,
    how many, the latest few and a link to the list page filtered by it (2 queries a type)."""

    def get_template_names(self):
        return [f"relations/{self.model._meta.model_name}_detail.html", "relations/reference_detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        name, value = REFERENCE_FILTERS[self.model]
        groups = []
        for model, lookups in REFERENCE_LOOKUPS[self.model].items():
            records = self._records(model, lookups)
            count = records.count()
            groups.append(
                {
                    "name": model._meta.verbose_name_plural,
                    "model_name": model._meta.model_name,
                    "count": count,
                    "records": records[:SAMPLE_SIZE] if count else [],
                    "url": list_url(model, **{name: value(self.object)}),
                }
            )
        context["record_groups"] = groups
        context["trail"] = self.get_trail()
        return context

    def get_trail(self):
        return []

    def _records(self, model, lookups):
        # As the list filters select them (a record naming it twice, as its place and as a party,
        # is listed once, and the count stays a plain one).
        return matching(model.objects.listed(), lookups, [self.object])


class CountryDetailView(ReferenceDetailView):
    model = Country
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_object(self, queryset=None):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object(queryset)

    def get_trail(self):
        return [{"url": reverse("relations:country-list"), "label": _("Countries")}]

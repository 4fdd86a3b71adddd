"""Public pages. Only published records are listed: `listed()` for lists, search, the timeline,
home and reference pages; `public()` (published and archived) for what a URL may open. Staff who
may view a content type also see its drafts, as a preview marked with the record's status."""

import datetime
import re
from itertools import groupby

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView
from django_filters.views import FilterMixin

from . import workflow
from .cache import per_generation
from .citations import citation, citation_response
from .downloads import download_response
from .filters import FormKeyMultipleChoiceField, filterset_for
from .i18n import localized
from .iati import iati_response
from .ics import calendar_counts, calendar_response
from .limits import bounded_file
from .models import (
    CITED_FIELDS,
    CONTENT_MODELS,
    Agreement,
    Citation,
    Country,
    Event,
    Mission,
    Pillar,
    Source,
    Track,
)
from .search import find
from .search.engines import MARK_END, MARK_START
from .search.query import MAX_LENGTH as MAX_QUERY_LENGTH
from .search.query import MIN_LETTERS as MIN_QUERY_LETTERS
from .search.query import clean as clean_query
from .selectors import (
    counts_by_decade,
    filter_name,
    list_records,
    naming_models,
    records_naming,
    timeline_page,
    with_related,
)
from .structured_data import json_ld, structured_data
from .visuals import (
    count_by_decade,
    countries_with_counts,
    decade_chart,
    drawn_timeline,
    member_map,
    program_figures,
)

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


def home(request):
    span = decade_range()
    # Every listed record counted: once per change.
    totals, decade_counts = per_generation("home-decades", lambda: counts_by_decade(span), vary=list(span))
    sections = []
    for model in CONTENT_MODELS:
        count = totals[model]
        name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
        sections.append({"name": name, "count": count, "url": list_url(model)})
    latest_events = Event.objects.listed().select_related("country")[:5]
    countries = countries_with_counts()
    return render(
        request,
        "relations/home.html",
        {
            "sections": sections,
            "latest_events": latest_events,
            "map": member_map(countries),
            "decades": decades(decade_counts),
            "feed_url": reverse("relations:feed"),
        },
    )


# The home page's decades start with ASEAN's (1967); earlier records, if any, count in it.
FIRST_DECADE = 1960


def decade_range(first=FIRST_DECADE):
    this_decade = datetime.date.today().year // 10 * 10
    return range(first, this_decade + 10, 10)


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
        # By id alone: the ids were read with the filters, and given them again a planner may
        # prefer an index on a filtered column to twenty primary keys (SQLite does). The filters
        # test the records' own columns (a many-to-many through an `id IN` subquery), so no join
        # is left behind.
        rows = self.object_list.order_by()
        rows.query.clear_where()
        records = rows.in_bulk(ids)
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
        return filterset_for(self.model)

    def get_queryset(self):
        """The published records the filters start from, with what each row shows, in the model's
        order with titles in the page's language."""
        return list_records(self.model)

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
        # The filters set, each value a link that removes it; and what each checkbox would list.
        context["chips"] = self.filterset.active_filters(self.request)
        context["option_counts"] = self.filterset.option_counts()
        context["title"] = self.model._meta.verbose_name_plural
        context["name"] = self.model._meta.verbose_name
        context["model_name"] = self.model._meta.model_name
        download = f"relations:{self.model._meta.model_name}-download"
        context["download_urls"] = [(label, reverse(download, args=[fmt])) for fmt, label in DOWNLOAD_LABELS]
        # Follow what the page filtered: its Atom feed, and for events the calendar (same querystring).
        context["feed_url"] = reverse(f"relations:{self.model._meta.model_name}-feed")
        # Larger selections are refused (relations.limits): the page says how to narrow them instead.
        context["download_max_rows"] = settings.DOWNLOAD_MAX_ROWS
        if self.model.has_calendar:
            context["calendar_url"] = reverse(f"relations:{self.model._meta.model_name}-calendar")
        if self.model.has_iati:
            context["iati_url"] = reverse(f"relations:{self.model._meta.model_name}-iati")
        if self.model.has_figures:
            context["figures"] = program_figures(self.object_list)
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return context


# The files a list page offers of what it filtered: (format in the URL, link text).
DOWNLOAD_LABELS = [("csv", _("CSV")), ("json", _("JSON"))]


class RecordDownloadView(RecordListView):
    """What a list page filtered, as a file: the same querystring selects the same records, all of
    them (not one page), in the same order."""

    def get(self, request, *args, fmt, **kwargs):
        records = self.get_filtered_queryset()
        return bounded_file(request, records.count(), lambda: download_response(records, fmt, request))


class CalendarView(RecordListView):
    """The records a list page filtered, as an iCalendar file (relations.ics): every one known to
    the day, in one query. For the content types that declare `has_calendar` (events)."""

    def get(self, request, *args, **kwargs):
        events = self.get_filtered_queryset()
        total, left_out = calendar_counts(events)
        return bounded_file(request, total, lambda: calendar_response(events, request, left_out))


class IatiView(RecordListView):
    """The records a list page filtered, as IATI activity XML (relations.iati). For the content
    types that declare `has_iati` (assistance programs)."""

    def get(self, request, *args, **kwargs):
        return iati_response(self.get_filtered_queryset(), request)


class SearchFilters(forms.Form):
    """The facets a search is narrowed by; a value that is not valid is ignored."""

    type = forms.ChoiceField(choices=[(model._meta.model_name, model._meta.verbose_name) for model in CONTENT_MODELS])
    year = forms.IntegerField(min_value=1900, max_value=2100)
    country = forms.RegexField(regex=r"^[A-Za-z]{2}$")
    pillar = forms.SlugField(max_length=150)

    def filters(self):
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        if "country" in data:
            data["country"] = data["country"].upper()
        return data


def search_url(q, filters, **changes):
    """The search page for `q` with `filters`, changed by `changes` (None drops a filter)."""
    params = {"q": q, **filters, **changes}
    return f"{reverse('relations:search')}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def marked(snippet):
    """A snippet as HTML: its text escaped, its matched words in <mark>."""
    return mark_safe(escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


FACET_TITLES = (("type", _("Type")), ("year", _("Year")), ("country", _("Country")), ("pillar", _("Pillar")))


def search(request):
    """Words searched across the four content types (relations.search): the best matches first, a
    page at a time, with snippets, facets, and "did you mean" when little or nothing matches.

    A bounded number of queries whatever the number of records (relations.search.find).
    """
    text = clean_query(request.GET.get("q", ""))
    filters = SearchFilters(request.GET).filters()
    results = find(text, filters, request.GET.get("page", 1))
    shown = results.query.text if results.query else text[:MAX_QUERY_LENGTH]
    labels = {name: {str(key): label for key, label, _n in options} for name, options in results.facets.items()}
    labels["type"] = {model._meta.model_name: model._meta.verbose_name_plural for model in CONTENT_MODELS}
    chosen = [
        {"label": labels.get(name, {}).get(str(value), value), "url": search_url(shown, filters, **{name: None})}
        for name, value in filters.items()
    ]
    facets = [
        {
            "name": name,
            "title": title,
            "options": [
                {"label": label, "count": count, "url": search_url(shown, filters, **{name: key}), "key": str(key)}
                for key, label, count in results.facets[name]
            ],
        }
        for name, title in FACET_TITLES
        if results.facets.get(name) and name not in filters
    ]
    rows = []
    if results.page:
        for row in results.page.object_list:
            record = row["record"]
            place = ", ".join(
                str(part) for part in (getattr(record, "city", ""), getattr(record, "country", None)) if part
            )
            rows.append(
                {
                    "record": record,
                    "type": record._meta.verbose_name,
                    "date": record.date_display,
                    "place": place,
                    "snippet": marked(row["snippet"]),
                }
            )
    context = {
        "q": shown,
        "searched": bool(text.strip()),
        "too_short": bool(text.strip()) and not results.query,
        "truncated": bool(results.query) and results.query.truncated,
        "results": results,
        "rows": rows,
        "facets": facets,
        "chosen": chosen,
        "suggestion_url": search_url(results.suggestion, filters) if results.suggestion else "",
        "original_url": search_url(shown, filters) if results.corrected else "",
        "min_length": MIN_QUERY_LETTERS,
        "page_range": results.page.paginator.get_elided_page_range(results.page.number) if results.page else [],
    }
    return render(request, "relations/search.html", context)


class TimelineForm(forms.Form):
    TYPES = [(model._meta.model_name, model._meta.verbose_name_plural) for model in CONTENT_MODELS]

    type = forms.MultipleChoiceField(
        label=_("Type"), choices=TYPES, required=False, widget=forms.CheckboxSelectMultiple
    )
    track = FormKeyMultipleChoiceField(
        label=_("Track"),
        queryset=Track.objects.all(),
        to_field_name="number",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only events have a track: choosing one shows events only."),
    )
    pillar = FormKeyMultipleChoiceField(
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

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None and first > last:
            self.add_error(
                None,
                _("The last year (%(last)s) is before the first (%(first)s): swap them to see those years.")
                % {"first": first, "last": last},
            )
        return data


# Entries on a page of the timeline.
TIMELINE_PAGE_SIZE = 100
# The last page a timeline address may ask for (ten million entries): beyond it, the offset would
# overflow the database's integer, a 500 rather than "no such page".
TIMELINE_MAX_PAGE = 100_000


def timeline(request):
    """All four content types together in date order, grouped by decade or year, a page at a time.

    One query a page, whatever the number of records (selectors.timeline_page); one more row than
    the page shows says whether there is a next page, instead of counting every record.
    """
    form = TimelineForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    if number > TIMELINE_MAX_PAGE:
        raise Http404("No such page of the timeline.")
    offset = (number - 1) * TIMELINE_PAGE_SIZE
    entries = timeline_page(data, offset, TIMELINE_PAGE_SIZE)
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
    context = {
        "form": form,
        "groups": groups,
        "page": page,
        "drawing": drawn_timeline(data) if form.is_valid() else None,
    }
    return render(request, "relations/timeline.html", context)


def source_list(request):
    """Every source with its full citation and the listed records that cite it (two queries)."""
    citing = Citation.objects.select_related(*CITED_FIELDS).order_by("pk")
    sources = Source.objects.prefetch_related(Prefetch("citations", queryset=citing))
    sources = sources.order_by("kind", "published_on", "title")
    entries = []
    for source in sources:
        records = {}
        for cited in source.citations.all():
            record = cited.record
            if record.is_published:
                records.setdefault((record._meta.model_name, record.pk), record)
        entries.append({"source": source, "records": sorted(records.values(), key=str)})
    return render(request, "relations/source_list.html", {"entries": entries})


def about(request):
    """What the registry is, its sources, how conflicts are settled, the track and pillar rules."""
    context = {
        "source_count": Source.objects.count(),
        "primary_count": Source.objects.filter(kind=Source.Kind.PRIMARY).count(),
        "tracks": Track.objects.order_by("number"),
        "pillars": Pillar.objects.order_by(localized("name")),
    }
    return render(request, "relations/about.html", context)


def country_list(request):
    """The countries in the alphabetical order of the page's language, the member states on a map
    and in a table of how many records of each type name them (two queries)."""
    countries = countries_with_counts()
    return render(
        request,
        "relations/country_list.html",
        {
            "members": [country for country in countries if country.is_asean_member],
            "others": [country for country in countries if not country.is_asean_member],
            "map": member_map(countries),
        },
    )


def open_data(request):
    """Everything the record offers to reuse: the API, the feeds, the calendar, the downloads, the
    sitemap and the licence. No query."""
    types = [
        {
            "name": model._meta.verbose_name_plural,
            "list_url": list_url(model),
            "feed_url": reverse(f"relations:{model._meta.model_name}-feed"),
            "downloads": [
                (label, reverse(f"relations:{model._meta.model_name}-download", args=[fmt]))
                for fmt, label in DOWNLOAD_LABELS
            ],
            "calendar_url": reverse(f"relations:{model._meta.model_name}-calendar") if model.has_calendar else None,
        }
        for model in CONTENT_MODELS
    ]
    return render(request, "relations/open_data.html", {"types": types, "feed_url": reverse("relations:feed")})


@require_GET
def choose_language(request, code):
    """The language toggle: keeps the language chosen in Django's language cookie, so that `/`
    (and any address without a language) opens it next time (LocaleMiddleware reads the cookie
    before the browser's Accept-Language), then goes on to `next`, the page in that language.

    The cookie is set here and nowhere else: a page that set it would carry a Set-Cookie, which no
    shared cache (nginx, a CDN) may store, so every reader without the cookie would reach Django.
    A `next` that is not a path on this site leads to the language's home page."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    target = request.GET.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        with override(code):
            target = reverse("relations:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=not settings.DEBUG,
    )
    add_never_cache_headers(response)
    return response


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    # The language toggle only redirects to pages the sitemap and each page's alternates name.
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /language/"]
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
        return workflow.may_preview(self.request.user, self.model)

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


class DraftPreviewView(RecordDetailView):
    """A public record's page with its working copy applied (relations.admin's draft preview, which
    rolls the working copy back after rendering): marked as a preview, never cached or indexed."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = context["is_draft_preview"] = True
        return context


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
        groups = []
        for model in naming_models(self.model):
            records = records_naming(model, self.object)
            count = self.count(model, records)
            groups.append(
                {
                    "name": model._meta.verbose_name_plural,
                    "model_name": model._meta.model_name,
                    "count": count,
                    "records": records[:SAMPLE_SIZE] if count else [],
                    "url": list_url(model, **{filter_name(self.model): self.object.natural_key()[0]}),
                }
            )
        context["record_groups"] = groups
        context["trail"] = self.get_trail()
        return context

    def get_trail(self):
        return []

    def count(self, model, records):
        """How many `records` (of `model`) name the object: one query."""
        return records.count()


class CountryDetailView(ReferenceDetailView):
    model = Country
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_object(self, queryset=None):
        self.kwargs["code"] = Country.normalize_key(self.kwargs["code"])
        # Two letters, or no country: PostgreSQL refuses a NUL byte in a query (a 500, not a 404).
        if not re.fullmatch("[A-Z]{2}", self.kwargs["code"]):
            raise Http404("No country has this code.")
        return super().get_object(queryset)

    def get_trail(self):
        return [{"url": reverse("relations:country-list"), "label": _("Countries")}]

    def count(self, model, records):
        """How many records of a type name the country, and how many of them in each decade, for
        the chart of its records per decade: one query a type, as the plain count is."""
        total, per_decade = count_by_decade(model, records, self.decades)
        for decade, n in per_decade.items():
            self.decade_counts[decade] += n
        return total

    def get_context_data(self, **kwargs):
        """Besides the records naming it: Canada's missions there with their heads, the country's
        key dates in the relationship and a chart of its records per decade (three queries more
        than another reference page)."""
        self.decades = decade_range(FIRST_YEAR // 10 * 10)
        self.decade_counts = dict.fromkeys(self.decades, 0)
        context = super().get_context_data(**kwargs)
        country = self.object
        missions = list(
            Mission.objects.listed()
            .filter(Q(country=country) | Q(accredited_countries=country))
            .distinct()
            .prefetch_related("heads")
            .order_by(localized("title"))[: MISSIONS_SHOWN + 1]
        )
        # Canada has one or two missions in a country; a longer list is the missions group's, below.
        context["more_missions_url"] = (
            list_url(Mission, country=country.natural_key()[0]) if len(missions) > MISSIONS_SHOWN else None
        )
        missions = missions[:MISSIONS_SHOWN]
        for mission in missions:
            heads = list(mission.heads.all())
            mission.current_heads = [head for head in heads if head.end_date is None] or heads[-1:]
        context["missions"] = missions
        context["decades_chart"] = decade_chart(self.decade_counts)
        context["key_dates"] = key_dates(country, missions)
        return context


def key_dates(country, missions):
    """The country's milestones in the record: when it joined ASEAN, when Canada opened a mission
    there, and its first dated agreements (one query)."""
    dates = []
    if country.is_asean_member:
        dates.append(
            {"date": str(country.asean_member_since), "sort": (country.asean_member_since,), "text": _("Joined ASEAN")}
        )
    for mission in missions:
        if mission.opened_on:
            dates.append({"date": mission.date_display, "sort": (mission.opened_on.year,), "record": mission})
    agreements = (
        records_naming(Agreement, country)
        .filter(adopted_on__isnull=False)
        .order_by("adopted_on", "pk")[:KEY_AGREEMENTS]
    )
    for agreement in agreements:
        dates.append({"date": agreement.date_display, "sort": (agreement.adopted_on.year,), "record": agreement})
    return sorted(dates, key=lambda item: item["sort"])


# How many of a country's agreements its key dates name (the first ones).
KEY_AGREEMENTS = 5
# How many of Canada's missions in a country its page names at the top (and their opening dates
# among its key dates): more link to the missions list, so the page costs the same at any size.
MISSIONS_SHOWN = 5

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import api, feeds, views
from .models import CONTENT_MODELS, Organisation, Pillar, Source, Track
from .sitemaps import SITEMAPS

public_patterns = [
    path("", views.home, name="home"),
    path("feed.atom", feeds.RecordFeed(), name="feed"),
    path(_("search/"), views.search, name="search"),
    path(_("timeline/"), views.timeline, name="timeline"),
    path(_("open-data/"), views.open_data, name="open-data"),
    path(_("countries/"), views.country_list, name="country-list"),
    path(_("countries/<str:code>/"), views.CountryDetailView.as_view(), name="country-detail"),
    path(
        _("organisations/<slug:slug>/"),
        views.ReferenceDetailView.as_view(model=Organisation),
        name="organisation-detail",
    ),
    path(
        _("tracks/<int:number>/"),
        views.ReferenceDetailView.as_view(model=Track, slug_field="number", slug_url_kwarg="number"),
        name="track-detail",
    ),
    path(_("pillars/<slug:slug>/"), views.ReferenceDetailView.as_view(model=Pillar), name="pillar-detail"),
    path(_("sources/"), views.source_list, name="source-list"),
    path(_("sources/<slug:slug>/"), views.ReferenceDetailView.as_view(model=Source), name="source-detail"),
    path(_("about/"), views.about, name="about"),
]
# Each content type's list and detail pages, under its `url_prefix`. The prefixes are translated, so
# that a French page's address is French (/fr/evenements/…); slugs are the same in both languages.
for model in CONTENT_MODELS:
    name = model._meta.model_name
    # A calendar beside the list, for the types with dates worth one (events).
    calendar = (
        [path("calendar.ics", views.CalendarView.as_view(model=model), name=f"{name}-calendar")]
        if model.has_calendar
        else []
    )
    iati = [path("iati.xml", views.IatiView.as_view(model=model), name=f"{name}-iati")] if model.has_iati else []
    public_patterns.append(
        path(
            model.url_prefix,
            include(
                [
                    path("", views.RecordListView.as_view(model=model), name=f"{name}-list"),
                    path("download.<str:fmt>", views.RecordDownloadView.as_view(model=model), name=f"{name}-download"),
                    path("feed.atom", feeds.content_type_feed(model), name=f"{name}-feed"),
                    *calendar,
                    *iati,
                    path("<slug:slug>/", views.RecordDetailView.as_view(model=model), name=f"{name}-detail"),
                    path(
                        "<slug:slug>/cite.<str:fmt>",
                        views.RecordCitationView.as_view(model=model),
                        name=f"{name}-cite",
                    ),
                ]
            ),
        )
    )

admin.site.site_header = _("Canada–ASEAN relations: staff")
admin.site.site_title = _("Canada–ASEAN relations")
admin.site.index_title = _("The record")

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # The language toggle: sets the language cookie, then leads to the page in that language.
    path("language/<str:code>/", views.choose_language, name="choose-language"),
    # Top level, outside the language prefix: one sitemap lists the pages of every language.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Language-neutral: the API keeps one address whatever the language of the pages.
    path("api/v1/", include((api.urlpatterns, "api"))),
    path("admin/", admin.site.urls),
    # Public pages in each language: /en/…, /fr/…. "/" and any address without a language are
    # redirected by LocaleMiddleware to the visitor's language (their cookie, then their browser's).
    *i18n_patterns(path("", include((public_patterns, "relations")))),
]

# A database that cannot be reached answers 503, also when a middleware hit it (relations.resilience).
handler500 = "relations.resilience.server_error"

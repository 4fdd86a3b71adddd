from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import api, feeds, views
from .models import Agreement, AssistanceProgram, Event, Mission, Organisation, Pillar, Source, Track
from .sitemaps import SITEMAPS

# Each content type's list and detail pages: (URL prefix, model).
CONTENT_URLS = [("events", Event), ("agreements", Agreement), ("missions", Mission), ("programs", AssistanceProgram)]

public_patterns = [
    path("", views.home, name="home"),
    path("feed.atom", feeds.RecordFeed(), name="feed"),
    path("events/calendar.ics", views.EventCalendarView.as_view(), name="event-calendar"),
    path("search/", views.search, name="search"),
    path("timeline/", views.timeline, name="timeline"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country-detail"),
    path(
        "organisations/<slug:slug>/",
        views.ReferenceDetailView.as_view(model=Organisation),
        name="organisation-detail",
    ),
    path(
        "tracks/<int:number>/",
        views.ReferenceDetailView.as_view(model=Track, slug_field="number", slug_url_kwarg="number"),
        name="track-detail",
    ),
    path("pillars/<slug:slug>/", views.ReferenceDetailView.as_view(model=Pillar), name="pillar-detail"),
    path("sources/<slug:slug>/", views.ReferenceDetailView.as_view(model=Source), name="source-detail"),
]
for prefix, model in CONTENT_URLS:
    name = model._meta.model_name
    public_patterns += [
        path(f"{prefix}/", views.RecordListView.as_view(model=model), name=f"{name}-list"),
        path(f"{prefix}/download.<str:fmt>", views.RecordDownloadView.as_view(model=model), name=f"{name}-download"),
        path(f"{prefix}/feed.atom", feeds.content_type_feed(model), name=f"{name}-feed"),
        path(f"{prefix}/<slug:slug>/", views.RecordDetailView.as_view(model=model), name=f"{name}-detail"),
        path(
            f"{prefix}/<slug:slug>/cite.<str:fmt>", views.RecordCitationView.as_view(model=model), name=f"{name}-cite"
        ),
    ]

admin.site.site_header = "Canada–ASEAN relations: staff"
admin.site.site_title = "Canada–ASEAN relations"
admin.site.index_title = "The record"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # Top level, outside the language prefix: one sitemap lists the pages of every language.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Language-neutral: the API keeps one address whatever the language of the pages.
    path("api/v1/", include((api.urlpatterns, "api"))),
    path("admin/", admin.site.urls),
    path("", include((public_patterns, "relations"))),
]

from django.contrib import admin
from django.urls import include, path

from . import views
from .models import Agreement, AssistanceProgram, Event, Mission, Organisation, Pillar, Source, Track

# Each content type's list and detail pages: (URL prefix, model).
CONTENT_URLS = [("events", Event), ("agreements", Agreement), ("missions", Mission), ("programs", AssistanceProgram)]

public_patterns = [
    path("", views.home, name="home"),
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
        path(f"{prefix}/<slug:slug>/", views.RecordDetailView.as_view(model=model), name=f"{name}-detail"),
    ]

admin.site.site_header = "Canada–ASEAN relations: staff"
admin.site.site_title = "Canada–ASEAN relations"
admin.site.index_title = "The record"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("admin/", admin.site.urls),
    path("", include((public_patterns, "relations"))),
]

# A database that cannot be reached answers 503, also when a middleware hit it (relations.resilience).
handler500 = "relations.resilience.server_error"

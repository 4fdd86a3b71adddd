from django.contrib import admin
from django.urls import include, path

from . import views
from .models import Agreement, AssistanceProgram, Event, Mission, Organisation, Pillar, Source, Track

public_patterns = [
    path("", views.home, name="home"),
    path("events/<slug:slug>/", views.RecordDetailView.as_view(model=Event), name="event-detail"),
    path("agreements/<slug:slug>/", views.RecordDetailView.as_view(model=Agreement), name="agreement-detail"),
    path("missions/<slug:slug>/", views.RecordDetailView.as_view(model=Mission), name="mission-detail"),
    path(
        "programs/<slug:slug>/",
        views.RecordDetailView.as_view(model=AssistanceProgram),
        name="assistanceprogram-detail",
    ),
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

admin.site.site_header = "Canada–ASEAN relations: staff"
admin.site.site_title = "Canada–ASEAN relations"
admin.site.index_title = "The record"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((public_patterns, "relations"))),
]

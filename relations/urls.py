from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .models import Agreement, AssistanceProgram, Event, Mission, Organisation, Pillar, Source, Track

# Each content type's list and detail pages: (URL prefix, model). The prefixes are translated, so
# that a French page's address is French (/fr/evenements/…); slugs are the same in both languages.
CONTENT_URLS = [
    (_("events/"), Event),
    (_("agreements/"), Agreement),
    (_("missions/"), Mission),
    (_("programs/"), AssistanceProgram),
]

public_patterns = [
    path("", views.home, name="home"),
    path(_("search/"), views.search, name="search"),
    path(_("timeline/"), views.timeline, name="timeline"),
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
    path(_("sources/<slug:slug>/"), views.ReferenceDetailView.as_view(model=Source), name="source-detail"),
]
for prefix, model in CONTENT_URLS:
    name = model._meta.model_name
    public_patterns.append(
        path(
            prefix,
            include(
                [
                    path("", views.RecordListView.as_view(model=model), name=f"{name}-list"),
                    path("download.<str:fmt>", views.RecordDownloadView.as_view(model=model), name=f"{name}-download"),
                    path("<slug:slug>/", views.RecordDetailView.as_view(model=model), name=f"{name}-detail"),
                ]
            ),
        )
    )

admin.site.site_header = _("Canada–ASEAN relations: staff")
admin.site.site_title = _("Canada–ASEAN relations")
admin.site.index_title = _("The record")

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("admin/", admin.site.urls),
    # Public pages in each language: /en/…, /fr/…. "/" and any address without a language are
    # redirected by LocaleMiddleware to the visitor's language (their cookie, then their browser's).
    *i18n_patterns(path("", include((public_patterns, "relations")))),
]

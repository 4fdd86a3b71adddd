"""Public pages. Only published (and, at their URL, archived) records are shown to the public; staff
who may view a content type also see its drafts, as a preview marked with the record's status."""

from django.contrib.auth import get_permission_codename
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView

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


def home(request):
    sections = []
    for model in CONTENT_MODELS:
        count = model.objects.listed().count()
        name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
        sections.append({"name": name, "count": count})
    latest_events = Event.objects.listed().select_related("country")[:5]
    countries = Country.objects.all()
    return render(
        request,
        "relations/home.html",
        {"sections": sections, "latest_events": latest_events, "countries": countries},
    )


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
        related = DETAIL_RELATED[self.model]
        published_related = [Prefetch(name, queryset=self._related_queryset(name)) for name in related["prefetch"]]
        citations = Prefetch("citations", queryset=Citation.objects.select_related("source"))
        records = self.model.objects.all() if self.is_preview() else self.model.objects.public()
        return (
            records.with_date_modified()
            .select_related(*related["select"])
            .prefetch_related(*published_related, citations)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_public
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response

    def _related_queryset(self, name):
        field = self.model._meta.get_field(name)
        queryset = field.related_model._default_manager.all()
        return queryset.listed() if field.related_model in CONTENT_MODELS else queryset


class ReferenceDetailView(DetailView):
    """A piece of reference data and the published records that name it."""

    def get_template_names(self):
        return [f"relations/{self.model._meta.model_name}_detail.html", "relations/reference_detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record_groups"] = [
            {"name": model._meta.verbose_name_plural, "records": self._records(model, lookups)}
            for model, lookups in REFERENCE_LOOKUPS[self.model].items()
        ]
        return context

    def _records(self, model, lookups):
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: self.object})
        return model.objects.listed().filter(condition).distinct()


class CountryDetailView(ReferenceDetailView):
    model = Country
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_object(self, queryset=None):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object(queryset)

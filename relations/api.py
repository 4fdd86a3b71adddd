"""The open-data API: read-only, versioned (/api/v1/), JSON, described by OpenAPI 3.

Django REST framework's read-only viewsets over the same querysets as the public pages: lists show
`listed()` records (published), an address opens `public()` ones (published and archived), and a
draft is a 404 everywhere. Lists take the very FilterSets of the public list pages
(relations.filters), so a querystring selects the same records in both; they are paginated by page
number, `page_size` up to 100. drf-spectacular writes the OpenAPI description from these views.
"""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .filters import FILTERSETS
from .models import (
    CONTENT_MODELS,
    Agreement,
    AssistanceProgram,
    Country,
    Event,
    Mission,
    Organisation,
    Pillar,
    Source,
    Track,
)
from .serializers import SERIALIZERS, lookup_field
from .views import with_related

# Each content type's and each kind of reference data's path under /api/v1/ (as on the public site).
API_PREFIXES = {
    "events": Event,
    "agreements": Agreement,
    "missions": Mission,
    "programs": AssistanceProgram,
    "countries": Country,
    "organisations": Organisation,
    "tracks": Track,
    "pillars": Pillar,
    "sources": Source,
}


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """A content type's published records (list) or a public record (detail), with their links."""

    lookup_field = "slug"
    pagination_class = Pagination

    def get_queryset(self):
        records = self.model.objects.listed() if self.action == "list" else self.model.objects.public()
        return with_related(records)


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """A kind of reference data: all of it is public."""

    filterset_class = None
    pagination_class = Pagination

    def get_queryset(self):
        queryset = self.model._default_manager.all()
        return queryset.select_related("country") if self.model is Organisation else queryset

    def get_object(self):
        if self.model is Country:
            # ISO codes are capitals; the public pages' addresses use lower case: accept both.
            self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()


def viewset_for(model):
    """The viewset of one model, its OpenAPI operations named and described."""
    name, plural = model._meta.verbose_name, model._meta.verbose_name_plural
    if model in CONTENT_MODELS:
        base, attrs = RecordViewSet, {"filterset_class": FILTERSETS[model]}
        list_text = f"Published {plural}, filtered as on the public list page, paginated."
        detail_text = f"One {name} by its slug: published, or archived (marked so). A draft is a 404."
    else:
        base, attrs = ReferenceViewSet, {}
        list_text, detail_text = f"All {plural}.", f"One {name}."
    key = lookup_field(model)
    attrs.update(
        model=model,
        serializer_class=SERIALIZERS[model],
        lookup_field=key,
        lookup_value_regex={"code": "[A-Za-z]{2}", "number": "[0-9]+"}.get(key, "[-a-zA-Z0-9_]+"),
        __doc__=list_text,
    )
    viewset = type(f"{model.__name__}ViewSet", (base,), attrs)
    tag = str(plural)
    return extend_schema_view(
        list=extend_schema(summary=f"List {plural}", description=list_text, tags=[tag]),
        retrieve=extend_schema(summary=f"One {name}", description=detail_text, tags=[tag]),
    )(viewset)


class APIRootView(routers.APIRootView):
    """The API's entry point: every list, the OpenAPI description and its documentation page."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        links = {
            "openapi": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
        }
        return Response({**links, **response.data})


class Router(routers.DefaultRouter):
    APIRootView = APIRootView
    include_format_suffixes = False


router = Router()
for prefix, model in API_PREFIXES.items():
    router.register(prefix, viewset_for(model), basename=model._meta.model_name)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, from the sidecar's static files, with its script and style as files of their own,
    so that the site's Content-Security-Policy holds on this page too: scripts and styles from this
    site only, nothing inline. The one addition is `img-src data:` on this page alone, for the icons
    Swagger UI's stylesheet draws as data: SVG images (an image cannot run script)."""

    template_name = "relations/api_docs.html"
    url_name = "api:schema"


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", csp_update({"img-src": ["data:"]})(DocsView.as_view()), name="docs"),
    *router.urls,
]

"""The open-data API: read-only, versioned (/api/v1/), JSON, described by OpenAPI 3.

Django REST framework's read-only viewsets over the same querysets as the public pages: lists show
`listed()` records (published), an address opens `public()` ones (published and archived), and a
draft is a 404 everywhere. Lists take the very FilterSets of the public list pages
(relations.filters), so a querystring selects the same records in both; they are paginated by page
number, `page_size` up to 100. drf-spectacular writes the OpenAPI description from these views.
"""

from django.urls import path, re_path
from django.utils.translation import override
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, routers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse

from . import openapi  # noqa: F401 (registers the FilterSets' schema extension)
from .api_docs import DocsView
from .filters import filterset_for
from .licence import licence_in_both_languages
from .models import CONTENT_MODELS, REFERENCE_MODELS
from .problems import not_found
from .selectors import reference_queryset, with_related
from .serializers import serializer_for


def api_path(model):
    """A model's path under /api/v1/: a content type's list address in English ("programs"); for
    reference data, its English plural ("countries")."""
    with override("en"):
        return str(getattr(model, "url_prefix", None) or model._meta.verbose_name_plural).strip("/")


class Pagination(PageNumberPagination):
    """By page number. A `page` or `page_size` that is not a whole number in its bounds is a 400 naming
    it (rather than quietly the first page, or 100 results); a page past the last is a 404."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def positive_int(self, request, name, maximum=None):
        value = request.query_params.get(name)
        if value is None:
            return None
        if not value.isascii() or not value.isdigit() or int(value) < 1 or (maximum and int(value) > maximum):
            bounds = f"between 1 and {maximum}" if maximum else "of 1 or more"
            raise exceptions.ValidationError({name: [f"A whole number {bounds}, not {value!r}."]})
        return int(value)

    def get_page_size(self, request):
        return self.positive_int(request, self.page_size_query_param, self.max_page_size) or self.page_size

    def get_page_number(self, request, paginator):
        return self.positive_int(request, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view):
        page, page_size = super().get_schema_operation_parameters(view)
        page["schema"].update(minimum=1, default=1)
        page["description"] = "A page number, from 1; a page past the last is a 404."
        page_size["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
        page_size["description"] = f"Results per page, 1 to {self.max_page_size} ({self.page_size} by default)."
        return [page, page_size]


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
        return reference_queryset(self.model)

    def get_object(self):
        # As the model stores its key (an ISO code in capitals, whatever the address's case).
        self.kwargs[self.lookup_field] = self.model.normalize_key(self.kwargs[self.lookup_field])
        return super().get_object()


def viewset_for(model):
    """The viewset of one model, its OpenAPI operations named and described."""
    name, plural = model._meta.verbose_name, model._meta.verbose_name_plural
    if model in CONTENT_MODELS:
        base, attrs = RecordViewSet, {"filterset_class": filterset_for(model)}
        list_text = f"Published {plural}, filtered as on the public list page, paginated."
        detail_text = f"One {name} by its slug: published, or archived (marked so). A draft is a 404."
    else:
        base, attrs = ReferenceViewSet, {}
        list_text, detail_text = f"All {plural}.", f"One {name}."
    key = model.key_field
    attrs.update(
        model=model,
        serializer_class=serializer_for(model),
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
    """The API's entry point: every list, the OpenAPI description, its documentation page and the
    data's licence."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        links = {
            "openapi": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
        }
        return Response({**links, "license": licence_in_both_languages(), **response.data})


class Router(routers.DefaultRouter):
    APIRootView = APIRootView
    include_format_suffixes = False


router = Router()
for model in (*CONTENT_MODELS, *REFERENCE_MODELS):
    router.register(api_path(model), viewset_for(model), basename=model._meta.model_name)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    *router.urls,
    # Any other address under /api/v1/ (ending in a slash, so that APPEND_SLASH still redirects
    # /api/v1/events to /api/v1/events/): a problem, not the site's HTML 404 page.
    re_path(r"^.*/$", not_found),
]

"""What makes the API's OpenAPI description exact, beyond what drf-spectacular reads by itself.

- Each list's query parameters carry the FilterSets' own limits: a year is an integer between the
  filter's `min_value` and `max_value`, words have the filter's `max_length`, a filter of reference
  data is a repeatable parameter whose values are the keys that exist (ISO codes, slugs, numbers),
  as the filter validates them; `page` and `page_size` are integers with their bounds.
- Every operation documents the errors it can answer (400 on a list, 404, 406, 429) with their
  RFC 9457 problem body (relations.problems), each with an example.
"""

import django_filters
from django.db import DatabaseError
from django.utils.encoding import force_str
from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .filters import RelatedFilter
from .problems import ProblemSerializer, problem

ERRORS = {
    400: (
        "A query parameter does not validate (a value not among its choices, a year out of range, a page "
        "or page size that is not a positive integer in bounds).",
        problem(
            400,
            "A query parameter does not validate.",
            "/api/v1/events/",
            [{"parameter": "year_from", "messages": ["Ensure this value is greater than or equal to 1900."]}],
        ),
    ),
    404: (
        "Nothing at this address: an unknown key, a draft, or a page past the last.",
        problem(404, "No Event matches the given query.", "/api/v1/events/no-such-event/"),
    ),
    406: (
        "The request's Accept header names no type the API serves (it serves JSON).",
        problem(406, "Could not satisfy the request Accept header.", "/api/v1/events/"),
    ),
    429: (
        "Too many requests from this address: try again after Retry-After seconds.",
        problem(429, "Request was throttled. Expected available in 60 seconds.", "/api/v1/events/"),
    ),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, with the problem responses of every operation."""

    def error_statuses(self):
        # Only a list takes query parameters that can fail to validate.
        return [400, 404, 406, 429] if self._is_list_view() else [404, 406, 429]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method != "GET":
            return responses
        problem_ref = self.resolve_serializer(ProblemSerializer, "response").ref
        for status in self.error_statuses():
            description, example = ERRORS[status]
            responses[str(status)] = {
                "description": description,
                "content": {"application/problem+json": {"schema": problem_ref, "example": example}},
            }
        return responses


class FilterExtension(DjangoFilterExtension):
    """The list pages' FilterSets as query parameters, with their own limits (see the module)."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, RelatedFilter):
            return [self.reference_parameter(field_name, filter_field)]
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            schema = parameter["schema"]
            if isinstance(filter_field, django_filters.NumberFilter) and filter_field.extra.get("decimal_places") == 0:
                schema["type"] = "integer"
                schema.pop("format", None)
                for limit, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
                    if filter_field.extra.get(limit) is not None:
                        schema[keyword] = filter_field.extra[limit]
                parameter["example"] = 2010
            if isinstance(filter_field, django_filters.CharFilter):
                # As Django's form field validates it: at most max_length, no NUL character.
                schema["pattern"] = r"^[^\u0000]*$"
                if filter_field.extra.get("max_length"):
                    schema["maxLength"] = filter_field.extra["max_length"]
        return parameters

    def reference_parameter(self, field_name, filter_field):
        """A repeatable parameter whose values are the keys of the reference data that exists."""
        queryset = filter_field.queryset
        if callable(queryset):
            queryset = queryset(None)
        key = filter_field.extra["to_field_name"]
        try:
            keys = [str(value) for value in queryset.order_by(key).values_list(key, flat=True)]
        except DatabaseError:
            # Without a database (`check --deploy` on a build machine) the keys are left unlisted.
            keys = None
        description = force_str(filter_field.extra.get("help_text") or filter_field.label).rstrip(".")
        description += ". Repeat it for several: a record matches any of them."
        return build_parameter_type(
            name=field_name,
            schema=build_array_type(build_basic_type(OpenApiTypes.STR)),
            location=OpenApiParameter.QUERY,
            description=description,
            enum=keys,
            explode=True,
            style="form",
            examples=None,
        )

"""The API's errors as RFC 9457 problem details (`application/problem+json`).

Every error the API answers, whether Django REST framework raised it (a filter value that does not
validate, an unknown slug, a page past the last, a method or an `Accept` it does not serve, too many
requests) or the URL resolver did (an address under /api/v1/ that names nothing), has the same body:

    {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "…", "instance": "/api/v1/…"}

(`instance` is the path asked for, percent-encoded)

and, for a 400, `errors`: one entry per query parameter that did not validate, with its messages.
`type` is "about:blank" (RFC 9457 §4.2.1): the status says what went wrong, `title` is its phrase.
"""

from http import HTTPStatus

from django.http import JsonResponse
from django.utils.encoding import escape_uri_path
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status, detail, instance, errors=None):
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return body


def parameter_errors(detail):
    """A ValidationError's detail as a list of {"parameter": name, "messages": […]} (a filter's
    errors are keyed by parameter; anything else goes under "non_field_errors")."""
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
    return [
        {
            "parameter": name,
            "messages": [str(message) for message in (messages if isinstance(messages, list) else [messages])],
        }
        for name, messages in detail.items()
    ]


def problem_exception_handler(exc, context):
    """REST framework's handler (which turns Http404 and PermissionDenied into its own exceptions and
    sets Retry-After and Allow), with the body as a problem and the matching content type."""
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API exception: a 500, as anywhere else
    request = context["request"]
    if isinstance(exc, exceptions.ValidationError):
        detail, errors = "A query parameter does not validate.", parameter_errors(exc.detail)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        errors = None
    response.data = problem(response.status_code, str(detail), escape_uri_path(request.path), errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def not_found(request, *args, **kwargs):
    """An address under /api/v1/ that names nothing: a problem, not the site's HTML 404 page."""
    body = problem(404, "Nothing is at this address of the API.", escape_uri_path(request.path))
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})


class ParameterErrorSerializer(serializers.Serializer):
    parameter = serializers.CharField(help_text="The query parameter, as the request named it.")
    messages = serializers.ListField(child=serializers.CharField(), help_text="What is wrong with its value.")


class ProblemSerializer(serializers.Serializer):
    """A problem detail (RFC 9457)."""

    type = serializers.CharField(help_text='Always "about:blank": the status says what went wrong.')
    title = serializers.CharField(help_text='The status\'s phrase, e.g. "Not Found".')
    status = serializers.IntegerField(min_value=400, max_value=599)
    detail = serializers.CharField(help_text="What went wrong, in words.")
    instance = serializers.CharField(help_text="The path that was asked for.")
    errors = ParameterErrorSerializer(many=True, required=False, help_text="On a 400: each parameter at fault.")

    class Meta:
        ref_name = "Problem"

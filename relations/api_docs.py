"""The API's documentation page (/api/v1/docs/): the OpenAPI description drf-spectacular writes,
rendered on the server as one HTML page, with no script.

Every operation with its parameters (type, limits, values, whether it repeats), its responses and
an example of each error, and every schema with its properties. Why this rather than Swagger UI,
Redoc or Scalar (figures in docs/open-data.md): each of those is a client-side application of
0.5–3 MB of script that draws the page after it has loaded, which a phone takes seconds to run,
and all but Swagger UI need inline styles the site's Content-Security-Policy does not allow. This
page is the description itself, as HTML: readable at once, by any browser and screen reader.
"""

import json

from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request

REF_PREFIX = "#/components/schemas/"


def ref_name(schema):
    ref = schema.get("$ref", "")
    return ref[len(REF_PREFIX) :] if ref.startswith(REF_PREFIX) else None


def describe(schema):
    """A schema in a few words: "integer, 1900 to 2100", "array of Event", "string (uri), or null"."""
    if not schema:
        return {"text": "any", "ref": None}
    if name := ref_name(schema):
        return {"text": "", "ref": name}
    if "allOf" in schema and len(schema["allOf"]) == 1:
        inner = describe(schema["allOf"][0])
        return {**inner, "text": inner["text"] + (", or null" if schema.get("nullable") else "")}
    if "oneOf" in schema:
        parts = [describe(part) for part in schema["oneOf"]]
        names = [part["ref"] or part["text"] for part in parts]
        return {"text": "one of " + ", ".join(names), "ref": None}
    kind = schema.get("type", "object")
    if kind == "array":
        items = describe(schema.get("items", {}))
        return {"text": "array of " + items["text"] if items["text"] else "array of", "ref": items["ref"]}
    words = [kind + (f" ({schema['format']})" if "format" in schema else "")]
    if "minimum" in schema and "maximum" in schema:
        words.append(f"{schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        words.append(f"at least {schema['minimum']}")
    elif "maximum" in schema:
        words.append(f"at most {schema['maximum']}")
    if "maxLength" in schema:
        words.append(f"at most {schema['maxLength']} characters")
    if "pattern" in schema:
        words.append(f"matching {schema['pattern']}")
    if "default" in schema:
        words.append(f"default {schema['default']}")
    if schema.get("nullable"):
        words.append("or null")
    return {"text": ", ".join(words), "ref": None}


def enum_of(schema):
    return schema.get("enum") or schema.get("items", {}).get("enum") or []


def parameters(operation):
    rows = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        rows.append(
            {
                "name": parameter["name"],
                "location": parameter["in"],
                "required": parameter.get("required", False),
                "type": describe(schema),
                "repeats": schema.get("type") == "array" and parameter.get("explode", True),
                "comma_separated": schema.get("type") == "array" and parameter.get("explode") is False,
                "values": enum_of(schema),
                "description": parameter.get("description", "").split("\n\n*")[0],
            }
        )
    return rows


def responses(operation):
    rows = []
    for status, response in operation.get("responses", {}).items():
        for media_type, content in response.get("content", {}).items():
            example = content.get("example")
            rows.append(
                {
                    "status": status,
                    "description": response.get("description", ""),
                    "media_type": media_type,
                    "type": describe(content.get("schema", {})),
                    "example": json.dumps(example, indent=2, ensure_ascii=False) if example is not None else "",
                }
            )
    return rows


def errors(schema):
    """Each error status once, with its description and example (every operation shares them)."""
    seen = {}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            for row in responses(operation):
                if row["example"] and row["status"] not in seen:
                    seen[row["status"]] = row
    return [seen[status] for status in sorted(seen)]


def operations(schema):
    """The operations, grouped by their tag in the order of the paths."""
    groups = {}
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            tag = (operation.get("tags") or ["api"])[0]
            groups.setdefault(tag, []).append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters(operation),
                    "responses": responses(operation),
                }
            )
    return [{"tag": tag, "operations": items} for tag, items in groups.items()]


def components(schema):
    result = []
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        required = set(component.get("required", []))
        properties = [
            {
                "name": key,
                "type": describe(value),
                "required": key in required,
                "values": enum_of(value),
                "description": (value.get("description") or value.get("title") or "").split("\n\n*")[0],
            }
            for key, value in component.get("properties", {}).items()
        ]
        result.append(
            {
                "name": name,
                "description": component.get("description", ""),
                "properties": properties,
                "values": component.get("enum", []),
                "type": describe({key: value for key, value in component.items() if key != "description"})
                if not properties
                else None,
            }
        )
    return result


# Compressed: 180 KB of HTML is some 20 KB gzipped. The page holds nothing secret (no form, no
# token, no personal data), so compressing it cannot leak anything (BREACH).
@method_decorator(gzip_page, name="dispatch")
class DocsView(TemplateView):
    """The OpenAPI description as a page (see the module's docstring)."""

    template_name = "relations/api_docs.html"

    def get_context_data(self, **kwargs):
        # As SpectacularAPIView writes it (the generator wants REST framework's request).
        schema = SchemaGenerator().get_schema(request=Request(self.request), public=True)
        return {
            **super().get_context_data(**kwargs),
            "info": schema["info"],
            "groups": operations(schema),
            "errors": errors(schema),
            "components": components(schema),
        }

"""OpenAPI pieces shared by the API views: the error bodies of docs/api.md, documented once."""

import copy
import importlib
import importlib.util
from typing import Any

from django.apps import apps
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

DetailSerializer = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})

ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description='Invalid input: DRF field errors, `{"field": ["message", ...]}`.',
    ),
    401: OpenApiResponse(DetailSerializer, description="Not authenticated (missing or expired Bearer token)."),
    403: OpenApiResponse(DetailSerializer, description="Authenticated, but not a member."),
    404: OpenApiResponse(DetailSerializer, description="Does not exist, or belongs to someone else."),
    409: OpenApiResponse(DetailSerializer, description="Conflicts with the current state."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


# --- hardening: answers every operation can give, documented once for all of them ---------------------------


def _error_response(code: int, description: str) -> dict:
    schema = (
        {"type": "object", "additionalProperties": {}} if code == 400 else {"$ref": "#/components/schemas/ErrorDetail"}
    )
    return {"content": {"application/json": {"schema": schema}}, "description": description}


GENERIC_ERRORS = {
    400: 'Invalid input: DRF field errors, `{"field": ["message", ...]}`, or an unreadable body.',
    401: "Not authenticated (missing, expired or revoked credentials).",
    403: "Authenticated, but not allowed: the wrong role, or a missing CSRF token with the cookie.",
    404: "Does not exist, or belongs to someone else (or a page past the last one).",
    413: "The request body is over the size limit.",
    415: "The body's Content-Type is not one this operation reads (JSON, or multipart for a file).",
}


def document_common_errors(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular postprocessing hook: the errors DRF gives any operation, documented where missing.

    A signed-in operation can answer 401 and 403; one with a path parameter or a `page` 404; one that reads
    a query or a body 400, and one with a body 413 and 415. Views document their own errors with better descriptions;
    this fills the gaps, also for endpoints added later, so the schema stays true (tests/core/test_fuzz.py).
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "ErrorDetail",
        {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    )
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            codes = set()
            if operation.get("security") and any(operation["security"]):
                codes |= {401, 403}
            if any(p["in"] == "path" for p in parameters) or any(p["name"] == "page" for p in parameters):
                codes.add(404)
            if any(p["in"] == "query" for p in parameters) or "requestBody" in operation:
                codes.add(400)
            if "requestBody" in operation:
                codes |= {413, 415}
            for code in sorted(codes):
                operation["responses"].setdefault(str(code), _error_response(code, GENERIC_ERRORS[code]))
    return result


def one_request_encoding(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular postprocessing hook: each request body documented in one encoding, JSON where the
    operation takes JSON (file uploads keep multipart). The API also parses form encodings, as DRF does, but
    the contract is JSON: one encoding per body keeps generated clients simple and correct (a body typed three
    times over broke openapi-python-client; tests/contract/test_generated_client.py)."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content") if isinstance(operation, dict) else None
            if not content or len(content) < 2:
                continue
            keep = "application/json" if "application/json" in content else "multipart/form-data"
            if keep in content:
                operation["requestBody"]["content"] = {keep: content[keep]}
    return result


def _example_for(schema: dict, examples: dict[str, Any]) -> Any:
    """The example of a body schema: a component's own, a page of them, or a list of them; None if none."""
    if schema.get("type") == "array":
        item = _example_for(schema.get("items", {}), examples)
        return None if item is None else [item]
    name = schema.get("$ref", "").rpartition("/")[2]
    if name in examples:
        return examples[name]
    if name.startswith("Paginated") and name.endswith("List") and name[9:-4] in examples:
        return {"count": 1, "next": None, "previous": None, "results": [examples[name[9:-4]]]}
    return None


def api_examples() -> dict[str, Any]:
    """Every project app's `api_examples.EXAMPLES` (component name -> example body), merged."""
    found: dict[str, Any] = {}
    for app in apps.get_app_configs():
        if importlib.util.find_spec(f"{app.name}.api_examples") is not None:
            found.update(importlib.import_module(f"{app.name}.api_examples").EXAMPLES)
    return found


def fill_examples(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular postprocessing hook: each JSON (or multipart) body gets its app's realistic example
    (`<app>/api_examples.py`), pages and lists built from the item's. tests/contract checks every body has one
    and that it fits its schema."""
    examples = api_examples()
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            bodies = [operation.get("requestBody", {}), *operation.get("responses", {}).values()]
            for body in bodies:
                for media in (body.get("content") or {}).values():
                    value = _example_for(media.get("schema", {}), examples)
                    if value is not None and "examples" not in media:  # a copy each: nothing shares a dict
                        media["examples"] = {"example": {"value": copy.deepcopy(value)}}
    return result

"""OpenAPI pieces shared by the API views: the error bodies of docs/api.md, documented once."""

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

"""OpenAPI pieces shared by the API views: the error bodies of API.md, documented once."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

DetailSerializer = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})

ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Invalid input: DRF field errors, `{\"field\": [\"message\", ...]}`.",
    ),
    401: OpenApiResponse(DetailSerializer, description="Not authenticated (missing or expired Bearer token)."),
    403: OpenApiResponse(DetailSerializer, description="Authenticated, but not a member."),
    404: OpenApiResponse(DetailSerializer, description="Does not exist, or belongs to someone else."),
    409: OpenApiResponse(DetailSerializer, description="Conflicts with the current state."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}

"""Cross-cutting API pieces: the error shape of docs/api.md, service errors as responses, a JSON 503 when the
database is down."""

from typing import Any

from django.http import Http404
from pymongo.errors import ConnectionFailure
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ErrorKind, ServiceError

MSG_DATABASE_UNAVAILABLE = "The service is temporarily unavailable. Please try again shortly."


def is_database_outage(exc: BaseException | None) -> bool:
    """True when `exc` (or what caused it: the backend wraps pymongo errors) means MongoDB is unreachable."""
    while exc is not None:
        if isinstance(exc, ConnectionFailure):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def service_error_response(exc: ServiceError, *, field_names: dict[str, str] | None = None) -> Response:
    """The answer to a service's refusal: field errors for an invalid field, else `{"detail": message}`.

    `field_names` renames the service's field names (model attributes) to the API's JSON names; a view
    declares them as `service_error_fields`.
    """
    if exc.kind is ErrorKind.INVALID and exc.errors:
        names = field_names or {}
        body: dict[str, Any] = {names.get(name, name): messages for name, messages in exc.errors.items()}
    else:
        body = {"detail": exc.message, **exc.data}
    response = Response(body, status=exc.kind.status)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    if exc.www_authenticate is not None:
        response["WWW-Authenticate"] = exc.www_authenticate
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's one error mapping (REST_FRAMEWORK's EXCEPTION_HANDLER)."""
    if isinstance(exc, ServiceError):
        field_names = getattr(context.get("view"), "service_error_fields", None)
        return service_error_response(exc, field_names=field_names)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if is_database_outage(exc):
        return Response({"detail": MSG_DATABASE_UNAVAILABLE}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    return drf_exception_handler(exc, context)

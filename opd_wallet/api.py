"""Cross-cutting API pieces: the error shape of API.md and a JSON 503 when the database is down."""

from typing import Any

from django.http import Http404
from pymongo.errors import ConnectionFailure
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from opd_wallet.users.models import Role

MSG_DATABASE_UNAVAILABLE = "The service is temporarily unavailable. Please try again shortly."


class Conflict(APIException):
    """409: the request conflicts with the current state (API.md)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def is_database_outage(exc: BaseException | None) -> bool:
    """True when `exc` (or what caused it: the backend wraps pymongo errors) means MongoDB is unreachable."""
    while exc is not None:
        if isinstance(exc, ConnectionFailure):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if is_database_outage(exc):
        return Response({"detail": MSG_DATABASE_UNAVAILABLE}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    return drf_exception_handler(exc, context)


class IsMember(BasePermission):
    """Member API: a signed-in user with role MEMBER (403 for other roles)."""

    message = "This endpoint is for members only."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and getattr(user, "is_authenticated", False) and user.role == Role.MEMBER)

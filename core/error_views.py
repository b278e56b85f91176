"""Error pages: never a traceback; a database outage anywhere (even in middleware) is a clean 503; too big is 413."""

import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from core.api import is_database_outage
from core.middleware import database_unavailable_response, wants_json

MSG_SERVER_ERROR = "Something went wrong on our side. It has been logged; please try again."


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_outage(sys.exception()):
        return database_unavailable_response(request)
    if wants_json(request):
        return JsonResponse({"detail": MSG_SERVER_ERROR}, status=500)
    return HttpResponse(render_to_string("500.html", {"message": MSG_SERVER_ERROR}), status=500)


MSG_BAD_REQUEST = "The request could not be understood."
MSG_REQUEST_TOO_LARGE = "The request body is too large."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413), JSON for the API."""
    too_large = isinstance(exception, RequestDataTooBig)
    status, message = (413, MSG_REQUEST_TOO_LARGE) if too_large else (400, MSG_BAD_REQUEST)
    if wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(render_to_string("400.html", {"message": message}), status=status)

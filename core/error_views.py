"""Error pages: never a traceback; a database outage anywhere (even in middleware) is a clean 503; too big is 413."""

import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from core.api import is_database_outage
from core.middleware import database_unavailable_response, wants_json

MSG_SERVER_ERROR = "Something went wrong on our side. It has been logged; please try again."
MSG_NOT_FOUND = "There is nothing at this address. It may have moved, or the link may be mistyped."
MSG_FORBIDDEN = "You do not have permission to see this page. Sign in with an account that does."
# The JSON `detail` the API answers with for an unknown /api/ path (DRF's own wording for a missing object).
MSG_API_NOT_FOUND = "Not found."
MSG_API_FORBIDDEN = "You do not have permission to perform this action."


def _way_back(request: HttpRequest) -> dict[str, str]:
    """Where the error page sends people: the admin's home for admin pages, the portal's for portal pages."""
    if request.path.startswith("/admin/"):
        return {"back_url": "/admin/", "back_label": "Back to the admin"}
    if request.path.startswith(("/portal/", "/auth/")):
        return {"back_url": "/portal/", "back_label": "Back to the doctor portal"}
    return {"back_url": "/", "back_label": "Go to the start page"}


def _page(request: HttpRequest, template: str, message: str, status: int) -> HttpResponse:
    # Rendered without the request context: a failing context processor must not fail the error page.
    return HttpResponse(render_to_string(template, {"message": message, **_way_back(request)}), status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_outage(sys.exception()):
        return database_unavailable_response(request)
    if wants_json(request):
        return JsonResponse({"detail": MSG_SERVER_ERROR}, status=500)
    return _page(request, "500.html", MSG_SERVER_ERROR, 500)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON under /api/ (and for JSON clients), a friendly page elsewhere."""
    if wants_json(request):
        return JsonResponse({"detail": MSG_API_NOT_FOUND}, status=404)
    return _page(request, "404.html", MSG_NOT_FOUND, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403 (the admin's refusals included)."""
    if wants_json(request):
        return JsonResponse({"detail": MSG_API_FORBIDDEN}, status=403)
    return _page(request, "403.html", MSG_FORBIDDEN, 403)


def landing(request: HttpRequest) -> HttpResponse:
    """The front door at `/`: links to the doctor portal, the admin and the API docs."""
    return HttpResponse(render_to_string("landing.html", request=request))


MSG_BAD_REQUEST = "The request could not be understood."
MSG_REQUEST_TOO_LARGE = "The request body is too large."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413), JSON for the API."""
    too_large = isinstance(exception, RequestDataTooBig)
    status, message = (413, MSG_REQUEST_TOO_LARGE) if too_large else (400, MSG_BAD_REQUEST)
    if wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(render_to_string("400.html", {"message": message}), status=status)

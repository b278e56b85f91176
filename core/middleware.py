"""Cross-cutting request handling: request ids and access logs, no caching of what a credential unlocked, and a
clean 503 while the database is down."""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers

from core.api import MSG_DATABASE_UNAVAILABLE, is_database_outage

access_log = logging.getLogger("opd_wallet.access")
error_log = logging.getLogger("core.error_views")

REQUEST_ID_HEADER = "X-Request-ID"


def _request_id(request: HttpRequest) -> str:
    """The caller's request id when it is a sane token, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if 8 <= len(given) <= 64 and given.replace("-", "").isalnum():
        return given
    return uuid.uuid4().hex


def _role(request: HttpRequest) -> str:
    """The caller's role, if a view authenticated one; never a token or a name."""
    for attr in ("doctor", "user"):
        principal = getattr(request, attr, None)
        if principal is not None and getattr(principal, "is_authenticated", False):
            return str(getattr(principal, "role", "ANONYMOUS"))
    return "ANONYMOUS"


class RequestLogMiddleware:
    """One structured line per request: method, path, status, duration, role, request id (no query, no body)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = _request_id(request)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        access_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "role": getattr(request, "log_role", None) or _role(request),
                "request_id": request.request_id,
            },
        )
        return response


class NoStoreAuthenticatedMiddleware:
    """Every answer to a request that carries a credential (a Bearer token, the admin's session cookie, the
    doctor's session cookie), or that sets one, is `Cache-Control: no-store`, with `Vary` naming what it
    depended on: no browser, proxy or shared cache keeps patient data or serves one person's page to another.

    Listed after WhiteNoise, so static files keep their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cookies = settings.CREDENTIAL_COOKIES
        by_bearer = "Authorization" in request.headers
        by_cookie = any(name in request.COOKIES for name in cookies) or any(
            name in response.cookies for name in cookies
        )
        if by_bearer:
            patch_vary_headers(response, ["Authorization"])
        if by_cookie:
            patch_vary_headers(response, ["Cookie"])
        if by_bearer or by_cookie:
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        return response


class DatabaseUnavailableMiddleware:
    """When MongoDB does not answer: JSON 503 for the API, a friendly page for the portal. No traceback.

    Nothing is half-written by this: each write in the app is a single-document operation that either
    reached the database or did not.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        error_log.error("database unavailable: %s", type(exception).__name__)
        return database_unavailable_response(request)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/auth/")) or "json" in request.headers.get("Accept", "")


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 while MongoDB is down. Rendered without the request context: that would need the session."""
    if wants_json(request):
        return JsonResponse({"detail": MSG_DATABASE_UNAVAILABLE}, status=503)
    return HttpResponse(render_to_string("503.html", {"message": MSG_DATABASE_UNAVAILABLE}), status=503)

"""Error pages: never a traceback; a database outage anywhere (even in middleware) is a clean 503."""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from opd_wallet.api import is_database_outage
from opd_wallet.middleware import database_unavailable_response, wants_json

MSG_SERVER_ERROR = "Something went wrong on our side. It has been logged; please try again."


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_outage(sys.exception()):
        return database_unavailable_response(request)
    if wants_json(request):
        return JsonResponse({"detail": MSG_SERVER_ERROR}, status=500)
    return HttpResponse(render_to_string("500.html", {"message": MSG_SERVER_ERROR}), status=500)

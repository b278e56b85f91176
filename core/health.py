from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from pymongo.errors import PyMongoError


def database_answers() -> bool:
    try:
        connection.ensure_connection()
        connection.database.command("ping")
    except PyMongoError:
        return False
    return True


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """GET /healthz: 200 when the database answers a ping, 503 when it does not."""
    if database_answers():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "error", "database": "unavailable"}, status=503)

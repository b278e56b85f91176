"""The project's URLs plus views that fail, for the error-page tests (handlers as in opd_wallet/urls.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from opd_wallet.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/boom", boom), path("portal/boom", boom), path("admin/boom/", boom), *urlpatterns]

"""The project's URLs plus stand-ins for the portal pages other parts of issue 14 add (time off, reschedule),
so the week view's links to them can be tested before those pages exist here."""

from django.http import HttpResponse
from django.urls import path

from opd_wallet.urls import urlpatterns as project_urlpatterns


def _stand_in(request: object, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse("stand-in")


urlpatterns = [
    *project_urlpatterns,
    path("portal/test-time-off/", _stand_in, name="portal-time-off"),
    path("portal/test-appointments/<str:appointment_id>/reschedule/", _stand_in, name="portal-appointment-reschedule"),
]

"""What every doctor-portal page shares: sign-in required, the signed-in doctor, the active nav entry.

    class MyPage(DoctorRequiredMixin, TemplateView):
        template_name = "portal/my_page.html"      # {% extends "portal/base.html" %}
        nav_section = "prescriptions"              # highlights that nav entry

`self.doctor` (and `request.doctor`) is the signed-in Doctor; the template gets `doctor` and `nav_section`.
Anonymous visitors (or an ended session) are redirected to /auth/doctor/login?next=<this page>.
Unsafe methods are CSRF-checked by Django's middleware as usual (use {% csrf_token %} in forms).
A service's refusal becomes the portal's answer through core.portal_errors.PortalErrorsMixin (404 page, or
an error message and a redirect to `refused_url()`).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core.portal_errors import PortalErrorsMixin
from doctors.auth.sessions import COOKIE_NAME, doctor_from_request, session_cookie_delete
from doctors.models import Doctor

MSG_PLEASE_SIGN_IN = "Please sign in to continue."
MSG_SESSION_EXPIRED = "Your session has ended. Please sign in again."


class DoctorRequiredMixin(PortalErrorsMixin):
    nav_section: str = ""
    doctor: Doctor

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        doctor = doctor_from_request(request)
        if doctor is None:
            return self.handle_no_doctor(request)
        self.doctor = doctor
        request.doctor = doctor  # type: ignore[attr-defined]
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def handle_no_doctor(self, request: HttpRequest) -> HttpResponse:
        had_cookie = COOKIE_NAME in request.COOKIES
        if had_cookie:
            messages.info(request, MSG_SESSION_EXPIRED)
        if request.method in ("GET", "HEAD"):
            response = redirect_to_login(request.get_full_path(), reverse("doctor-login"), "next")
        else:  # an action URL cannot be replayed by a GET after sign-in: land on the portal home
            response = HttpResponseRedirect(reverse("doctor-login"))
        if had_cookie:
            session_cookie_delete(response)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["doctor"] = self.doctor
        context["nav_section"] = self.nav_section
        return context

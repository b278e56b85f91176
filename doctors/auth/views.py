"""/auth/doctor/login, /logout and /profile: JSON for API clients, HTML forms for the portal; and the portal's
profile page.

One URL serves both: a POST whose body is a form is the portal's sign-in page (Django's CSRF check, a
redirect on success); any other POST is the JSON API (200 with the profile). A JSON login needs no CSRF
token: a cross-site page cannot send `application/json` without a CORS preflight, which we never allow.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import rotate_token
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie
from django.views.generic import TemplateView
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client_ip import client_ip
from core.errors import ServiceError
from core.parsers import SafeJSONParser
from core.portal_errors import PortalErrorsMixin, form_add_service_error
from doctors.auth.forms import DoctorLoginForm
from doctors.auth.portal import NOT_DONE_PARAM, PORTAL_HOME, DoctorRequiredMixin, not_done_message, safe_portal_url
from doctors.auth.serializers import DoctorLoginSerializer, DoctorProfileSerializer
from doctors.auth.services import SignedIn, doctor_login, doctor_logout
from doctors.auth.sessions import (
    COOKIE_NAME,
    DoctorApiMixin,
    doctor_from_request,
    enforce_csrf,
    session_cookie_delete,
    session_cookie_set,
)
from doctors.schedule.notice import duration_text, notice_rules

MSG_SIGNED_OUT = "You have signed out."
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_form_post(request: HttpRequest) -> bool:
    return request.method == "POST" and request.content_type in FORM_CONTENT_TYPES


def _sign_in(request: HttpRequest, email: str, password: str) -> SignedIn:
    signed_in = doctor_login(
        email=email,
        password=password,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    rotate_token(request)  # a fresh csrftoken cookie for the new session, as Django's login() does
    return signed_in


# --- JSON API ------------------------------------------------------------------------------------------------


class DoctorLoginApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=DoctorLoginSerializer,
        responses={
            200: DoctorProfileSerializer,
            401: OpenApiResponse(description="wrong email or password"),
            429: OpenApiResponse(description="too many failed attempts"),
        },
        tags=["doctor auth"],
        summary="Sign in: sets the doctor_session cookie (HTTP-only JWT, 8 hours) and csrftoken",
    )
    def post(self, request: Request) -> Response:
        serializer = DoctorLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signed_in = _sign_in(request._request, **serializer.validated_data)  # refusals: core/api.py
        response = Response(DoctorProfileSerializer(signed_in.doctor).data)
        session_cookie_set(response, signed_in.token)
        return response


class DoctorLogoutApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(description="signed out")},
        tags=["doctor auth"],
        summary="Sign out: revokes the session server-side and clears the cookie",
    )
    def post(self, request: Request) -> Response:
        token = request._request.COOKIES.get(COOKIE_NAME)
        if token:
            enforce_csrf(request._request)
            doctor_logout(token=token)
        response = Response({"detail": MSG_SIGNED_OUT})
        session_cookie_delete(response)
        return response


class DoctorProfileApi(DoctorApiMixin, APIView):
    @extend_schema(responses=DoctorProfileSerializer, tags=["doctor auth"])
    def get(self, request: Request) -> Response:
        return Response(DoctorProfileSerializer(request.user).data)


# --- Portal pages -------------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    return safe_portal_url(request, candidate) or PORTAL_HOME


class DoctorLoginPage(PortalErrorsMixin, View):
    """The sign-in page; a refused sign-in is shown on the form (401, or 429 when throttled). It carries `next`
    (where to go after) and `not_done` (a signed note of an action lost with an expired session, shown after)."""

    template_name = "portal/login.html"
    form: DoctorLoginForm
    next_url: str
    not_done: str

    def get(self, request: HttpRequest) -> HttpResponse:
        self.next_url = next_url = _safe_next(request, request.GET.get("next"))
        self.not_done = request.GET.get(NOT_DONE_PARAM, "")
        if doctor_from_request(request) is not None:
            return HttpResponseRedirect(next_url)
        return self._render(request, DoctorLoginForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        self.next_url = next_url = _safe_next(request, request.POST.get("next"))
        self.not_done = request.POST.get(NOT_DONE_PARAM, "")
        self.form = form = DoctorLoginForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        signed_in = _sign_in(request, form.cleaned_data["email"], form.cleaned_data["password"])
        lost = not_done_message(self.not_done)
        if lost:
            messages.warning(request, lost)
        response = HttpResponseRedirect(next_url)
        session_cookie_set(response, signed_in.token)
        return response

    def service_error_response(self, exc: ServiceError) -> HttpResponse:
        form_add_service_error(self.form, exc)
        return self._render(self.request, self.form, status=exc.kind.status)

    def _render(self, request: HttpRequest, form: DoctorLoginForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "next": self.next_url, "not_done": self.not_done}
        return render(request, self.template_name, context, status=status)


class DoctorLogoutPage(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        doctor_logout(token=request.COOKIES.get(COOKIE_NAME))
        messages.info(request, MSG_SIGNED_OUT)
        response = HttpResponseRedirect(reverse("doctor-login"))
        session_cookie_delete(response)
        return response


# --- One URL, two audiences -------------------------------------------------------------------------------


def _by_body(api: Any, page: Any, *, form_to_page: bool, get_to_page: bool) -> Any:
    @csrf_exempt  # each branch runs its own CSRF check (see the module docstring)
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if form_to_page and _is_form_post(request):
            return page(request, *args, **kwargs)
        if get_to_page and request.method != "POST":
            return page(request, *args, **kwargs)
        return api(request, *args, **kwargs)

    return view


def doctor_login_view() -> Any:
    """GET and form POST: the sign-in page. Any other POST: the JSON API."""
    view = _by_body(
        DoctorLoginApi.as_view(),
        csrf_protect(ensure_csrf_cookie(DoctorLoginPage.as_view())),
        form_to_page=True,
        get_to_page=True,
    )
    view.cls, view.initkwargs = DoctorLoginApi, {}  # type: ignore[attr-defined]  # drf-spectacular lists it
    return view


def doctor_logout_view() -> Any:
    """Form POST (the portal's Sign out button): redirect to the sign-in page. Any other POST: JSON."""
    view = _by_body(
        DoctorLogoutApi.as_view(),
        csrf_protect(DoctorLogoutPage.as_view()),
        form_to_page=True,
        get_to_page=False,
    )
    view.cls, view.initkwargs = DoctorLogoutApi, {}  # type: ignore[attr-defined]
    return view


# --- The portal's profile page --------------------------------------------------------------------------------


class ProfileView(DoctorRequiredMixin, TemplateView):
    """The doctor's profile, read-only (staff change it in the admin), with the notice rules in force."""

    template_name = "portal/profile.html"
    nav_section = "profile"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rules = notice_rules(self.doctor)
        context["notice_rules"] = {
            "min_notice": duration_text(rules.min_notice_minutes),
            "horizon_days": rules.horizon_days,
            "change_cutoff": duration_text(rules.change_cutoff_minutes),
        }
        return context

"""Doctor sessions, shared by the doctor API and the portal.

A doctor's session is a JWT (HS256, SECRET_KEY, 8 hours, `sub` = the doctor's `_id`, role DOCTOR, a unique
`jti`, `cfp`) in the HTTP-only cookie `doctor_session`. A token is accepted only while its `doctor_sessions` row
exists, so logout (which deletes the row) kills every copy of the cookie, and only while its `cfp` matches the
doctor's current password hash and `isActive` (core/credentials.py), so a password change or deactivation by
any route, even a write straight into MongoDB, ends every session at once.

Reuse in other apps:
- doctor API views: `class MyApi(DoctorApiMixin, APIView)`; `request.user` is the `Doctor`.
- portal pages: `doctors.auth.portal.DoctorRequiredMixin` (sets `self.doctor`).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt
from bson import ObjectId
from bson.errors import InvalidId
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, CSRFCheck
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from core.credentials import FINGERPRINT_CLAIM, credential_fingerprint, fingerprint_matches
from doctors.models import Doctor, DoctorSession
from users.authentication import MemberJWTAuthentication

COOKIE_NAME = "doctor_session"
SESSION_LIFETIME = timedelta(hours=8)  # the seed's "8-hour expiry"
# Set beside the session cookie, kept longer, deleted on sign-out: a request that carries it but no live session
# comes from a doctor whose session expired (the browser drops `doctor_session` itself after 8 hours), so the
# portal can say so instead of a bare sign-in page. Holds nothing but "1". Decision 0068.
HINT_COOKIE_NAME = "doctor_session_hint"
HINT_LIFETIME = timedelta(days=30)
ROLE_DOCTOR = "DOCTOR"
JWT_ALGORITHM = "HS256"
# Member tokens (simplejwt) are signed with the same SECRET_KEY: the audience keeps them out of the cookie.
JWT_AUDIENCE = "opd-wallet:doctor-portal"
JWT_ISSUER = "opd-wallet"
# Session times read the real clock (timezone.now), not core.clock: PyJWT checks `iat` and `exp` against
# the real time, so a session dated by a moved test clock would be refused as not yet valid or expired.

REQUIRED_CLAIMS = ["sub", "jti", "exp", "iat", "role", FINGERPRINT_CLAIM]

MSG_SESSION_ENDED = "Your session has ended. Please sign in again."
MSG_DOCTORS_ONLY = "This endpoint is for doctors only."
MSG_CSRF_FAILED = "CSRF Failed: {reason}"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    issued_at: datetime
    expires_at: datetime


def token_issue(*, doctor: Doctor, now: datetime) -> IssuedToken:
    """Sign a new doctor JWT. Precondition: the caller stores a DoctorSession for its `jti`."""
    jti = secrets.token_urlsafe(24)
    expires_at = now + SESSION_LIFETIME
    claims = {
        "sub": str(doctor.pk),
        "doctorId": doctor.doctor_id,
        "role": ROLE_DOCTOR,
        "jti": jti,
        FINGERPRINT_CLAIM: credential_fingerprint(password_hash=doctor.password, is_active=doctor.is_active),
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "aud": JWT_AUDIENCE,
        "iss": JWT_ISSUER,
    }
    token = jwt.encode(claims, settings.SECRET_KEY, algorithm=JWT_ALGORITHM)
    return IssuedToken(token=token, jti=jti, issued_at=now, expires_at=expires_at)


def token_claims(token: str | None, *, allow_expired: bool = False) -> dict[str, Any] | None:
    """The claims of a well-formed, correctly signed doctor token; None for anything else."""
    if not token:
        return None
    try:
        claims = jwt.decode(
            token,
            settings.SECRET_KEY,
            algorithms=[JWT_ALGORITHM],
            audience=JWT_AUDIENCE,
            issuer=JWT_ISSUER,
            options={
                "require": ["sub", "jti", "exp", "iat", "role", FINGERPRINT_CLAIM],
                "verify_exp": not allow_expired,
            },
        )
    except jwt.PyJWTError:
        return None
    if claims.get("role") != ROLE_DOCTOR or not isinstance(claims.get("jti"), str):
        return None
    return claims


def doctor_from_token(token: str | None) -> Doctor | None:
    """The active doctor a live, unrevoked session token belongs to, if it still matches the doctor's
    credentials; else None. One query (the session joined to its doctor)."""
    claims = token_claims(token)
    if claims is None:
        return None
    try:
        doctor_pk = ObjectId(claims["sub"])
    except (InvalidId, TypeError):
        return None
    session = (
        DoctorSession.objects.select_related("doctor")
        .filter(jti=claims["jti"], doctor_id=doctor_pk, expires_at__gt=timezone.now(), doctor__is_active=True)
        .first()
    )
    if session is None:
        return None
    doctor = session.doctor
    if not fingerprint_matches(claims[FINGERPRINT_CLAIM], password_hash=doctor.password, is_active=doctor.is_active):
        return None  # the password or the active flag changed since this session began
    return doctor


def doctor_from_request(request: HttpRequest) -> Doctor | None:
    return doctor_from_token(request.COOKIES.get(COOKIE_NAME))


class SessionLoss(StrEnum):
    """Why a request carries no live doctor session although the browser had one."""

    EXPIRED = "expired"  # its 8 hours are over
    ENDED = "ended"  # signed out elsewhere, the doctor deactivated, or a cookie that is not ours


def session_loss(request: HttpRequest) -> SessionLoss | None:
    """For a request without a live session: expired, ended, or None (never signed in here, or signed out).
    Reads cookies only, no query."""
    token = request.COOKIES.get(COOKIE_NAME)
    if token:
        claims = token_claims(token, allow_expired=True)
        if claims is not None and int(claims["exp"]) <= int(timezone.now().timestamp()):
            return SessionLoss.EXPIRED
        return SessionLoss.ENDED
    if request.COOKIES.get(HINT_COOKIE_NAME):
        return SessionLoss.EXPIRED
    return None


def session_cookie_set(response: HttpResponse, issued: IssuedToken) -> None:
    for name, value, lifetime in (
        (COOKIE_NAME, issued.token, SESSION_LIFETIME),
        (HINT_COOKIE_NAME, "1", HINT_LIFETIME),
    ):
        response.set_cookie(
            name,
            value,
            max_age=int(lifetime.total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=not settings.DEBUG,
            path="/",
        )


def session_cookie_delete(response: HttpResponse, *, keep_hint: bool = False) -> None:
    """Sign-out deletes both cookies. A dead session found by the portal deletes only the session cookie: the
    hint stays, so every open tab of the doctor is told the session expired (sign-in renews it)."""
    for name in (COOKIE_NAME,) if keep_hint else (COOKIE_NAME, HINT_COOKIE_NAME):
        response.delete_cookie(name, path="/", samesite="Lax")


def enforce_csrf(request: HttpRequest) -> None:
    """Django's CSRF check, as DRF's SessionAuthentication runs it (DRF views are otherwise exempt)."""

    def dummy_get_response(_request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
        return HttpResponse()

    check = CSRFCheck(dummy_get_response)
    check.process_request(request)
    reason = check.process_view(request, dummy_get_response, (), {})
    if reason:
        raise PermissionDenied(MSG_CSRF_FAILED.format(reason=reason))


class DoctorCookieAuthentication(BaseAuthentication):
    """The `doctor_session` cookie. Unsafe methods must carry Django's CSRF token (`X-CSRFToken`)."""

    def authenticate(self, request: Request) -> tuple[Doctor, None] | None:
        token = request._request.COOKIES.get(COOKIE_NAME)
        if not token:
            return None
        doctor = doctor_from_token(token)
        if doctor is None:
            raise AuthenticationFailed(MSG_SESSION_ENDED)
        enforce_csrf(request._request)
        return doctor, None

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to an unauthenticated request.
        return f'Cookie realm="{COOKIE_NAME}"'


class IsDoctor(BasePermission):
    """Doctor endpoints: only a signed-in doctor. Other roles (a member's Bearer token) get 403."""

    message = MSG_DOCTORS_ONLY

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, Doctor)


class DoctorApiMixin:
    """Put first in a doctor API view's bases: cookie auth (Bearer too, so other roles get 403) + IsDoctor."""

    authentication_classes = [DoctorCookieAuthentication, MemberJWTAuthentication]
    permission_classes = [IsDoctor]


class DoctorSessionScheme(OpenApiAuthenticationExtension):
    """Describes the doctor_session cookie in the OpenAPI schema (/api/docs/)."""

    target_class = DoctorCookieAuthentication
    name = "doctorSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": COOKIE_NAME,
            "description": "Set by POST /auth/doctor/login. Unsafe methods also need the X-CSRFToken header "
            "carrying the csrftoken cookie.",
        }

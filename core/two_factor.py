"""Staff two-factor sign-in: who must give a code, and whether this session gave one.

docs/operations.md#staff-two-factor-sign-in.

The rule, in one place: a staff member who enrolled an authenticator app always signs in with a code; with
`STAFF_2FA_REQUIRED` on, every staff member must, and one who has not enrolled yet may open only the
enrolment page until they have. django-otp's `OTPMiddleware` marks a session verified when the sign-in
checked a code (users/staff_login.py) or enrolment confirmed one (users/two_factor.py).
"""

from typing import Any

from bson import ObjectId
from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware as _DjangoOTPMiddleware
from django_otp.models import Device

ENROLMENT_URL_NAME = "staff-2fa-enrol"
_ENROLLED_CACHE = "_staff_2fa_enrolled"


def staff_2fa_enrolled(request: HttpRequest) -> bool:
    """True when the signed-in user has a confirmed device: known from the session's verified device, else
    two point reads (TOTP and recovery devices), once per request."""
    cached = getattr(request, _ENROLLED_CACHE, None)
    if cached is None and getattr(request.user, "otp_device", None) is not None:
        cached = True  # the session gave a code with a confirmed device: no need to look
    if cached is None:
        cached = user_has_device(request.user, confirmed=True)
        setattr(request, _ENROLLED_CACHE, cached)
    return bool(cached)


def staff_2fa_needed(request: HttpRequest) -> bool:
    return bool(settings.STAFF_2FA_REQUIRED) or staff_2fa_enrolled(request)


def staff_2fa_satisfied(request: HttpRequest) -> bool:
    """The session may use the admin: no code is needed, or this session gave one."""
    if not staff_2fa_needed(request):
        return True
    is_verified: Any = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def staff_must_enrol(request: HttpRequest) -> bool:
    return bool(settings.STAFF_2FA_REQUIRED) and not staff_2fa_enrolled(request)


class OTPMiddleware(_DjangoOTPMiddleware):
    """django-otp's middleware, reading the session's device back by its ObjectId (django-otp assumes integer
    primary keys: `Device.from_persistent_id` calls `int()` on the id and finds nothing here)."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        persistent_id = self._normalize_persistent_id(persistent_id)
        try:
            model_label, device_id = persistent_id.rsplit("/", 1)
            model = apps.get_model(model_label)
        except (ValueError, LookupError):
            return None
        if not (issubclass(model, Device) and ObjectId.is_valid(device_id)):
            return None
        return model.objects.filter(pk=ObjectId(device_id)).first()

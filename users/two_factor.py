"""Staff two-factor sign-in: enrolling an authenticator app (TOTP), recovery codes, and resetting both.

The page /admin/two-factor/ (name `staff-2fa-enrol`) shows a QR code (an inline SVG data URI; nothing from
another site) and the secret for typing in, checks one code to confirm, then shows recovery codes once. Who
must give a code is core/two_factor.py; the sign-in form is users/staff_login.py.
"""

import base64
import hashlib
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pymongo.errors import DuplicateKeyError

from core.ttl import ttl_index_ensure
from core.two_factor import staff_2fa_satisfied
from mongo.raw import collection
from users.models import User

DEVICE_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
MSG_CODE_WRONG = "That code is not right. Check the time on your phone and enter the newest code."
MSG_CODE_FORMAT = "Enter the 6-digit code your authenticator app shows."
SPENT_COLLECTION = "staff_otp_spent"
SPENT_TTL_INDEX = "staff_otp_spent_ttl"


# --- services ------------------------------------------------------------------------------------------------


def staff_otp_verify(*, device: Any, token: str) -> bool:
    """Whether `token` is a code `device` accepts now, accepting each code once.

    django-otp refuses a TOTP code at or before the device's `last_t`, and deletes a recovery code when used,
    but both are a read then a write: two sign-ins racing with one code could both pass. So a code that
    passed is also spent here, as one insert refused by the `_id` index for the second request
    (`staff_otp_spent`, kept a day by a TTL index)."""
    if not device.verify_is_allowed()[0] or not device.verify_token(token):
        return False
    if isinstance(device, TOTPDevice):
        key = f"totp:{device.pk}:{device.last_t}"
    else:
        key = f"{device.persistent_id}:{hashlib.sha256(token.encode()).hexdigest()}"
    try:
        collection(SPENT_COLLECTION).insert_one({"_id": key, "at": timezone.now()})
    except DuplicateKeyError:
        return False
    return True


def staff_otp_spent_ttl_ensure(connection: Any) -> None:
    ttl_index_ensure(connection, collection=SPENT_COLLECTION, field="at", name=SPENT_TTL_INDEX, seconds=24 * 3600)


def staff_2fa_begin(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator device (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def staff_2fa_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code it accepts and issue recovery codes; None for a wrong code."""
    if not (token.isdigit() and len(token) == 6) or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    return staff_recovery_codes_issue(user_id=device.user_id)


def staff_recovery_codes_issue(*, user_id: Any) -> list[str]:
    """A fresh set of single-use recovery codes; the previous set stops working."""
    device = StaticDevice.objects.filter(user_id=user_id).first()
    if device is None:
        device = StaticDevice.objects.create(user_id=user_id, name=RECOVERY_NAME, confirmed=True)
    StaticToken.objects.filter(device=device).delete()
    codes = [StaticToken.random_token() for _ in range(settings.STAFF_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def staff_2fa_reset(*, user: User) -> None:
    """Forget the user's authenticator and recovery codes (a lost phone): they enrol again at next sign-in."""
    StaticToken.objects.filter(device__in=list(StaticDevice.objects.filter(user=user))).delete()
    StaticDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code of `text` as a data: URI (CSP allows data: images; no third-party service sees it)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


# --- the page ----------------------------------------------------------------------------------------------------


class StaffTwoFactorView(AccessMixin, View):
    template_name = "admin/two_factor.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user: Any = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return self.handle_no_permission()
        if user_has_device(user, confirmed=True) and not staff_2fa_satisfied(request):
            return HttpResponseRedirect(reverse("admin:login"))  # enrolled: sign in with a code first
        return super().dispatch(request, *args, **kwargs)

    def get_login_url(self) -> str:
        return reverse("admin:login")

    def get(self, request: HttpRequest) -> HttpResponse:
        if user_has_device(request.user, confirmed=True):
            return self._render(request, enrolled=True)
        return self._render(request, device=staff_2fa_begin(user=request.user))  # type: ignore[arg-type]

    def post(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if user_has_device(user, confirmed=True):
            if request.POST.get("action") == "recovery":
                fresh = staff_recovery_codes_issue(user_id=user.pk)
                return self._render(request, enrolled=True, codes=fresh)
            return HttpResponseRedirect(request.path)
        device = staff_2fa_begin(user=user)
        token = (request.POST.get("otp_token") or "").strip().replace(" ", "")
        codes = staff_2fa_confirm(device=device, token=token)
        if codes is None:
            error = MSG_CODE_FORMAT if not (token.isdigit() and len(token) == 6) else MSG_CODE_WRONG
            return self._render(request, device=device, error=error, status=400)
        otp_login(request, device)  # this session has now given a code
        return self._render(request, enrolled=True, codes=codes, just_enrolled=True)

    def _render(self, request: HttpRequest, *, device: TOTPDevice | None = None, status: int = 200, **context: Any):
        from django.contrib import admin

        context = {**admin.site.each_context(request), "title": "Two-factor sign-in", **context}
        if device is not None:
            context["qr_code"] = qr_code_data_uri(device.config_url)
            context["secret"] = base64.b32encode(device.bin_key).decode("ascii")
        return render(request, self.template_name, context, status=status)

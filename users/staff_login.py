"""The admin's sign-in form (/admin/login/): Django's, behind the same throttles as members' and doctors'
sign-ins (core/login_throttle.py, namespace "staff"), plus the code from an authenticator app or a recovery
code for staff who need one (core/two_factor.py). A wrong code counts as a failed sign-in."""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django_otp import devices_for_user

from core.client_ip import client_ip
from core.login_throttle import (
    MSG_TOO_MANY_ATTEMPTS,
    login_failure_keys,
    login_failure_record,
    login_failures_clear,
    login_retry_after,
    pair_key,
)
from users.two_factor import staff_otp_verify

NAMESPACE = "staff"
MSG_CODE_NEEDED = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
MSG_CODE_WRONG = "That code is not right. Check the time on your phone and try the newest code."


class StaffAuthenticationForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Staff who have set up two-factor sign-in: the 6-digit code, or a recovery code.",
    )

    def clean(self) -> dict[str, Any]:
        email = (self.cleaned_data.get("username") or "").strip().lower()
        ip_address = client_ip(self.request) if self.request is not None else ""
        keys = login_failure_keys(namespace=NAMESPACE, account=email, ip_address=ip_address)
        if login_retry_after(keys=keys) is not None:
            raise ValidationError(MSG_TOO_MANY_ATTEMPTS, code="throttled")
        try:
            cleaned = super().clean()
            self._check_second_factor()
        except ValidationError:
            login_failure_record(keys=keys)
            raise
        login_failures_clear(key=pair_key(namespace=NAMESPACE, account=email, ip_address=ip_address))
        return cleaned

    def _check_second_factor(self) -> None:
        """For staff who enrolled, or everyone when STAFF_2FA_REQUIRED: a code one of their devices accepts.
        The device is remembered on the user; django-otp stores it in the session at login."""
        user: Any = self.get_user()
        devices = list(devices_for_user(user, confirmed=True))
        if not devices:
            return  # not enrolled: with 2FA required, the admin sends them to enrol (core/admin_site.py)
        token = (self.cleaned_data.get("otp_token") or "").strip().replace(" ", "")
        if not token:
            raise ValidationError(MSG_CODE_NEEDED, code="otp_needed")
        for device in devices:
            if staff_otp_verify(device=device, token=token):
                user.otp_device = device
                return
        raise ValidationError(MSG_CODE_WRONG, code="otp_wrong")

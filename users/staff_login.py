"""The admin's sign-in form (/admin/login/): Django's, behind the same throttles as members' and doctors'
sign-ins (core/login_throttle.py, namespace "staff")."""

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from core.client_ip import client_ip
from core.login_throttle import (
    MSG_TOO_MANY_ATTEMPTS,
    login_failure_keys,
    login_failure_record,
    login_failures_clear,
    login_retry_after,
    pair_key,
)

NAMESPACE = "staff"


class StaffAuthenticationForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        email = (self.cleaned_data.get("username") or "").strip().lower()
        ip_address = client_ip(self.request) if self.request is not None else ""
        keys = login_failure_keys(namespace=NAMESPACE, account=email, ip_address=ip_address)
        if login_retry_after(keys=keys) is not None:
            raise ValidationError(MSG_TOO_MANY_ATTEMPTS, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failure_record(keys=keys)
            raise
        login_failures_clear(key=pair_key(namespace=NAMESPACE, account=email, ip_address=ip_address))
        return cleaned

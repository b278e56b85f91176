from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.module_loading import import_string

from core.two_factor import ENROLMENT_URL_NAME, staff_2fa_satisfied, staff_must_enrol


class OpdAdminSite(admin.AdminSite):
    site_header = "OPD Wallet operations"
    site_title = "OPD Wallet admin"
    index_title = "Doctors, clinics, appointments and consultations"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every ModelAdmin gets the mixins of `ADMIN_MODEL_MIXINS` (the audit trail's hook,
        audit/admin_hooks.py), so no admin class can forget them. Named in settings: core imports no app."""
        base = admin_class or admin.ModelAdmin
        mixins = tuple(import_string(path) for path in settings.ADMIN_MODEL_MIXINS)
        mixins = tuple(mixin for mixin in mixins if not issubclass(base, mixin))
        if mixins:
            base = type(base.__name__, (*mixins, base), {"__module__": base.__module__, "__doc__": base.__doc__})
        super().register(model_or_iterable, base, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        """Active staff whose session gave the second factor when one is needed (core/two_factor.py)."""
        return super().has_permission(request) and staff_2fa_satisfied(request)

    def admin_view(self, view: Callable, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if user.is_active and user.is_staff and staff_must_enrol(request):
                return HttpResponseRedirect(reverse(ENROLMENT_URL_NAME))  # enrol before anything else
            return inner(request, *args, **kwargs)

        return gated

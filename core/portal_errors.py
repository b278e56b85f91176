"""The portal's and the admin's one mapping of service errors (the API's is core/api.py).

- `PortalErrorsMixin` (every doctor-portal view has it through `DoctorRequiredMixin`): a `NotFound` raised
  while handling the request is the 404 page; any other `ServiceError` is an error message and a redirect to
  `refused_url()` (the page the action came from). A form page overrides `service_error_response` to show
  the refusal on its form instead (`form_add_service_error`).
- `form_add_service_error`: a refusal's field errors on the form's fields (the rest as non-field errors).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from core.errors import NotFound, ServiceError


def form_add_service_error(
    form: forms.BaseForm, exc: ServiceError, *, field_names: dict[str, str] | None = None
) -> None:
    """Show a refusal on `form`: each field error on its field (renamed by `field_names`; unknown fields as
    non-field errors), else the message as a non-field error."""
    if not exc.errors:
        form.add_error(None, exc.message)
        return
    for name, field_messages in exc.errors.items():
        field = (field_names or {}).get(name, name)
        form.add_error(field if field in form.fields else None, field_messages)


class PortalErrorsMixin:
    """Turns a service's refusal into the portal's answer; views never catch service errors themselves."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ServiceError as exc:
            return self.service_error_response(exc)

    def service_error_response(self, exc: ServiceError) -> HttpResponse:
        messages.error(self.request, exc.message)
        return HttpResponseRedirect(self.refused_url())

    def refused_url(self) -> str:
        """Where a refused action lands (default: the page that sent it, else the portal home)."""
        return "/portal/"

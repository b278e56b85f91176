"""The portal's and the admin's one mapping of service errors (the API's is core/api.py).

- `PortalErrorsMixin` (every doctor-portal view has it through `DoctorRequiredMixin`): a `NotFound` raised
  while handling the request is the 404 page; any other `ServiceError` is an error message and a redirect to
  `refused_url()` (the page the action came from). A form page overrides `service_error_response` to show
  the refusal on its form instead (`form_add_service_error`).
- `form_add_service_error`: a refusal's field errors on the form's fields (the rest as non-field errors).
- Anchored messages: a view that sends the doctor back to one part of a long page (`refused_url()` ending in
  `#<anchor>`) tags its messages with `anchored(<anchor>)` (`refused_anchor()` does it for refusals), and the
  page shows them next to that part (`messages_by_anchor`), in view, rather than at the top of the page.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.messages.storage.base import Message
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
        anchor = self.refused_anchor()
        messages.error(self.request, exc.message, extra_tags=anchored(anchor) if anchor else "")
        return HttpResponseRedirect(self.refused_url())

    def refused_anchor(self) -> str:
        """The part of the `refused_url()` page to show the refusal next to (an element id), or "" for the top."""
        return ""

    def refused_url(self) -> str:
        """Where a refused action lands (default: the page that sent it, else the portal home)."""
        return "/portal/"


ANCHOR_TAG = "anchor:"


def anchored(anchor: str) -> str:
    """The `extra_tags` of a message meant to show next to the element with id `anchor`."""
    return f"{ANCHOR_TAG}{anchor}"


def messages_by_anchor(request: HttpRequest) -> tuple[list[Message], dict[str, list[Message]]]:
    """This request's messages (they are consumed): those for the top of the page, and those for each anchor."""
    top: list[Message] = []
    by_anchor: dict[str, list[Message]] = {}
    for message in messages.get_messages(request):
        tags = (message.extra_tags or "").split()
        anchor = next((tag.removeprefix(ANCHOR_TAG) for tag in tags if tag.startswith(ANCHOR_TAG)), None)
        if anchor:
            by_anchor.setdefault(anchor, []).append(message)
        else:
            top.append(message)
    return top, by_anchor

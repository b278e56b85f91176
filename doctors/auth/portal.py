"""What every doctor-portal page shares: sign-in required, the signed-in doctor, the active nav entry, and a
kind answer when the session is gone.

    class MyPage(DoctorRequiredMixin, TemplateView):
        template_name = "portal/my_page.html"      # {% extends "portal/base.html" %}
        nav_section = "prescriptions"              # highlights that nav entry
        action_label = "Save changes"              # what a POST here does, as its button says

`self.doctor` (and `request.doctor`) is the signed-in Doctor; the template gets `doctor` and `nav_section`.
Unsafe methods are CSRF-checked by Django's middleware as usual (use {% csrf_token %} in forms).
A service's refusal becomes the portal's answer through core.portal_errors.PortalErrorsMixin (404 page, or
an error message and a redirect to `refused_url()`).

Without a live session (docs/portal.md#when-the-session-expires, decision 0068):
- a GET goes to /auth/doctor/login?next=<this page>, with "Your session has expired..." when it had expired;
- a POST (an action) is not done; the sign-in page is told, in a signed `not_done` parameter, which action it
  was, and after sign-in the doctor lands on the page the action was sent from (its `next` field, else the
  Referer, else `action_return_url()`), with a message saying the action was not done.
"""

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.portal_errors import PortalErrorsMixin
from doctors.auth.sessions import SessionLoss, doctor_from_request, session_cookie_delete, session_loss
from doctors.models import Doctor

MSG_SESSION_EXPIRED = "Your session has expired. Sign in again to continue."
MSG_SESSION_ENDED = "Your session has ended. Please sign in again."
MSG_ACTION_NOT_DONE = "Your last action ({action}) was not done because {why}. Do it again below."
MSG_LAST_ACTION_NOT_DONE = "Your last action was not done because {why}. Do it again below."
WHY_NOT_DONE = {
    SessionLoss.EXPIRED: "your session had expired",
    SessionLoss.ENDED: "your session had ended",
    None: "you were not signed in",
}
PORTAL_HOME = "/portal/"
NOT_DONE_PARAM = "not_done"
_NOT_DONE_SALT = "doctors.auth.portal.not-done"
_NOT_DONE_MAX_AGE = 24 * 60 * 60  # seconds: a sign-in page left open longer forgets it
_ACTION_LABEL_MAX = 60


def safe_portal_url(request: HttpRequest, candidate: str | None) -> str | None:
    """`candidate` as a path on this site (`url_has_allowed_host_and_scheme`), else None."""
    if not candidate or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(candidate)
    path = parts.path or "/"
    if not path.startswith("/"):
        return None
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def not_done_token(*, action: str, loss: SessionLoss | None) -> str:
    """A signed note of an action that was not done, for the sign-in page to carry (nobody can forge one)."""
    return signing.dumps({"action": action[:_ACTION_LABEL_MAX], "why": loss.value if loss else ""}, salt=_NOT_DONE_SALT)


def not_done_message(token: str | None) -> str | None:
    """The message to show after sign-in for a `not_done_token`, or None if there is none (or it is not ours)."""
    if not token:
        return None
    try:
        note = signing.loads(token, salt=_NOT_DONE_SALT, max_age=_NOT_DONE_MAX_AGE)
    except signing.BadSignature:
        return None
    loss = SessionLoss(note["why"]) if note.get("why") in SessionLoss._value2member_map_ else None
    why = WHY_NOT_DONE[loss]
    action = note.get("action") or ""
    return MSG_ACTION_NOT_DONE.format(action=action, why=why) if action else MSG_LAST_ACTION_NOT_DONE.format(why=why)


def sign_in_url(*, next_url: str, not_done: str | None = None) -> str:
    query = {"next": next_url}
    if not_done:
        query[NOT_DONE_PARAM] = not_done
    return reverse("doctor-login") + "?" + urlencode(query, safe="/")


class DoctorRequiredMixin(PortalErrorsMixin):
    nav_section: str = ""
    # What a POST to this view does, in the words of its button, for "Your last action (…) was not done":
    # one label, or one per value of the URL's `action` argument.
    action_label: str = ""
    action_labels: dict[str, str] = {}
    doctor: Doctor

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        doctor = doctor_from_request(request)
        if doctor is None:
            return self.handle_no_doctor(request)
        self.doctor = doctor
        request.doctor = doctor  # type: ignore[attr-defined]
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def handle_no_doctor(self, request: HttpRequest) -> HttpResponse:
        loss = session_loss(request)
        if loss is not None:
            messages.info(request, MSG_SESSION_EXPIRED if loss is SessionLoss.EXPIRED else MSG_SESSION_ENDED)
        if request.method in ("GET", "HEAD"):
            location = sign_in_url(next_url=request.get_full_path())
        else:  # an action: not done; say so after sign-in, on the page it was sent from
            token = not_done_token(action=self.posted_action_label(), loss=loss)
            location = sign_in_url(next_url=self.return_url_after_sign_in(request), not_done=token)
        response = HttpResponseRedirect(location)
        if loss is not None:
            session_cookie_delete(response, keep_hint=True)
        return response

    def posted_action_label(self) -> str:
        action = getattr(self, "kwargs", {}).get("action")
        if action and action in self.action_labels:
            return self.action_labels[action]
        return self.action_label

    def return_url_after_sign_in(self, request: HttpRequest) -> str:
        """Where to do the lost action again: the form's `next`, else the page it was sent from (Referer), else
        `action_return_url()`; only ever a path on this site, never the sign-in page itself."""
        login_path = reverse("doctor-login")
        for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
            url = safe_portal_url(request, candidate)
            if url and not url.startswith(login_path):
                return url
        return self.action_return_url() or PORTAL_HOME

    def action_return_url(self) -> str | None:
        """The page to go back to after a lost POST when neither `next` nor the Referer says (override)."""
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["doctor"] = self.doctor
        context["nav_section"] = self.nav_section
        return context

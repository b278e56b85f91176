"""Submit Django admin forms the way a browser would: read the rendered form, change some fields, post it."""

from html.parser import HTMLParser

from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpResponse
from django.test import Client

SKIP_INPUT_TYPES = {"submit", "button", "image", "reset", "file"}


class _FormParser(HTMLParser):
    """Collects the successful controls of the admin's main form (`<form ... id="<model>_form">`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._in_form = attr.get("id", "").endswith("_form")
            return
        if not self._in_form or "name" not in attr or "disabled" in attr:
            if tag == "option" and self._select and "selected" in attr:
                self._add(self._select, attr.get("value", ""))
            return
        name = attr["name"]
        if tag == "input":
            kind = attr.get("type", "text")
            if kind in SKIP_INPUT_TYPES or (kind in ("checkbox", "radio") and "checked" not in attr):
                return
            self._add(name, attr.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None


def form_data(response: HttpResponse) -> dict[str, str | list[str]]:
    parser = _FormParser()
    parser.feed(response.content.decode())
    return {name: values[0] if len(values) == 1 else values for name, values in parser.data.items()}


def submit_change(client: Client, url: str, **changes: str | list[str] | None) -> HttpResponse:
    """GET the admin page at `url`, apply `changes` (None removes a field, as an unticked box), POST it back."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = form_data(response)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data)


def _messages(errors: object) -> list[str]:
    if isinstance(errors, dict | ErrorDict):
        return [message for value in errors.values() for message in _messages(value)]
    if isinstance(errors, list | ErrorList):
        return [message for value in errors for message in _messages(value)]
    return [str(errors)]


def form_errors(response: HttpResponse) -> list[str]:
    """Every error message of the admin form on the page, nested embedded-model forms included."""
    assert response.status_code == 200, f"expected the form again with errors, got {response.status_code}"
    return _messages(response.context["adminform"].form.errors)  # embedded forms' errors are nested in it


def admin_url(model: type, view: str = "changelist", *args: object) -> str:
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def staff_client(client: Client, role: str = "ADMIN") -> Client:
    """`client`, signed in to the admin as a new staff user of `role` (ADMIN or OPERATIONS)."""
    from tests.users.factories import StaffFactory

    client.force_login(StaffFactory(role=role))
    return client

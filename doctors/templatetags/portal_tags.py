"""Template helpers of the doctor portal: `{% load portal_tags %}`."""

from collections.abc import Iterable
from datetime import date

from django import template
from django.contrib.messages import WARNING
from django.contrib.messages.storage.base import Message
from django.forms import BoundField, Form
from django.urls import NoReverseMatch, reverse

from core import clock

register = template.Library()


@register.filter
def as_date(value: str | None) -> date | None:
    """A seed "YYYY-MM-DD" string as a date, for Django's `date` filter; None when malformed."""
    if not value or len(value) != len("YYYY-MM-DD") or value[4] != "-" or value[7] != "-":
        return None
    try:
        return date.fromisoformat(value)  # strptime cost more than the rest of a dashboard row
    except ValueError:
        return None


@register.filter
def relative_day(value: str | None) -> str:
    """ "Today", "Tomorrow", "Yesterday" or e.g. "Thu 26 Nov" (the year only when not this one)."""
    day = as_date(value)
    if day is None:
        return value or ""
    today = clock.local_today()
    delta = (day - today).days
    named = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}
    if delta in named:
        return named[delta]
    return day.strftime("%a %-d %b" if day.year == today.year else "%a %-d %b %Y")


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def described_widget(field: BoundField) -> str:
    """The field's input with `aria-describedby` naming its help text and its errors (ids `<id>_helptext`,
    `<id>_error`, as portal/includes/field.html writes them), so a screen reader reads them with the field.
    Django itself marks a field with errors `aria-invalid="true"`."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs: dict[str, str | bool] | None = {"aria-describedby": " ".join(ids)} if ids and field.auto_id else None
    return field.as_widget(attrs=attrs)


@register.filter
def fields_with_errors(form: Form) -> list[BoundField]:
    """The visible fields of a form that have errors, in the form's order (the error summary links to each)."""
    return [field for field in form.visible_fields() if field.errors]


@register.filter
def urgent_messages(messages: Iterable[Message], urgent: bool = True) -> list[Message]:
    """The messages to announce at once (errors and warnings: role="alert"), or with `False` the others."""
    return [message for message in messages if (message.level >= WARNING) == urgent]


@register.simple_tag
def anchored_for(by_anchor: dict | None, prefix: str, key: object) -> list:
    """`{% anchored_for anchored_messages "slot" slot.pk as items %}`: the messages for element `slot-<pk>`
    (core/portal_errors.py: messages_by_anchor)."""
    return (by_anchor or {}).get(f"{prefix}-{key}", [])


@register.simple_tag
def url_if_exists(name: str, *args: object) -> str:
    """`{% url_if_exists 'portal-time-off' as time_off_url %}`: the URL, or "" while no page has that name
    (a page another part of the portal adds; the link is left out until it exists)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""

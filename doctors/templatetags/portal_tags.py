"""Template helpers of the doctor portal: `{% load portal_tags %}`."""

from datetime import date

from django import template
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

"""Template helpers of the doctor portal: `{% load portal_tags %}`."""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def as_date(value: str | None) -> date | None:
    """A seed "YYYY-MM-DD" string as a date, for Django's `date` filter; None when malformed."""
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        return None


@register.filter
def relative_day(value: str | None) -> str:
    """"Today", "Tomorrow", "Yesterday" or e.g. "Thu 26 Nov" (the year only when not this one)."""
    day = as_date(value)
    if day is None:
        return value or ""
    delta = (day - timezone.localdate()).days
    named = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}
    if delta in named:
        return named[delta]
    return day.strftime("%a %-d %b" if day.year == timezone.localdate().year else "%a %-d %b %Y")


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key) if mapping else None

"""Portal boxes of this app, included by other apps' pages without importing us:
`{% doctor_whats_new %}` on the dashboard and `{% calendar_feed_card %}` on the profile page."""

from typing import Any

from django import template

from notifications.selectors import calendar_feed_exists, doctor_news

register = template.Library()


@register.inclusion_tag("notifications/portal/whats_new.html", takes_context=True)
def doctor_whats_new(context: template.Context) -> dict[str, Any]:
    doctor = context["doctor"]
    return {"news": doctor_news(doctor_id=doctor.doctor_id), "request": context.get("request")}


@register.inclusion_tag("notifications/portal/calendar_feed_card.html", takes_context=True)
def calendar_feed_card(context: template.Context) -> dict[str, Any]:
    doctor = context["doctor"]
    return {"feed": calendar_feed_exists(doctor_id=doctor.doctor_id), "csrf_token": context.get("csrf_token")}

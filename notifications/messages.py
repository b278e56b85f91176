"""A notification's words: subject, text and HTML from templates/notifications/, in plain, kind English.

A template gets only what the notification froze at its event (services.appointment_context): names, the
clinic, the date and the clinic-local time, a cancellation's reason. Never a diagnosis, a file or a password.
"""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string, select_template
from django.utils import timezone

from appointments.models import Actor, AppointmentType
from notifications.channels import Message
from notifications.models import NotificationKind, RecipientType

# Kinds whose words differ for the doctor.
DOCTOR_WORDING = (NotificationKind.CANCELLED, NotificationKind.RESCHEDULED)
WHO = {
    Actor.MEMBER: "the patient",
    Actor.DOCTOR: "the doctor",
    Actor.STAFF: "the OPD Wallet team",
    Actor.SYSTEM: "OPD Wallet",
}


def template_name(notification: dict[str, Any]) -> str:
    """notifications/<kind>[_doctor]: the stem of the kind's three templates."""
    kind = str(notification["kind"]).lower()
    if notification["recipientType"] == RecipientType.DOCTOR and notification["kind"] in DOCTOR_WORDING:
        kind += "_doctor"
    return f"notifications/{kind}"


def date_text(value: str) -> str:
    """ "2031-01-06" as "Monday, 6 January 2031"; an unreadable date as it is."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return f"{day:%A}, {day.day} {day:%B %Y}"


def instant_text(value: str | None) -> str:
    """An ISO instant as clinic-local "10:00 AM on Monday, 6 January 2031"."""
    if not value:
        return ""
    local = timezone.localtime(datetime.fromisoformat(value))
    return f"{local:%I:%M %p} on {date_text(local.date().isoformat())}"


def message_context(notification: dict[str, Any]) -> dict[str, Any]:
    data = notification.get("context") or {}
    online = data.get("appointmentType") == AppointmentType.ONLINE
    return {
        "kind": notification["kind"],
        "to_doctor": notification["recipientType"] == RecipientType.DOCTOR,
        "member_name": data.get("memberName", ""),
        "doctor_name": data.get("doctorName", ""),
        "clinic_name": data.get("clinicName", ""),
        "clinic_address": data.get("clinicAddress", ""),
        "online": online,
        "place": "an online video consultation" if online else data.get("clinicName", "the clinic"),
        "date": date_text(data.get("appointmentDate", "")),
        "time": data.get("timeSlot", ""),
        "from_date": date_text(data.get("fromDate", "")),
        "from_time": data.get("fromTimeSlot", ""),
        "reason": data.get("reason", ""),
        "by": WHO.get(data.get("cancelledBy") or data.get("movedBy") or "", ""),
        "by_member": (data.get("cancelledBy") or data.get("movedBy")) == Actor.MEMBER,
        "doctor_no_show": bool(data.get("doctorNoShow")),
        "hours_before": data.get("hoursBefore"),
        "expires": instant_text(data.get("expiresAt")),
        "appointment_number": data.get("appointmentNumber", ""),
        "status": data.get("status", ""),
        "site_url": settings.NOTIFY_SITE_URL,
    }


def render_message(notification: dict[str, Any]) -> Message:
    """The subject (one line), the text and the HTML of a notification."""
    stem = template_name(notification)
    context = message_context(notification)
    subject = " ".join(render_to_string(f"{stem}.subject.txt", context).split())
    text = render_to_string(f"{stem}.txt", context).strip() + "\n"
    html_template = select_template([f"{stem}.html", "notifications/email.html"])
    html = html_template.render({**context, "subject": subject, "text": text})
    return Message(subject=subject, text=text, html=html)

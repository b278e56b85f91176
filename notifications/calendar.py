"""iCalendar: the invitation an email about a booking carries, and a doctor's private feed.

One event per appointment, UID `<appointmentId>@opd-wallet` for ever; SEQUENCE rises with each change (a
counter per appointment, notifications/services.py), so a calendar moves or cancels the event it has instead
of adding one. Times are clinic-local with their VTIMEZONE. Why and what the feed shows:
docs/decisions/0048-calendar-invitations-and-feed.md.
"""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from appointments.models import AppointmentStatus, AppointmentType
from appointments.selectors import appointment_starts_at
from core import clock
from core.sequences import COLLECTION as COUNTERS
from mongo.raw import collection
from notifications.services import first_name

UID_DOMAIN = "opd-wallet"
PRODID = "-//OPD Wallet//Appointments//EN"
ICS_MIME = "text/calendar"


def event_uid(appointment_id: str) -> str:
    return f"{appointment_id}@{UID_DOMAIN}"


def _calendar(*, method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _add_timezone(calendar: Calendar, around: date) -> None:
    """The clinic's VTIMEZONE, its rules for a few years either side of `around` (a small, complete block)."""
    calendar.add_component(
        Timezone.from_tzid(
            settings.TIME_ZONE, first_date=date(around.year - 1, 1, 1), last_date=date(around.year + 2, 1, 1)
        )
    )


def _event(
    *,
    appointment_id: str,
    appointment_date: str,
    time_slot: str,
    sequence: int,
    summary: str,
    location: str,
    status: str,
    description: str = "",
) -> Event:
    starts = appointment_starts_at(appointment_date=appointment_date, time_slot=time_slot)
    event = Event()
    event.add("uid", event_uid(appointment_id))
    event.add("sequence", sequence)
    event.add("dtstamp", clock.now())
    event.add("dtstart", starts)  # aware, clinic-local: written with TZID
    event.add("dtend", starts + timedelta(minutes=settings.NOTIFY_EVENT_MINUTES))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", status)
    return event


def _location(context: dict[str, Any]) -> str:
    if context.get("appointmentType") == AppointmentType.ONLINE:
        return "Online video consultation (OPD Wallet app)"
    return ", ".join(part for part in (context.get("clinicName"), context.get("clinicAddress")) if part)


def invitation_ics(notification: dict[str, Any], *, method: str) -> bytes:
    """The member's invitation for a notification about their booking: METHOD REQUEST (booked, confirmed,
    moved) or CANCEL, at the SEQUENCE frozen in the notification."""
    context = notification.get("context") or {}
    calendar = _calendar(method=method)
    _add_timezone(calendar, date.fromisoformat(context["appointmentDate"]))
    cancelled = method == "CANCEL"
    confirmed = context.get("status") == AppointmentStatus.CONFIRMED
    event = _event(
        appointment_id=notification["appointmentId"],
        appointment_date=context["appointmentDate"],
        time_slot=context["timeSlot"],
        sequence=int(notification.get("icsSequence") or 0),
        summary=f"Appointment with {context.get('doctorName', 'your doctor')}",
        location=_location(context),
        status="CANCELLED" if cancelled else ("CONFIRMED" if confirmed else "TENTATIVE"),
        description=f"OPD Wallet appointment {context.get('appointmentNumber', '')}".strip(),
    )
    organizer = vCalAddress(f"mailto:{_from_address()}")
    organizer.params["cn"] = vText("OPD Wallet")
    event.add("organizer", organizer)
    if notification.get("recipientAddress"):
        attendee = vCalAddress(f"mailto:{notification['recipientAddress']}")
        attendee.params["cn"] = vText(context.get("memberName", ""))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _from_address() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.split("<")[-1].rstrip(">").strip() if "<" in sender else sender


def feed_ics(*, doctor_name: str, visits: list[dict[str, Any]], sequences: dict[str, int]) -> bytes:
    """A doctor's feed: one event per upcoming visit, the patient's first name only, no medical detail.
    `visits` are appointment documents (raw), `sequences` their SEQUENCE by appointmentId."""
    calendar = _calendar(method=None, name=f"OPD Wallet: {doctor_name}")
    _add_timezone(calendar, clock.local_today())
    for visit in visits:
        context = {
            "appointmentType": visit.get("appointmentType"),
            "clinicName": visit.get("clinicName"),
            "clinicAddress": visit.get("clinicAddress"),
        }
        online = visit.get("appointmentType") == AppointmentType.ONLINE
        pending = visit.get("status") == AppointmentStatus.PENDING_CONFIRMATION
        kind = "Online visit" if online else "Visit"
        calendar.add_component(
            _event(
                appointment_id=visit["appointmentId"],
                appointment_date=visit["appointmentDate"],
                time_slot=visit["timeSlot"],
                sequence=sequences.get(visit["appointmentId"], 0),
                summary=f"{kind}: {first_name(visit.get('patientName', ''))}{' (to confirm)' if pending else ''}",
                location=_location(context),
                status="TENTATIVE" if pending else "CONFIRMED",
                description=f"{settings.NOTIFY_SITE_URL}/portal/appointments/{visit['appointmentId']}/",
            )
        )
    return calendar.to_ical()


def sequences_for(appointment_ids: list[str]) -> dict[str, int]:
    """The current SEQUENCE of each appointment's event (0 if never changed), in one read."""
    if not appointment_ids:
        return {}
    rows = collection(COUNTERS).find({"_id": {"$in": [f"ics:{aid}" for aid in appointment_ids]}})
    return {row["_id"].removeprefix("ics:"): int(row["seq"]) for row in rows}

"""The outbox's writes: each appointment event writes its notifications in the request that caused it.

What is sent when: docs/notifications.md. The shape and the rules: docs/decisions/0046-notification-outbox.md.

An event costs at most three commands: its notifications go in one unordered bulk write of upserts on the
unique key (appointment, recipient, channel, kind, due time), so the same event heard twice (a retried
request, a listener run again) writes nothing new; withdrawing reminders is one `update_many` guarded on
PENDING; a change to a booking takes the calendar's next SEQUENCE (one `$inc`). A crash between the
appointment's own write and these leaves the worker to judge reminders against the appointment itself
(notifications/delivery.py), so a cancelled visit's reminder is never sent; `manage.py audit_integrity` notes
them and `--repair` withdraws them (notifications/integrity.py).
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from appointments.events import AppointmentEvent
from appointments.models import Actor, Appointment, AppointmentStatus, AppointmentType
from appointments.selectors import appointment_starts_at, request_expires_at
from core import clock
from core.sequences import next_sequence
from mongo.raw import collection
from notifications.models import (
    COLLECTION,
    FEEDS_COLLECTION,
    Channel,
    NotificationKind,
    NotificationStatus,
    RecipientType,
)

DUPLICATE_KEY = 11000
# Notifications that wait for a time and lose their meaning when the visit is cancelled or moved.
SCHEDULED_KINDS = (NotificationKind.REMINDER, NotificationKind.REQUEST_EXPIRING)
# The calendar invitation's kinds, and the method each carries (notifications/calendar.py).
ICS_METHODS = {
    NotificationKind.BOOKED: "REQUEST",
    NotificationKind.CONFIRMED: "REQUEST",
    NotificationKind.RESCHEDULED: "REQUEST",
    NotificationKind.CANCELLED: "CANCEL",
    NotificationKind.EXPIRED: "CANCEL",
}


@dataclass(frozen=True)
class Recipient:
    type: str
    id: str
    channel: str
    address: str


def _channels(names: Iterable[str], *, allowed: Iterable[str]) -> list[str]:
    return [name for name in names if name in set(allowed)]


def member_recipients(appointment: Appointment) -> list[Recipient]:
    """The member, once per channel of NOTIFY_MEMBER_CHANNELS, at the addresses known now."""
    user = appointment.user
    phone = appointment.contact_number or user.phone or ""
    address = {Channel.EMAIL: user.email, Channel.SMS: phone, Channel.WHATSAPP: phone, Channel.IN_APP: ""}
    return [
        Recipient(RecipientType.MEMBER, str(appointment.user_id), channel, address[Channel(channel)])
        for channel in _channels(settings.NOTIFY_MEMBER_CHANNELS, allowed=Channel.values)
    ]


def doctor_recipients(appointment: Appointment, *, in_app: bool = True) -> list[Recipient]:
    """The doctor, once per channel of NOTIFY_DOCTOR_CHANNELS, and in the portal's "what is new" (IN_APP)."""
    doctor = appointment.doctor
    address = {Channel.EMAIL: doctor.email, Channel.SMS: doctor.phone or "", Channel.WHATSAPP: doctor.phone or ""}
    allowed = (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP)
    recipients = [
        Recipient(RecipientType.DOCTOR, doctor.doctor_id, channel, address[Channel(channel)])
        for channel in _channels(settings.NOTIFY_DOCTOR_CHANNELS, allowed=allowed)
    ]
    if in_app:
        recipients.append(Recipient(RecipientType.DOCTOR, doctor.doctor_id, Channel.IN_APP, ""))
    return recipients


def first_name(name: str) -> str:
    """The first word of a name: all a doctor's email or calendar shows of a patient (decision 0048)."""
    return (name or "").strip().split(" ")[0] if (name or "").strip() else "A patient"


def appointment_context(appointment: Appointment, **extra: Any) -> dict[str, Any]:
    """What a message may name, frozen at the event: never a diagnosis, a file or a room password."""
    return {
        "appointmentNumber": appointment.appointment_number,
        "appointmentDate": appointment.appointment_date,
        "timeSlot": appointment.time_slot,
        "appointmentType": appointment.appointment_type,
        "doctorName": appointment.doctor_name,
        "clinicName": appointment.clinic_name or "",
        "clinicAddress": appointment.clinic_address or "",
        "memberName": first_name(appointment.patient_name),
        "status": appointment.status,
        **{key: value for key, value in extra.items() if value is not None},
    }


def _document(
    *,
    appointment: Appointment,
    recipient: Recipient,
    kind: str,
    due_at: datetime,
    context: dict[str, Any],
    ics_sequence: int | None = None,
) -> dict[str, Any]:
    return {
        "appointmentId": appointment.appointment_id,
        "recipientType": recipient.type,
        "recipientId": recipient.id,
        "recipientAddress": recipient.address,
        "channel": recipient.channel,
        "kind": kind,
        "dueAt": due_at,
        "status": NotificationStatus.PENDING,
        "attempts": 0,
        "nextAttemptAt": due_at,
        "isRead": False,
        "context": context,
        "icsSequence": ics_sequence if kind in ICS_METHODS and recipient.channel == Channel.EMAIL else None,
        "createdAt": clock.now(),
    }


KEY_FIELDS = ("appointmentId", "recipientType", "recipientId", "channel", "kind", "dueAt")
# What a withdrawn reminder takes again when the visit moves back to its time (same key, new life).
REVIVED_FIELDS = ("recipientAddress", "status", "attempts", "nextAttemptAt", "context", "createdAt")


def notifications_write(documents: list[dict[str, Any]]) -> int:
    """Write `documents` in one command, each once: a duplicate of its unique key is ignored, except that a
    WITHDRAWN reminder of the same key (a visit moved back to its old time) becomes PENDING again.
    Returns how many were written or revived."""
    if not documents:
        return 0
    operations = []
    for document in documents:
        key = {field: document[field] for field in KEY_FIELDS}
        revived = {field: document[field] for field in REVIVED_FIELDS}
        revived["lastError"] = None
        others = {field: value for field, value in document.items() if field not in KEY_FIELDS and field not in revived}
        update = {"$set": revived, "$setOnInsert": others}
        operations.append(UpdateOne({**key, "status": NotificationStatus.WITHDRAWN}, update, upsert=True))
    try:
        result = collection(COLLECTION).bulk_write(operations, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(error.get("code") != DUPLICATE_KEY for error in errors):
            raise
        return int(exc.details.get("nUpserted", 0)) + int(exc.details.get("nModified", 0))
    return result.upserted_count + result.modified_count


def notifications_withdraw(*, appointment_id: str, kinds: Iterable[str] = SCHEDULED_KINDS, **scope: Any) -> int:
    """PENDING notifications of these kinds for the appointment become WITHDRAWN (one guarded update_many):
    one being sent or already sent is left alone."""
    found = collection(COLLECTION).update_many(
        {"appointmentId": appointment_id, "status": NotificationStatus.PENDING, "kind": {"$in": list(kinds)}, **scope},
        {"$set": {"status": NotificationStatus.WITHDRAWN}},
    )
    return found.modified_count


def _ics_sequence(appointment: Appointment) -> int:
    """The calendar event's next SEQUENCE: 0 for the booking, then one more for each change (decision 0048)."""
    return next_sequence(f"ics:{appointment.appointment_id}")


def _starts_at(appointment: Appointment) -> datetime | None:
    """The visit's clinic-local start, or None for a legacy time that cannot be read (no reminders then)."""
    try:
        return appointment_starts_at(appointment_date=appointment.appointment_date, time_slot=appointment.time_slot)
    except ValueError:
        return None


def reminder_documents(appointment: Appointment, recipients: list[Recipient]) -> list[dict[str, Any]]:
    """Reminders NOTIFY_REMINDER_HOURS before the visit, clinic-local; none whose time has already passed, and
    none for a member who turned reminders off."""
    starts = _starts_at(appointment)
    if appointment.user.reminders_opt_out or starts is None:
        return []
    now = clock.now()
    documents = []
    for hours in sorted(set(settings.NOTIFY_REMINDER_HOURS), reverse=True):
        due = starts - timedelta(hours=hours)
        if due <= now:
            continue
        context = appointment_context(appointment, hoursBefore=hours)
        documents += [
            _document(
                appointment=appointment,
                recipient=recipient,
                kind=NotificationKind.REMINDER,
                due_at=due,
                context=context,
            )
            for recipient in recipients
        ]
    return documents


def expiry_warning_documents(appointment: Appointment) -> list[dict[str, Any]]:
    """The doctor's warning NOTIFY_EXPIRY_WARNING_MINUTES before a pending request lapses (not when that is past:
    the request's own message already says when it expires)."""
    if appointment.status != AppointmentStatus.PENDING_CONFIRMATION or _starts_at(appointment) is None:
        return []
    expires = request_expires_at(appointment)
    due = expires - timedelta(minutes=settings.NOTIFY_EXPIRY_WARNING_MINUTES)
    if due <= clock.now():
        return []
    context = appointment_context(appointment, expiresAt=expires.isoformat())
    return [
        _document(
            appointment=appointment,
            recipient=recipient,
            kind=NotificationKind.REQUEST_EXPIRING,
            due_at=due,
            context=context,
        )
        for recipient in doctor_recipients(appointment, in_app=False)
    ]


def _immediate(
    appointment: Appointment,
    recipients: list[Recipient],
    *,
    kind: str,
    at: datetime | None,
    ics_sequence: int | None = None,
    **extra: Any,
) -> list[dict[str, Any]]:
    """Notifications due at once. `at` is when the event happened as the appointment recorded it, so the same
    event heard twice has the same due time (and the unique key refuses the second)."""
    context = appointment_context(appointment, **extra)
    due = at or clock.now()
    return [
        _document(
            appointment=appointment,
            recipient=recipient,
            kind=kind,
            due_at=due,
            context=context,
            ics_sequence=ics_sequence,
        )
        for recipient in recipients
    ]


# --- the listeners (subscribed in NotificationsConfig.ready) ------------------------------------------------


def notify_booked(*, appointment: Appointment, **_event: object) -> None:
    """The member is told, with the visit's calendar invitation, and gets reminders; a doctor who confirms
    bookings is told a request is waiting, and warned before it expires."""
    at = appointment.requested_at or appointment.created_at
    members = member_recipients(appointment)
    documents = _immediate(appointment, members, kind=NotificationKind.BOOKED, at=at, ics_sequence=0)
    documents += reminder_documents(appointment, members)
    if appointment.status == AppointmentStatus.PENDING_CONFIRMATION:
        expires = request_expires_at(appointment).isoformat() if _starts_at(appointment) else None
        documents += _immediate(
            appointment,
            doctor_recipients(appointment),
            kind=NotificationKind.REQUEST_RECEIVED,
            at=at,
            expiresAt=expires,
        )
        documents += expiry_warning_documents(appointment)
    notifications_write(documents)


def notify_confirmed(*, appointment: Appointment, **_event: object) -> None:
    notifications_withdraw(appointment_id=appointment.appointment_id, kinds=[NotificationKind.REQUEST_EXPIRING])
    notifications_write(
        _immediate(
            appointment,
            member_recipients(appointment),
            kind=NotificationKind.CONFIRMED,
            at=appointment.confirmed_at,
            ics_sequence=_ics_sequence(appointment),
        )
    )


def notify_cancelled(
    *,
    appointment: Appointment,
    by: str,
    reason: str = "",
    expired: bool = False,
    doctor_no_show: bool = False,
    **_event: object,
) -> None:
    """Reminders withdrawn; the member told why and by whom (the calendar event cancelled); the doctor told
    unless the doctor cancelled or the request simply expired."""
    notifications_withdraw(appointment_id=appointment.appointment_id)
    kind = NotificationKind.EXPIRED if expired else NotificationKind.CANCELLED
    sequence = _ics_sequence(appointment)
    at = appointment.cancelled_at
    extra = {
        "reason": reason or appointment.cancellation_reason or "",
        "cancelledBy": by,
        "doctorNoShow": doctor_no_show,
    }
    documents = _immediate(
        appointment, member_recipients(appointment), kind=kind, at=at, ics_sequence=sequence, **extra
    )
    if by != Actor.DOCTOR and not expired:
        documents += _immediate(
            appointment, doctor_recipients(appointment), kind=NotificationKind.CANCELLED, at=at, **extra
        )
    notifications_write(documents)


def notify_rescheduled(
    *, appointment: Appointment, by: str, from_date: str = "", from_time_slot: str = "", **_event: object
) -> None:
    """The old time's reminders withdrawn and the new time's scheduled; the member's calendar event moved (same
    UID, higher SEQUENCE); the doctor told when someone else moved it."""
    notifications_withdraw(appointment_id=appointment.appointment_id)
    at = getattr(appointment, "rescheduled_at", None) or appointment.updated_at
    extra = {"fromDate": from_date, "fromTimeSlot": from_time_slot, "movedBy": by}
    members = member_recipients(appointment)
    documents = _immediate(
        appointment, members, kind=NotificationKind.RESCHEDULED, at=at, ics_sequence=_ics_sequence(appointment), **extra
    )
    documents += reminder_documents(appointment, members)
    documents += expiry_warning_documents(appointment)
    if by != Actor.DOCTOR:
        documents += _immediate(
            appointment, doctor_recipients(appointment), kind=NotificationKind.RESCHEDULED, at=at, **extra
        )
    notifications_write(documents)


def notify_video_opened(*, appointment: Appointment, opened_at: datetime | None = None, **_event: object) -> None:
    """The member is told to join from the app; the room's password never goes in a message."""
    if appointment.appointment_type != AppointmentType.ONLINE:
        return
    notifications_write(
        _immediate(appointment, member_recipients(appointment), kind=NotificationKind.VIDEO_OPENED, at=opened_at)
    )


def notify_prescription_ready(
    *, appointment: Appointment, uploaded_at: datetime | None = None, **_event: object
) -> None:
    """The member learns it is ready in the app; the diagnosis and the file never go in a message."""
    notifications_write(
        _immediate(
            appointment, member_recipients(appointment), kind=NotificationKind.PRESCRIPTION_READY, at=uploaded_at
        )
    )


LISTENERS: dict[AppointmentEvent, Callable[..., None]] = {
    AppointmentEvent.BOOKED: notify_booked,
    AppointmentEvent.CONFIRMED: notify_confirmed,
    AppointmentEvent.CANCELLED: notify_cancelled,
    AppointmentEvent.RESCHEDULED: notify_rescheduled,
    AppointmentEvent.VIDEO_OPENED: notify_video_opened,
    AppointmentEvent.PRESCRIPTION_READY: notify_prescription_ready,
}


# --- member actions ------------------------------------------------------------------------------------------


def notification_mark_read(*, user: Any, notification_id: Any) -> bool:
    """Mark the member's own in-app notification read (one guarded update). False when it is not theirs."""
    own = {
        "_id": notification_id,
        "recipientType": RecipientType.MEMBER,
        "recipientId": str(user.pk),
        "channel": Channel.IN_APP,
    }
    notifications = collection(COLLECTION)
    found = notifications.update_one({**own, "isRead": False}, {"$set": {"isRead": True, "readAt": clock.now()}})
    return found.matched_count == 1 or notifications.count_documents(own, limit=1) == 1


def member_reminders_set(*, user: Any, enabled: bool) -> None:
    """Turn the member's reminders on or off. Off withdraws their pending reminders; on schedules reminders for
    visits booked or moved from then on (the withdrawn ones stay withdrawn)."""
    type(user).objects.filter(pk=user.pk).update(reminders_opt_out=not enabled)
    user.reminders_opt_out = not enabled
    if not enabled:
        collection(COLLECTION).update_many(
            {
                "recipientType": RecipientType.MEMBER,
                "recipientId": str(user.pk),
                "kind": NotificationKind.REMINDER,
                "status": NotificationStatus.PENDING,
            },
            {"$set": {"status": NotificationStatus.WITHDRAWN}},
        )


# --- the doctors' calendar feeds (docs/decisions/0048-calendar-invitations-and-feed.md) ----------------------


def calendar_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_renew(*, doctor_id: str) -> str:
    """A new secret token for the doctor's feed (the old URL stops working at once). Only its hash is kept:
    the token is returned to be shown once."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    collection(FEEDS_COLLECTION).update_one(
        {"doctorId": doctor_id},
        {"$set": {"tokenHash": calendar_token_hash(token), "createdAt": now}},
        upsert=True,
    )
    return token


def calendar_feed_revoke(*, doctor_id: str) -> bool:
    """The doctor's feed URL stops working. False when there was none."""
    return collection(FEEDS_COLLECTION).delete_one({"doctorId": doctor_id}).deleted_count == 1


def notifications_retry(*, ids: list[Any]) -> int:
    """FAILED notifications among `ids` go back to PENDING, due now, with their attempts reset (the admin's
    action, after an address or the provider was fixed). One update guarded on FAILED."""
    found = collection(COLLECTION).update_many(
        {"_id": {"$in": ids}, "status": NotificationStatus.FAILED},
        {"$set": {"status": NotificationStatus.PENDING, "attempts": 0, "nextAttemptAt": clock.now()}},
    )
    return found.modified_count

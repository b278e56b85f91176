"""The outbox's reads: a member's in-app notifications, the portal's "what is new", a doctor's calendar feed."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from appointments.models import Appointment, AppointmentStatus
from appointments.selectors import LIVE, booking_horizon_days, minutes_12h, request_expires_at
from core import clock
from mongo.raw import collection
from notifications.models import (
    COLLECTION,
    FEEDS_COLLECTION,
    Channel,
    Notification,
    NotificationKind,
    NotificationStatus,
    RecipientType,
)
from notifications.services import calendar_token_hash

NEWS_DAYS = 7
NEWS_ROWS = 5
NEWS_READ = 50  # the doctor's latest in-app notifications read for "what is new"
FEED_MAX_VISITS = 1000


def notification_list_for_member(*, user: Any) -> QuerySet[Notification]:
    """The member's own in-app notifications, unread first, newest first. The worker publishes each when it is
    due (status SENT), as it sends the email: a withdrawn reminder never appears."""
    return Notification.objects.filter(
        recipient_type=RecipientType.MEMBER,
        recipient_id=str(user.pk),
        channel=Channel.IN_APP,
        status=NotificationStatus.SENT,
    ).order_by("is_read", "-due_at")


@dataclass(frozen=True)
class DoctorNews:
    """What is new for a doctor on the portal's dashboard."""

    pending: list[Appointment]
    cancelled: list[Appointment]


def doctor_news(*, doctor_id: str) -> DoctorNews:
    """From the doctor's latest in-app notifications (written at each event, whatever the worker has done): the
    requests still waiting for them, soonest first, with when each lapses; and the visits others cancelled in the
    last NEWS_DAYS days, newest first. Two reads, both on indexes."""
    since = clock.now() - timedelta(days=NEWS_DAYS)
    rows = list(
        collection(COLLECTION)
        .find(
            {"recipientType": RecipientType.DOCTOR, "recipientId": doctor_id, "channel": Channel.IN_APP},
            {"appointmentId": 1, "kind": 1, "dueAt": 1},
        )
        .sort([("dueAt", -1)])
        .limit(NEWS_READ)
    )
    wanted = {NotificationKind.REQUEST_RECEIVED, NotificationKind.RESCHEDULED, NotificationKind.CANCELLED}
    ids = list(dict.fromkeys(row["appointmentId"] for row in rows if row["kind"] in wanted))
    appointments = (
        {row.appointment_id: row for row in Appointment.objects.filter(appointment_id__in=ids)} if ids else {}
    )
    pending = [row for row in appointments.values() if row.status == AppointmentStatus.PENDING_CONFIRMATION]
    pending.sort(key=lambda row: (row.appointment_date, _minutes(row.time_slot)))
    for appointment in pending:
        appointment.expires_at = _expires(appointment)  # type: ignore[attr-defined]
    cancelled = [
        row
        for row in appointments.values()
        if row.status == AppointmentStatus.CANCELLED and row.cancelled_at and row.cancelled_at >= since
    ]
    cancelled.sort(key=lambda row: row.cancelled_at, reverse=True)
    return DoctorNews(pending=pending[:NEWS_ROWS], cancelled=cancelled[:NEWS_ROWS])


def _minutes(time_slot: str) -> int:
    try:
        return minutes_12h(time_slot)
    except ValueError:
        return 0


def _expires(appointment: Appointment) -> datetime | None:
    try:
        return request_expires_at(appointment)
    except ValueError:
        return None


def calendar_feed_doctor_id(*, token: str) -> str | None:
    """The doctor whose feed `token` opens, or None (unknown, renewed or revoked)."""
    if not token or len(token) > 200:
        return None
    found = collection(FEEDS_COLLECTION).find_one({"tokenHash": calendar_token_hash(token)}, {"doctorId": 1})
    return str(found["doctorId"]) if found else None


def calendar_feed_exists(*, doctor_id: str) -> Any:
    """The doctor's feed document (when it was made), or None."""
    return collection(FEEDS_COLLECTION).find_one({"doctorId": doctor_id}, {"createdAt": 1})


FEED_FIELDS = {
    "_id": 1,
    "appointmentId": 1,
    "appointmentDate": 1,
    "timeSlot": 1,
    "appointmentType": 1,
    "clinicName": 1,
    "clinicAddress": 1,
    "patientName": 1,
    "status": 1,
}


def calendar_feed_visits(*, doctor_id: str) -> list[dict[str, Any]]:
    """The doctor's live visits from today to the booking horizon: only the fields the feed shows. The days are
    listed (`$in`) and the status compared here, so the read walks the {doctorId, appointmentDate} index
    (index-friendly shape: mongo/README.md)."""
    today = clock.local_today()
    days = [(today + timedelta(days=offset)).isoformat() for offset in range(booking_horizon_days() + 1)]
    rows = collection("appointments").find({"doctorId": doctor_id, "appointmentDate": {"$in": days}}, FEED_FIELDS)
    live = [row for row in rows.limit(FEED_MAX_VISITS * 2) if row.get("status") in LIVE]
    live.sort(key=lambda row: (row["appointmentDate"], _minutes(row.get("timeSlot", ""))))
    return live[:FEED_MAX_VISITS]

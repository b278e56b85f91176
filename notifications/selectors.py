"""The outbox's reads: a member's in-app notifications, the portal's "what is new", a doctor's calendar feed."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet

from appointments.models import Appointment, AppointmentStatus
from appointments.selectors import LIVE, booking_horizon_days, request_expires_at
from core import clock
from mongo.raw import collection
from notifications.models import (
    FEEDS_COLLECTION,
    Channel,
    Notification,
    NotificationStatus,
    RecipientType,
)
from notifications.services import calendar_token_hash

# In-app notifications the member sees: due, and neither withdrawn nor failed.
VISIBLE = (NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT)
NEWS_DAYS = 7
NEWS_ROWS = 5
FEED_MAX_VISITS = 1000


def notification_list_for_member(*, user: Any) -> QuerySet[Notification]:
    """The member's own in-app notifications that are due, unread first, newest first."""
    return Notification.objects.filter(
        recipient_type=RecipientType.MEMBER,
        recipient_id=str(user.pk),
        channel=Channel.IN_APP,
        status__in=VISIBLE,
        due_at__lte=clock.now(),
    ).order_by("is_read", "-due_at")


@dataclass(frozen=True)
class DoctorNews:
    """What is new for a doctor on the portal's dashboard."""

    pending: list[Appointment]
    pending_count: int
    cancelled: list[Appointment]


def doctor_news(*, doctor_id: str) -> DoctorNews:
    """Requests waiting for the doctor (soonest first, with when each lapses) and the visits cancelled in the
    last NEWS_DAYS days (newest first): two reads."""
    today = clock.local_today().isoformat()
    pending_rows = Appointment.objects.filter(
        doctor_id=doctor_id, appointment_date__gte=today, status=AppointmentStatus.PENDING_CONFIRMATION
    ).order_by("appointment_date", "time_slot")
    pending = list(pending_rows[: NEWS_ROWS + 1])
    for appointment in pending:
        try:
            appointment.expires_at = request_expires_at(appointment)  # type: ignore[attr-defined]
        except ValueError:
            appointment.expires_at = None  # type: ignore[attr-defined]
    since = clock.now() - timedelta(days=NEWS_DAYS)
    cancelled = Appointment.objects.filter(
        doctor_id=doctor_id,
        appointment_date__gte=(clock.local_today() - timedelta(days=NEWS_DAYS)).isoformat(),
        status=AppointmentStatus.CANCELLED,
        cancelled_at__gte=since,
    ).order_by("-cancelled_at")[:NEWS_ROWS]
    return DoctorNews(pending=pending[:NEWS_ROWS], pending_count=len(pending), cancelled=list(cancelled))


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
    """The doctor's live visits from today to the booking horizon: only the fields the feed shows."""
    today = clock.local_today()
    last = (today + timedelta(days=booking_horizon_days())).isoformat()
    rows = collection("appointments").find(
        {
            "doctorId": doctor_id,
            "appointmentDate": {"$gte": today.isoformat(), "$lte": last},
            "status": {"$in": list(LIVE)},
        },
        FEED_FIELDS,
    )
    return list(rows.sort([("appointmentDate", 1), ("timeSlot", 1)]).limit(FEED_MAX_VISITS))

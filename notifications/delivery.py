"""The worker: `manage.py deliver_notifications` sends what is due, each notification once.

A notification is claimed before it is sent: one `find_one_and_update` moves it from PENDING (or from a
claim older than the lease: a crashed worker) to SENDING, with a claim token and `nextAttemptAt` set to the
end of the lease, so two workers never hold the same one. The result is written guarded by that token: SENT,
or PENDING again with a backoff, or FAILED after NOTIFY_MAX_ATTEMPTS. Each notification is sent inside its
own try: one bad address or provider error never stops the batch. Delivery is at least once: a worker that
dies after the provider accepted a message but before it wrote SENT has it sent again after the lease.
Logs name the notification, its kind and channel, never an address or the message.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from pymongo import ReturnDocument

from appointments.models import Appointment, AppointmentStatus
from core import clock
from mongo.raw import collection
from notifications.calendar import ICS_MIME, invitation_ics
from notifications.channels import Message, PermanentFailure, deliver
from notifications.messages import render_message
from notifications.models import COLLECTION, Channel, NotificationKind, NotificationStatus
from notifications.services import ICS_METHODS
from users.models import User

logger = logging.getLogger("notifications")
ERROR_MAX_LENGTH = 500


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    withdrawn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.withdrawn


def retry_delay(attempts: int) -> timedelta:
    """NOTIFY_RETRY_SECONDS after the first failure, doubling, at most NOTIFY_RETRY_MAX_SECONDS."""
    seconds = settings.NOTIFY_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTIFY_RETRY_MAX_SECONDS))


def notification_claim(now: datetime | None = None) -> dict[str, Any] | None:
    """Take the next due notification for this worker (one atomic command each), or None when nothing is due:
    a PENDING one whose time has come, else one whose claim has outlived its lease (a worker that died)."""
    now = now or clock.now()
    claim = {
        "$set": {
            "status": NotificationStatus.SENDING,
            "claim": secrets.token_hex(8),
            "claimedAt": now,
            "nextAttemptAt": now + timedelta(seconds=settings.NOTIFY_CLAIM_LEASE_SECONDS),
        },
        "$inc": {"attempts": 1},
    }
    # One status per filter (equality), so the claim walks the {status, nextAttemptAt} index (mongo/README.md).
    for status in (NotificationStatus.PENDING, NotificationStatus.SENDING):
        found = collection(COLLECTION).find_one_and_update(
            {"status": status, "nextAttemptAt": {"$lte": now}},
            claim,
            sort=[("nextAttemptAt", 1)],
            return_document=ReturnDocument.AFTER,
        )
        if found is not None:
            return found
    return None


def _finish(notification: dict[str, Any], changes: dict[str, Any]) -> bool:
    """Write the outcome, only while this worker still holds the claim."""
    found = collection(COLLECTION).update_one(
        {"_id": notification["_id"], "status": NotificationStatus.SENDING, "claim": notification["claim"]},
        {"$set": changes},
    )
    return found.modified_count == 1


def _still_wanted(notification: dict[str, Any]) -> bool:
    """A reminder or an expiry warning goes only while the visit is still as it was: live (a reminder: confirmed;
    the warning: still pending) at the same date and time, and the member has not turned reminders off. This
    also covers a crash between a cancel and its withdrawal of the reminders."""
    context = notification.get("context") or {}
    wanted = (
        AppointmentStatus.CONFIRMED
        if notification["kind"] == NotificationKind.REMINDER
        else AppointmentStatus.PENDING_CONFIRMATION
    )
    appointment = (
        Appointment.objects.filter(appointment_id=notification["appointmentId"])
        .values("status", "appointment_date", "time_slot", "user_id")
        .first()
    )
    if appointment is None or appointment["status"] != wanted:
        return False
    if (appointment["appointment_date"], appointment["time_slot"]) != (
        context.get("appointmentDate"),
        context.get("timeSlot"),
    ):
        return False
    if notification["kind"] != NotificationKind.REMINDER:
        return True
    return not User.objects.filter(pk=appointment["user_id"], reminders_opt_out=True).exists()


def _message(notification: dict[str, Any]) -> Message:
    message = render_message(notification)
    method = ICS_METHODS.get(notification["kind"])
    if method and notification["channel"] == Channel.EMAIL and notification.get("icsSequence") is not None:
        ics = invitation_ics(notification, method=method)
        mime = f'{ICS_MIME}; method={method}; charset="utf-8"'
        message.attachments.append(("invite.ics" if method == "REQUEST" else "cancel.ics", ics, mime))
    return message


def notification_deliver(notification: dict[str, Any], report: DeliveryReport) -> None:
    """Send one claimed notification and record the outcome; never raises for a delivery failure."""
    log = {"notification": str(notification["_id"]), "kind": notification["kind"], "channel": notification["channel"]}
    try:
        if notification["kind"] in (NotificationKind.REMINDER, NotificationKind.REQUEST_EXPIRING) and not _still_wanted(
            notification
        ):
            _finish(notification, {"status": NotificationStatus.WITHDRAWN})
            report.withdrawn += 1
            return
        deliver(
            channel=notification["channel"], to=notification.get("recipientAddress", ""), message=_message(notification)
        )
    except Exception as exc:
        _failed(notification, exc, report, log)
        return
    _finish(notification, {"status": NotificationStatus.SENT, "sentAt": clock.now(), "lastError": None})
    report.sent += 1
    logger.info("notification sent", extra=log)


def _failed(notification: dict[str, Any], exc: Exception, report: DeliveryReport, log: dict[str, str]) -> None:
    error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
    attempts = int(notification.get("attempts", 1))
    permanent = isinstance(exc, PermanentFailure) or attempts >= settings.NOTIFY_MAX_ATTEMPTS
    if permanent:
        _finish(notification, {"status": NotificationStatus.FAILED, "lastError": error})
        report.failed += 1
        logger.warning("notification failed", extra={**log, "attempts": attempts, "error": type(exc).__name__})
    else:
        next_at = clock.now() + retry_delay(attempts)
        _finish(notification, {"status": NotificationStatus.PENDING, "lastError": error, "nextAttemptAt": next_at})
        report.retried += 1
        logger.info("notification will be retried", extra={**log, "attempts": attempts, "error": type(exc).__name__})
    report.errors.append(error)


def notifications_deliver_due(*, limit: int = 500) -> DeliveryReport:
    """Claim and send due notifications one by one, at most `limit`."""
    report = DeliveryReport()
    for _ in range(limit):
        notification = notification_claim()
        if notification is None:
            break
        notification_deliver(notification, report)
    return report

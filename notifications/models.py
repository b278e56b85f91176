"""The outbox (`notifications`) and the doctors' calendar feeds (`doctor_calendar_feeds`), collections of ours.

Shapes and why: docs/decisions/0046-notification-outbox.md and 0048-calendar-invitations-and-feed.md.
Documents are written and moved with raw pymongo (notifications/services.py, delivery.py): an insert that ignores
a duplicate and a claim are one command each. The models declare the fields, the indexes and the admin's view.
"""

from django.db import models
from django_mongodb_backend.fields import ObjectIdAutoField

from core.fields import BooleanField

COLLECTION = "notifications"
FEEDS_COLLECTION = "doctor_calendar_feeds"
# A retried request or a second listener never writes (so never sends) the same notification twice.
INDEX_ONE_PER_RECIPIENT_KIND_DUE = "notifications_one_per_recipient_kind_due"


class RecipientType(models.TextChoices):
    MEMBER = "MEMBER", "Member"
    DOCTOR = "DOCTOR", "Doctor"


class Channel(models.TextChoices):
    EMAIL = "EMAIL", "Email"
    SMS = "SMS", "SMS"
    WHATSAPP = "WHATSAPP", "WhatsApp"
    IN_APP = "IN_APP", "In the app"


class NotificationStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    SENDING = "SENDING", "Being sent"  # claimed by a worker until `nextAttemptAt` (the lease)
    SENT = "SENT", "Sent"
    FAILED = "FAILED", "Failed"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"  # a reminder of a cancelled or moved visit


class NotificationKind(models.TextChoices):
    BOOKED = "BOOKED", "Booking made"
    REQUEST_RECEIVED = "REQUEST_RECEIVED", "Request waiting for confirmation"  # to the doctor
    REQUEST_EXPIRING = "REQUEST_EXPIRING", "Request expiring soon"  # to the doctor
    CONFIRMED = "CONFIRMED", "Confirmed"
    CANCELLED = "CANCELLED", "Cancelled"
    EXPIRED = "EXPIRED", "Request expired"
    RESCHEDULED = "RESCHEDULED", "Rescheduled"
    REMINDER = "REMINDER", "Reminder"
    VIDEO_OPENED = "VIDEO_OPENED", "Video room opened"
    PRESCRIPTION_READY = "PRESCRIPTION_READY", "Prescription ready"


class Notification(models.Model):
    id = ObjectIdAutoField(primary_key=True)
    appointment_id = models.CharField(max_length=40, db_column="appointmentId")  # the appointment's appointmentId
    recipient_type = models.CharField(max_length=10, choices=RecipientType.choices, db_column="recipientType")
    recipient_id = models.CharField(max_length=40, db_column="recipientId")  # a user's _id (hex) or a doctorId
    recipient_address = models.CharField(max_length=254, blank=True, default="", db_column="recipientAddress")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    due_at = models.DateTimeField(db_column="dueAt")
    status = models.CharField(max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    attempts = models.IntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_column="nextAttemptAt")
    claimed_at = models.DateTimeField(null=True, blank=True, db_column="claimedAt")
    claim = models.CharField(max_length=40, blank=True, null=True)
    last_error = models.CharField(max_length=500, blank=True, null=True, db_column="lastError")
    sent_at = models.DateTimeField(null=True, blank=True, db_column="sentAt")
    read_at = models.DateTimeField(null=True, blank=True, db_column="readAt")
    is_read = BooleanField(default=False, db_column="isRead")
    context = models.JSONField(default=dict)  # what the message names, frozen when the event happened
    ics_sequence = models.IntegerField(null=True, blank=True, db_column="icsSequence")
    created_at = models.DateTimeField(db_column="createdAt")

    class Meta:
        db_table = COLLECTION
        ordering = ["-due_at"]
        # Sending a FAILED notification again (the admin's action): ADMIN only (users/roles.py).
        permissions = [("resend_notification", "Can send a failed notification again")]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment_id", "recipient_type", "recipient_id", "channel", "kind", "due_at"],
                name=INDEX_ONE_PER_RECIPIENT_KIND_DUE,
            )
        ]
        # Every filter below uses only fields of its index: SecantusDB plans a filter with a field outside the
        # index as a collection scan (mongo/README.md; tests/notifications/test_query_plans.py).
        indexes = [
            # The worker's claim: {status: PENDING | SENDING, nextAttemptAt: {$lte: now}}, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="notifications_status_next"),
            # A recipient's in-app list: {recipientType, recipientId, channel: IN_APP, status: SENT}, unread first,
            # newest first; its prefix serves the doctor's "what is new".
            models.Index(
                fields=["recipient_type", "recipient_id", "channel", "status", "is_read", "-due_at"],
                name="notifications_recipient_list",
            ),
            # Withdrawing an appointment's pending reminders: {appointmentId, status: PENDING, kind: {$in: [...]}}.
            models.Index(fields=["appointment_id", "status", "kind"], name="notifications_appointment"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} to {self.recipient_type} {self.recipient_id} ({self.status})"


class DoctorCalendarFeed(models.Model):
    """A doctor's private calendar feed: the SHA-256 of its secret token (the URL is shown once)."""

    id = ObjectIdAutoField(primary_key=True)
    doctor_id = models.CharField(max_length=32, unique=True, db_column="doctorId")
    token_hash = models.CharField(max_length=64, unique=True, db_column="tokenHash")
    created_at = models.DateTimeField(db_column="createdAt")

    class Meta:
        db_table = FEEDS_COLLECTION
        indexes = [
            # Plain twins of the unique (partial) indexes, which SecantusDB never uses for lookups.
            models.Index(fields=["token_hash"], name="calendar_feeds_token"),
            models.Index(fields=["doctor_id"], name="calendar_feeds_doctor"),
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.doctor_id}"

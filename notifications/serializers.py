from typing import Any

from rest_framework import serializers

from core.serializers import ObjectIdField
from notifications.messages import render_message
from notifications.models import Notification, NotificationKind


class NotificationSerializer(serializers.Serializer):
    """One in-app notification: its words (the email's subject and text), never anything medical."""

    _id = ObjectIdField(source="id")
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    appointmentId = serializers.CharField(source="appointment_id")
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="due_at")
    isRead = serializers.BooleanField(source="is_read")
    readAt = serializers.DateTimeField(source="read_at", allow_null=True)

    def _words(self, notification: Notification) -> Any:
        cache = self.context.setdefault("_words", {})
        if notification.pk not in cache:
            cache[notification.pk] = render_message(
                {
                    "kind": notification.kind,
                    "recipientType": notification.recipient_type,
                    "context": notification.context,
                }
            )
        return cache[notification.pk]

    def get_title(self, notification: Notification) -> str:
        return str(self._words(notification).subject)

    def get_body(self, notification: Notification) -> str:
        return str(self._words(notification).text).strip()


class PreferencesSerializer(serializers.Serializer):
    reminders = serializers.BooleanField(
        help_text="Reminders before each visit (24 and 2 hours by default). Messages about your bookings always go."
    )

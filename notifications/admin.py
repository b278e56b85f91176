"""Staff see the outbox read-only (what went, what failed and why); an ADMIN may send FAILED ones again (the
`resend_notification` permission, which users/roles.py gives ADMIN only)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin_base import AllOrNothingAdmin
from notifications.models import Notification
from notifications.services import notifications_retry

MSG_RETRIED = "{count} notification(s) will be sent again within a minute."


@admin.register(Notification)
class NotificationAdmin(AllOrNothingAdmin):
    list_display = [
        "kind",
        "channel",
        "recipient_type",
        "recipient_id",
        "appointment_id",
        "due_at",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "kind", "channel", "recipient_type"]
    search_fields = ["appointment_id", "recipient_id"]
    date_hierarchy = "due_at"
    # The address and the message's context stay out of the list; the change page shows them read-only.
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.resend_notification")

    @admin.action(description="Send the selected FAILED notifications again", permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, MSG_RETRIED.format(count=count), messages.SUCCESS)

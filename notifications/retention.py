"""How long the outbox keeps a notification: a TTL index on `dueAt` (NOTIFY_RETENTION_DAYS after the time it
was due, never under NOTIFY_MIN_RETENTION_DAYS), so the outbox does not grow for ever (about ten documents per
booking). On `dueAt`, not `createdAt`: a reminder written today for a visit a year ahead is kept until then.
Members' in-app list shows what is left (docs/notifications.md#retention)."""

from typing import Any

from django.conf import settings

from core.ttl import ttl_index_ensure
from notifications.models import COLLECTION

TTL_INDEX = "notifications_ttl"
MIN_RETENTION_DAYS = 30


def retention_seconds() -> int:
    return max(MIN_RETENTION_DAYS, int(settings.NOTIFY_RETENTION_DAYS)) * 24 * 3600


def notifications_ttl_index_ensure(connection: Any) -> None:
    """Create the outbox's TTL index, or re-create it when the retention setting changed."""
    ttl_index_ensure(connection, collection=COLLECTION, field="dueAt", name=TTL_INDEX, seconds=retention_seconds())

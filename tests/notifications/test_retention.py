"""The outbox is not kept for ever: a TTL index on `dueAt` from NOTIFY_RETENTION_DAYS (notifications/retention.py)."""

from datetime import timedelta

import pytest
from django.db import connection

from notifications.retention import MIN_RETENTION_DAYS, TTL_INDEX, notifications_ttl_index_ensure

pytestmark = pytest.mark.django_db


def _ttl() -> dict:
    return connection.get_collection("notifications").index_information()[TTL_INDEX]


def test_migrate_leaves_a_ttl_index_on_the_due_time() -> None:
    index = _ttl()
    assert index["key"] == [("dueAt", 1)]
    assert index["expireAfterSeconds"] == timedelta(days=400).total_seconds()


def test_a_changed_setting_is_applied_at_the_next_migrate_and_never_under_the_minimum(settings) -> None:
    try:
        settings.NOTIFY_RETENTION_DAYS = 90
        notifications_ttl_index_ensure(connection)
        assert _ttl()["expireAfterSeconds"] == timedelta(days=90).total_seconds()
        settings.NOTIFY_RETENTION_DAYS = 1
        notifications_ttl_index_ensure(connection)
        assert _ttl()["expireAfterSeconds"] == timedelta(days=MIN_RETENTION_DAYS).total_seconds()
    finally:
        settings.NOTIFY_RETENTION_DAYS = 400
        notifications_ttl_index_ensure(connection)
    assert _ttl()["expireAfterSeconds"] == timedelta(days=400).total_seconds()

"""The one clock the booking rules read, so tests can move time without touching the database.

Tests replace `core.clock.now` (monkeypatch); code calls `clock.now()` / `clock.local_now()` through
the module so the replacement is seen.
"""

from datetime import UTC, date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return timezone.now()


def local_now() -> datetime:
    """The current instant in clinic-local time (settings.TIME_ZONE)."""
    return timezone.localtime(now())


def stored_instant(moment: datetime) -> datetime:
    """A datetime read from MongoDB, zone-aware: pymongo hands back naive UTC unless the client says otherwise."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_today() -> date:
    """Today's date in clinic-local time."""
    return local_now().date()

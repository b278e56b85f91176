"""How long audit entries are kept: a TTL index on `at` (AUDIT_RETENTION_DAYS, never under a year).

Created by the app's migration and checked after every `manage.py migrate` (AuditConfig.ready), so a changed
setting takes effect at the next deploy's migrate.
"""

from typing import Any

from django.conf import settings

from core.ttl import ttl_index_ensure

TTL_INDEX = "audit_log_ttl"
MIN_RETENTION_DAYS = 365


def retention_seconds() -> int:
    return max(MIN_RETENTION_DAYS, int(settings.AUDIT_RETENTION_DAYS)) * 24 * 3600


def audit_ttl_index_ensure(connection: Any) -> None:
    """Create the TTL index, or re-create it when the retention setting changed."""
    ttl_index_ensure(connection, collection="audit_log", field="at", name=TTL_INDEX, seconds=retention_seconds())

"""Cron: `manage.py expire_requests` every few minutes (e.g. `*/5 * * * *`; docs/operations.md).

Cancels every PENDING_CONFIRMATION request the doctor has not confirmed in time
(`appointments.selectors.request_expires_at`: REQUEST_EXPIRY_HOURS after the request or
REQUEST_EXPIRY_BEFORE_MINUTES before the visit, whichever comes first), by the system, with the reason
"The doctor did not confirm this request in time.", freeing its place. Idempotent and safe to run twice at
once: each cancel is one update guarded by the state that made the request expire.
"""

from typing import Any

from django.core.management.base import BaseCommand

from appointments.selectors import requests_expired
from appointments.services.workflow import requests_expire


class Command(BaseCommand):
    help = "Cancel the appointment requests the doctor did not confirm in time, freeing their places."

    def handle(self, *args: Any, **options: Any) -> None:
        cancelled = requests_expire(appointments=requests_expired())
        self.stdout.write(f"{cancelled} expired request(s) cancelled.")

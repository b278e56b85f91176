"""`manage.py deliver_notifications [--loop] [--limit N]`: send the notifications that are due (cron, every minute)."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from notifications.delivery import notifications_deliver_due


class Command(BaseCommand):
    help = "Send the notifications that are due; retry failures with backoff (docs/notifications.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="at most this many per run (per round with --loop)")
        parser.add_argument(
            "--loop",
            action="store_true",
            help=f"keep running, a round every NOTIFY_LOOP_SECONDS ({settings.NOTIFY_LOOP_SECONDS} s)",
        )

    def handle(self, *args: Any, limit: int, loop: bool, **options: Any) -> None:
        if limit < 1:
            self.stderr.write("--limit must be 1 or more.")
            return
        while True:
            report = notifications_deliver_due(limit=limit)
            self.stdout.write(
                f"sent {report.sent}, to retry {report.retried}, failed {report.failed}, withdrawn {report.withdrawn}"
            )
            if not loop:
                return
            if report.handled < limit:  # caught up: wait for the next round
                time.sleep(settings.NOTIFY_LOOP_SECONDS)

"""Cron: `manage.py mark_no_shows` every few minutes (e.g. `*/5 * * * *`).

Marks SCHEDULED consultations NO_SHOW when the patient has not joined CONSULTATION_NO_SHOW_MINUTES after the
scheduled start, and ends calls left IN_PROGRESS longer than CONSULTATION_MAX_MINUTES. Safe to run twice at
once: every change is guarded by the consultation's current status.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from consultations.services import consultations_end_overdue, consultations_mark_no_shows


class Command(BaseCommand):
    help = "Mark video consultations whose patient never joined as NO_SHOW and end calls left running too long."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-show-minutes", type=int, help="override CONSULTATION_NO_SHOW_MINUTES")
        parser.add_argument("--max-minutes", type=int, help="override CONSULTATION_MAX_MINUTES")

    def handle(self, *args: Any, **options: Any) -> None:
        no_shows = consultations_mark_no_shows(minutes=options["no_show_minutes"])
        ended = consultations_end_overdue(minutes=options["max_minutes"])
        self.stdout.write(f"{no_shows} consultation(s) marked NO_SHOW, {ended} overdue call(s) ended.")

"""`manage.py load_demo_data [--doctors N]`: the seed's sample documents plus generated realistic data."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.services import demo_data_load

MSG_NOT_IN_PRODUCTION = (
    "Refusing to load demo data (with well-known demo passwords) while DEBUG is off. Pass --force if you mean it."
)
PROGRESS_FROM_DOCTORS = 500


class Command(BaseCommand):
    help = (
        "Load the seed's sample documents and generated demo data (specialties, clinics, doctors, weekly slots, "
        "members, appointments). Idempotent: running it again inserts nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--doctors", type=int, default=30, help="generated doctors besides the seed's (30)")
        parser.add_argument("--members", type=int, default=None, help="generated members (default: doctors/2, >= 20)")
        parser.add_argument("--appointments", type=int, default=25, help="random past and upcoming bookings (25)")
        parser.add_argument("--seed", type=int, default=2025, help="random seed: same seed, same data")
        parser.add_argument(
            "--progress",
            action="store_true",
            default=None,
            help=f"show a progress bar (default: from {PROGRESS_FROM_DOCTORS} doctors)",
        )
        parser.add_argument("--no-progress", dest="progress", action="store_false")
        parser.add_argument("--force", action="store_true", help="load even when DEBUG is off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(MSG_NOT_IN_PRODUCTION)
        for name in ("doctors", "appointments"):
            if options[name] < 0:
                raise CommandError(f"--{name} must be 0 or more.")
        progress = options["progress"]
        if progress is None:
            progress = options["doctors"] >= PROGRESS_FROM_DOCTORS
        started = time.monotonic()
        results = demo_data_load(
            doctors=options["doctors"],
            members=options["members"],
            appointments=options["appointments"],
            seed=options["seed"],
            progress=progress,
        )
        for name, result in results.items():
            self.stdout.write(f"{name:<22} {result.inserted:>7} inserted {result.skipped:>7} skipped (already there)")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s."))

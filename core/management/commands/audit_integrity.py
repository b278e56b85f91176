"""Cron: `manage.py audit_integrity [--repair] [--json]` (docs/operations.md, "Integrity audit").

Checks every invariant the apps register in their `integrity.py` (core/integrity.py): places and capacity,
one live appointment per member and time, open video rooms, prescriptions and their files. Prints the count
per check, then each finding by ids (never medical content). Exits 1 when a problem is found (or, with
`--repair`, when a problem remains after the safe repairs), 0 when clean.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.integrity import integrity_audit


class Command(BaseCommand):
    help = "Check the data's invariants (places, capacity, rooms, prescriptions); --repair fixes the safe ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="fix what can be fixed safely, then report")
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout (for logs)")
        parser.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            help="first date the place checks look at (default: today, clinic-local)",
        )
        parser.add_argument("--check", action="append", default=[], help="run only this check (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = integrity_audit(repair=options["repair"], since=options["since"], only=options["check"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), sort_keys=True))
        else:
            self._print(report.as_dict())
        problems = len(report.problems)
        if problems:
            raise CommandError(f"{problems} integrity problem(s) found.", returncode=1)

    def _print(self, report: dict[str, Any]) -> None:
        for check in report["checks"]:
            findings = check["findings"]
            left = sum(1 for finding in findings if not finding["repaired"])
            repaired = len(findings) - left
            state = "ok" if not left else f"{left} PROBLEM(S)"
            extra = f", {repaired} repaired" if repaired else ""
            notes = f", {len(check['notes'])} note(s)" if check["notes"] else ""
            self.stdout.write(f"{check['check']}: {check['examined']} examined, {state}{extra}{notes}")
        for check in report["checks"]:
            for finding in check["findings"]:
                tag = "REPAIRED" if finding["repaired"] else ("REPAIRABLE" if finding["repairable"] else "PROBLEM")
                ids = " ".join(f"{key}={value}" for key, value in finding["ids"].items())
                self.stdout.write(f"{tag} {check['check']}: {finding['problem']} [{ids}]")
            for note in check["notes"]:
                ids = " ".join(f"{key}={value}" for key, value in note["ids"].items())
                self.stdout.write(f"NOTE {check['check']}: {note['problem']} [{ids}]")
        verdict = "clean" if report["ok"] else f"{report['problems']} problem(s)"
        self.stdout.write(f"Integrity audit: {verdict}, {report['repaired']} repaired.")

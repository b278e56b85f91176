"""`manage.py move_prescription_files_to_gridfs [--keep-disk] [--dry-run]`: prescription files from MEDIA_ROOT
into GridFS, each verified by SHA-256 before its disk copy is deleted. Idempotent and resumable; exits 1 when
a file could not be moved (docs/operations.md#prescription-files-in-mongodb)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ServiceError
from prescriptions.file_moves import prescription_files_move_to_gridfs


class Command(BaseCommand):
    help = "Move prescription files from MEDIA_ROOT into GridFS, verifying each copy before deleting the disk one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep-disk", action="store_true", help="copy and verify, but keep the disk files")
        parser.add_argument("--dry-run", action="store_true", help="only say what would be moved")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = prescription_files_move_to_gridfs(keep_disk=options["keep_disk"], dry_run=options["dry_run"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        verb = "would move" if options["dry_run"] else "in GridFS, verified"
        self.stdout.write(f"{len(report.moved)} file(s) {verb}; {len(report.disk_deleted)} disk copy(ies) deleted.")
        for name in report.conflicts:
            self.stdout.write(f"CONFLICT {name}: GridFS already holds other bytes under this name; both kept.")
        for name in report.failed:
            self.stdout.write(f"FAILED {name}: the copy read back differently; the disk file is kept.")
        if not report.ok:
            raise CommandError("Some files were not moved; see above.", returncode=1)

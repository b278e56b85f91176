"""Moving prescription files from this server's disk (MEDIA_ROOT) into GridFS, verified, resumable.

`manage.py move_prescription_files_to_gridfs` calls `prescription_files_move_to_gridfs`. For every file under
`MEDIA_ROOT/doctors/`, by its storage name (the name the documents' `filePath` already points at, so no
document changes):

1. already in GridFS with the same SHA-256 -> nothing to copy;
   in GridFS with different bytes -> reported as a conflict, both copies kept;
2. otherwise copied into GridFS under the same name;
3. the GridFS copy is read back and its SHA-256 compared with the disk file's; a mismatch deletes the GridFS
   copy and reports it;
4. only then is the disk copy deleted (unless `keep_disk`).

Every step can be cut short and the command run again: a file is deleted from disk only once a verified copy
is in GridFS, and a copy already there is not copied twice. While files move, downloads keep working: the
GridFS storage reads a file from disk when GridFS does not have it yet (mongo/gridfs_storage.py).
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files import File
from django.core.files.storage import FileSystemStorage

from core.errors import Invalid
from mongo.gridfs_storage import GridFSStorage, sha256_of
from prescriptions.files import STORAGE_DIR, storage

logger = logging.getLogger(__name__)

MSG_NOT_GRIDFS = 'Prescription files are not kept in GridFS: set PRESCRIPTION_STORAGE="gridfs" first.'


@dataclass
class MoveReport:
    moved: list[str] = field(default_factory=list)  # copied (or found) in GridFS, verified
    disk_deleted: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # in GridFS with other bytes: both kept
    failed: list[str] = field(default_factory=list)  # the copy read back wrong: removed from GridFS

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.failed


def _disk_names(disk: FileSystemStorage, directory: str = STORAGE_DIR) -> Iterator[str]:
    try:
        directories, files = disk.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{directory}/{name}"
    for name in sorted(directories):
        yield from _disk_names(disk, f"{directory}/{name}")


def prescription_files_move_to_gridfs(*, keep_disk: bool = False, dry_run: bool = False) -> MoveReport:
    """Move every file under MEDIA_ROOT/doctors into GridFS (see the module's docstring). Raises Invalid when
    the prescriptions storage is not GridFS."""
    target = storage()
    if not isinstance(target, GridFSStorage):
        raise Invalid(MSG_NOT_GRIDFS)
    disk = FileSystemStorage()  # MEDIA_ROOT
    report = MoveReport()
    for name in _disk_names(disk):
        disk_sha = sha256_of(disk.open(name, "rb"))
        if target.in_gridfs(name):
            if target.stored_sha256(name) != disk_sha:
                report.conflicts.append(name)
                continue
        elif dry_run:
            report.moved.append(name)
            continue
        else:
            with disk.open(name, "rb") as handle:
                target._save(name, File(handle, name=name))
            if target.stored_sha256(name) != disk_sha:
                target.delete_from_gridfs(name)
                report.failed.append(name)
                continue
        report.moved.append(name)
        if not keep_disk and not dry_run:
            disk.delete(name)
            report.disk_deleted.append(name)
    logger.info(
        "prescription files moved to GridFS",
        extra={"moved": len(report.moved), "conflicts": len(report.conflicts), "failed": len(report.failed)},
    )
    return report

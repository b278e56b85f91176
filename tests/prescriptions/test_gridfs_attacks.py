"""Path tricks against the GridFS prescription store and its move command: a name never leaves `doctors/`, and
the move never copies what a link on disk points at outside MEDIA_ROOT/doctors."""

import os
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import connection

from prescriptions.file_moves import prescription_files_move_to_gridfs
from prescriptions.files import file_delete, file_exists, file_open, storage
from tests.prescriptions.sample_files import pdf_bytes

pytestmark = pytest.mark.django_db

BUCKET = "prescription_files"


def _gridfs_names() -> list[str]:
    return sorted(doc["filename"] for doc in connection.get_collection(f"{BUCKET}.files").find())


@pytest.mark.parametrize(
    "name",
    ["../secret.pdf", "doctors/../../secret.pdf", "/etc/passwd", "doctors/DOC001/../../x.pdf"],
)
def test_the_storage_refuses_a_name_that_climbs_out(name: str) -> None:
    with pytest.raises(SuspiciousFileOperation):
        storage().save(name, ContentFile(pdf_bytes()))
    assert _gridfs_names() == []


@pytest.mark.parametrize(
    "file_path",
    [
        "/uploads/../../etc/passwd",
        "/uploads/doctors/DOC001/../../../etc/passwd",
        "/etc/passwd",
        "/uploads/doctors\\DOC001\\a.pdf",
        "/uploads/doctors/DOC001/a.pdf\x00.png",
        "/uploads/other/DOC001/a.pdf",
        "/uploads/doctors//a.pdf",
        "",
    ],
)
def test_a_document_path_outside_doctors_is_never_read_or_deleted(settings: Any, file_path: str) -> None:
    outside = Path(settings.MEDIA_ROOT).parent / "etc-passwd-canary"
    outside.write_bytes(b"secret")
    assert file_open(file_path) is None
    assert file_exists(file_path) is False
    file_delete(file_path)
    assert outside.read_bytes() == b"secret"


def test_the_move_never_follows_a_link_out_of_media_root(settings: Any, tmp_path: Path) -> None:
    secret = tmp_path / "server-secret.txt"
    secret.write_bytes(b"SECRET_KEY=...")
    folder = Path(settings.MEDIA_ROOT) / "doctors" / "DOC001"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "real.pdf").write_bytes(pdf_bytes())
    os.symlink(secret, folder / "evil.pdf")
    os.symlink(tmp_path, Path(settings.MEDIA_ROOT) / "doctors" / "DOCLINK")
    report = prescription_files_move_to_gridfs()
    assert _gridfs_names() == ["doctors/DOC001/real.pdf"]
    assert report.moved == ["doctors/DOC001/real.pdf"]
    assert (folder / "evil.pdf").is_symlink()  # left alone, for a person to look at
    assert report.links == ["doctors/DOC001/evil.pdf", "doctors/DOCLINK"]
    assert not report.ok
    assert secret.read_bytes() == b"SECRET_KEY=..."

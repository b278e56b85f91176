"""Prescription files in GridFS: the storage backend, the read-through to disk, and the move command."""

import hashlib
from io import StringIO
from pathlib import Path
from typing import Any

import gridfs
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from appointments.models import Appointment
from doctors.models import Doctor
from mongo.gridfs_storage import GridFSStorage
from prescriptions.downloads import prescription_file_response
from prescriptions.file_moves import prescription_files_move_to_gridfs
from prescriptions.files import storage, storage_name
from prescriptions.models import Prescription
from prescriptions.services import StorageFailed, prescription_upload
from tests.prescriptions.factories import PrescriptionFactory
from tests.prescriptions.sample_files import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

BUCKET = "prescription_files"


def _gridfs_names() -> list[str]:
    return sorted(doc["filename"] for doc in connection.get_collection(f"{BUCKET}.files").find())


def _on_disk(settings: Any, name: str, content: bytes) -> Path:
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- the storage --------------------------------------------------------------------------------------------


def test_gridfs_is_the_default_prescription_store(settings: Any) -> None:
    assert settings.PRESCRIPTION_STORAGE == "gridfs"
    assert isinstance(storage(), GridFSStorage)


def test_the_storage_saves_opens_lists_sizes_and_deletes_in_gridfs(settings: Any) -> None:
    store = storage()
    name = store.save("doctors/DOC001/a.pdf", ContentFile(pdf_bytes()))
    assert name == "doctors/DOC001/a.pdf"
    assert _gridfs_names() == [name]
    assert not (Path(settings.MEDIA_ROOT) / name).exists()  # nothing on this server's disk
    assert store.exists(name) and store.size(name) == len(pdf_bytes())
    assert store.open(name).read() == pdf_bytes()
    assert store.listdir("doctors") == (["DOC001"], [])
    assert store.listdir("doctors/DOC001") == ([], ["a.pdf"])
    assert store.get_modified_time(name).tzinfo is not None
    assert store.save(name, ContentFile(b"other")) != name  # a name is never written twice
    store.delete(name)
    assert not store.exists(name)
    with pytest.raises(FileNotFoundError):
        store.open(name)


def test_an_upload_lands_in_gridfs_and_downloads_from_it(doctor: Doctor, appointment: Appointment) -> None:
    prescription = prescription_upload(
        doctor=doctor, appointment=appointment, uploaded_file=upload(png_bytes(), "x.png")
    )
    assert _gridfs_names() == [storage_name(prescription.file_path)]
    response = prescription_file_response(prescription, request=_request())
    assert response["Content-Type"] == "image/png"
    assert _body(response) == png_bytes()


def test_a_gridfs_write_that_fails_leaves_no_document_and_no_file(
    doctor: Doctor, appointment: Appointment, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, data: Any) -> None:
        raise OSError("disk full on the database server")

    monkeypatch.setattr(gridfs.GridIn, "write", broken)
    with pytest.raises(StorageFailed):
        prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes()))
    assert not Prescription.objects.exists()
    assert _gridfs_names() == []
    assert connection.get_collection(f"{BUCKET}.chunks").count_documents({}) == 0


def test_a_file_still_on_disk_is_read_through(settings: Any) -> None:
    prescription = PrescriptionFactory(file_path="/uploads/doctors/DOC001/prescription_20251006_143022.pdf")
    _on_disk(settings, "doctors/DOC001/prescription_20251006_143022.pdf", pdf_bytes())
    assert _body(prescription_file_response(prescription, request=_request())) == pdf_bytes()
    assert storage().listdir("doctors/DOC001") == ([], ["prescription_20251006_143022.pdf"])


def test_the_filesystem_setting_keeps_files_on_disk(
    settings: Any, doctor: Doctor, appointment: Appointment, filesystem_prescriptions: None
) -> None:
    prescription = prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes()))
    assert (Path(settings.MEDIA_ROOT) / storage_name(prescription.file_path)).read_bytes() == pdf_bytes()
    assert _gridfs_names() == []


def test_an_old_orphan_in_gridfs_is_repaired_by_the_audit() -> None:
    from datetime import timedelta

    from core import clock
    from core.integrity import integrity_audit

    name = storage().save("doctors/DOC404/PRESC-GONE.pdf", ContentFile(pdf_bytes()))
    connection.get_collection(f"{BUCKET}.files").update_one(
        {"filename": name}, {"$set": {"uploadDate": clock.now() - timedelta(hours=2)}}
    )
    integrity_audit(repair=True)
    assert _gridfs_names() == []


# --- moving files from disk into GridFS -------------------------------------------------------------------------


def _move(*args: str) -> str:
    out = StringIO()
    call_command("move_prescription_files_to_gridfs", *args, stdout=out)
    return out.getvalue()


def test_the_move_copies_verifies_and_then_deletes_the_disk_copies(settings: Any) -> None:
    first = _on_disk(settings, "doctors/DOC001/a.pdf", pdf_bytes())
    second = _on_disk(settings, "doctors/DOC002/b.png", png_bytes())
    assert "2 file(s) in GridFS, verified; 2 disk copy(ies) deleted." in _move()
    assert not first.exists() and not second.exists()
    assert _gridfs_names() == ["doctors/DOC001/a.pdf", "doctors/DOC002/b.png"]
    stored = connection.get_collection(f"{BUCKET}.files").find_one({"filename": "doctors/DOC001/a.pdf"})
    assert stored["sha256"] == hashlib.sha256(pdf_bytes()).hexdigest()
    assert storage().open("doctors/DOC002/b.png").read() == png_bytes()
    assert "0 file(s)" in _move()  # idempotent


def test_the_move_resumes_after_a_crash_between_copy_and_delete(settings: Any) -> None:
    _on_disk(settings, "doctors/DOC001/a.pdf", pdf_bytes())
    prescription_files_move_to_gridfs(keep_disk=True)  # as if cut off before deleting the disk copy
    assert "1 file(s) in GridFS, verified; 1 disk copy(ies) deleted." in _move()
    assert _gridfs_names() == ["doctors/DOC001/a.pdf"]  # not copied twice


def test_keep_disk_and_dry_run_keep_the_disk_copies(settings: Any) -> None:
    path = _on_disk(settings, "doctors/DOC001/a.pdf", pdf_bytes())
    assert "1 file(s) would move" in _move("--dry-run")
    assert _gridfs_names() == []
    _move("--keep-disk")
    assert path.exists() and _gridfs_names() == ["doctors/DOC001/a.pdf"]


def test_a_copy_that_reads_back_differently_is_removed_and_the_disk_file_kept(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _on_disk(settings, "doctors/DOC001/a.pdf", pdf_bytes())
    monkeypatch.setattr(GridFSStorage, "stored_sha256", lambda self, name: "0" * 64)
    with pytest.raises(CommandError):
        _move()
    assert path.exists() and _gridfs_names() == []


def test_a_name_gridfs_holds_with_other_bytes_is_a_conflict_and_both_stay(settings: Any) -> None:
    storage().save("doctors/DOC001/a.pdf", ContentFile(png_bytes()))
    path = _on_disk(settings, "doctors/DOC001/a.pdf", pdf_bytes())
    with pytest.raises(CommandError):
        _move()
    assert path.exists() and _gridfs_names() == ["doctors/DOC001/a.pdf"]


def test_the_move_refuses_when_files_are_kept_on_disk(filesystem_prescriptions: None) -> None:
    with pytest.raises(CommandError, match="PRESCRIPTION_STORAGE"):
        _move()


def test_a_file_is_found_by_name_through_an_index() -> None:
    from devtools.query_plans import explain

    name = storage().save("doctors/DOC001/a.pdf", ContentFile(pdf_bytes()))
    files = connection.get_collection(f"{BUCKET}.files")
    assert any(index["key"].get("filename") == 1 for index in files.list_indexes())
    plan = explain({"find": f"{BUCKET}.files", "filter": {"filename": name}, "sort": {"uploadDate": -1}})
    assert plan.stage == "IXSCAN", plan
    chunks = connection.get_collection(f"{BUCKET}.chunks")
    assert any(index["key"].get("files_id") == 1 for index in chunks.list_indexes())


def _request() -> Any:
    """A request for the download's audit entry (prescriptions/downloads.py)."""
    from django.test import RequestFactory

    return RequestFactory().get("/")

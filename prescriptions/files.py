"""Prescription files: what may be uploaded, where it is kept, and how it is handed back.

A file is judged by its CONTENT, never by its name or the content type the client declared: PDF (a `%PDF-`
header and an `%%EOF` marker near the end), PNG or JPEG (magic bytes, then opened, verified and fully
decoded by Pillow under a pixel cap, so a decompression bomb is refused before it is decoded).

Files live in the prescriptions storage (GridFS, or MEDIA_ROOT: PRESCRIPTION_STORAGE) under
`doctors/{doctorId}/` with a name the server makes
(`{prescriptionId}-{uuid4 hex}.{ext of the detected type}`); the uploaded name is only ever displayed.
The document's `filePath` keeps the seed's form, `/uploads/doctors/{doctorId}/{name}`: the `/uploads/` prefix
stands for MEDIA_ROOT (point MEDIA_ROOT at the existing system's uploads directory and both agree). Paths
without the prefix (`doctors/...`) are read too. Nothing under MEDIA_ROOT has a URL route.
"""

import contextlib
import re
import unicodedata
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible
from PIL import Image

from core.errors import ErrorKind, ServiceError
from mongo.gridfs_storage import GridFSStorage

MSG_FILE_MISSING = "Choose a file to upload."
MSG_FILE_EMPTY = "The file is empty."
MSG_FILE_TOO_LARGE = "The file is larger than the {limit} limit."
MSG_FILE_TYPE = "Only PDF, JPEG or PNG files can be uploaded."
MSG_FILE_DAMAGED = "The file is damaged: it is not a readable {kind}."
MSG_IMAGE_TOO_MANY_PIXELS = "The image is too large: at most {megapixels} megapixels."

STORAGE_DIR = "doctors"
LEGACY_PREFIX = "/uploads/"
PDF_TAIL_BYTES = 2048
NAME_MAX = 255


class FileRefused(ServiceError):
    """400: the upload is not acceptable (the message is the `file` field's error)."""

    kind = ErrorKind.INVALID

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"file": [message]})

    @property
    def status(self) -> int:
        return self.kind.status


class FileTooLarge(FileRefused):
    """413: the upload is over the size limit."""

    kind = ErrorKind.TOO_LARGE

    def __init__(self, message: str) -> None:
        ServiceError.__init__(self, message)


@dataclass(frozen=True)
class FileType:
    kind: str  # shown in messages
    extension: str
    content_type: str
    pillow_format: str | None = None


PDF = FileType("PDF", "pdf", "application/pdf")
PNG = FileType("PNG", "png", "image/png", "PNG")
JPEG = FileType("JPEG", "jpg", "image/jpeg", "JPEG")
MAGIC: list[tuple[bytes, FileType]] = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG)]
OCTET_STREAM = "application/octet-stream"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size / (1024 * 1024):.3g} MB"


def max_upload_bytes() -> int:
    return settings.PRESCRIPTION_MAX_UPLOAD_BYTES


def too_large_message() -> str:
    return MSG_FILE_TOO_LARGE.format(limit=human_size(max_upload_bytes()))


def sniff(head: bytes) -> FileType | None:
    """The type the first bytes announce, or None."""
    for magic, file_type in MAGIC:
        if head.startswith(magic):
            return file_type
    return None


# --- checking an upload -----------------------------------------------------------------------------------


def file_check(uploaded_file: File | None) -> FileType:
    """Refuse anything but a real, complete PDF, PNG or JPEG within the size limit; return its type."""
    if uploaded_file is None:
        raise FileRefused(MSG_FILE_MISSING)
    size = uploaded_file.size
    if not size:
        raise FileRefused(MSG_FILE_EMPTY)
    if size > max_upload_bytes():
        raise FileTooLarge(too_large_message())
    uploaded_file.seek(0)
    file_type = sniff(uploaded_file.read(16))
    if file_type is None:
        raise FileRefused(MSG_FILE_TYPE)
    if file_type is PDF:
        _check_pdf(uploaded_file, size)
    else:
        _check_image(uploaded_file, file_type)
    uploaded_file.seek(0)
    return file_type


def _check_pdf(uploaded_file: IO[bytes], size: int) -> None:
    uploaded_file.seek(0)
    header = uploaded_file.read(8)
    uploaded_file.seek(max(0, size - PDF_TAIL_BYTES))
    tail = uploaded_file.read(PDF_TAIL_BYTES)
    if not re.fullmatch(rb"%PDF-[12]\.\d", header) or b"%%EOF" not in tail:
        raise FileRefused(MSG_FILE_DAMAGED.format(kind=PDF.kind))


def _check_image(uploaded_file: IO[bytes], file_type: FileType) -> None:
    """Open, verify, then reopen and decode every pixel, refusing more pixels than the cap."""
    max_pixels = settings.PRESCRIPTION_MAX_IMAGE_PIXELS
    too_many = MSG_IMAGE_TOO_MANY_PIXELS.format(megapixels=f"{max_pixels / 1_000_000:g}")
    formats = [file_type.pillow_format] if file_type.pillow_format else None
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            for decode in (False, True):
                uploaded_file.seek(0)
                with Image.open(uploaded_file, formats=formats) as image:
                    width, height = image.size
                    if width * height > max_pixels:
                        raise FileRefused(too_many)
                    if decode:
                        image.load()
                    else:
                        image.verify()
        except FileRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise FileRefused(too_many) from exc
        except Exception as exc:  # any parser failure on untrusted bytes means "not an image"
            raise FileRefused(MSG_FILE_DAMAGED.format(kind=file_type.kind)) from exc


# --- storing ----------------------------------------------------------------------------------------------


@deconstructible(path="prescriptions.files.PrescriptionGridFSStorage")
class PrescriptionGridFSStorage(GridFSStorage):
    """GridFS bucket `prescription_files`, reading files still under MEDIA_ROOT (PRESCRIPTION_STORAGE="gridfs")."""

    def __init__(self) -> None:
        super().__init__(bucket="prescription_files", fallback=True)


def storage() -> Storage:
    """The prescription files' store: GridFS or MEDIA_ROOT, as PRESCRIPTION_STORAGE says (settings)."""
    return storages["prescriptions"]


def _safe_segment(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", value)[:64] or "_"


def file_store(*, uploaded_file: File, doctor_id: str, prescription_id: str, file_type: FileType) -> str:
    """Write the file under a server-made name; return its `filePath` (seed form). Raises OSError on failure."""
    name = (
        f"{STORAGE_DIR}/{_safe_segment(doctor_id)}/"
        f"{_safe_segment(prescription_id)}-{uuid.uuid4().hex}.{file_type.extension}"
    )
    uploaded_file.seek(0)
    try:
        saved = storage().save(name, uploaded_file)
    except Exception:
        _delete_name(name)  # a half-written file, if the storage left one
        raise
    return LEGACY_PREFIX + saved


def storage_name(file_path: str) -> str | None:
    """The storage name a document's `filePath` points at, or None when it points anywhere outside `doctors/`."""
    path = file_path.removeprefix(LEGACY_PREFIX)
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if parts[0] != STORAGE_DIR or len(parts) < 3 or any(part in {"", ".", ".."} for part in parts):
        return None
    return str(PurePosixPath(*parts))


def _delete_name(name: str) -> None:
    with contextlib.suppress(OSError, SuspiciousFileOperation):
        storage().delete(name)


def file_delete(file_path: str) -> None:
    """Remove a stored file if it exists. Never touches anything outside `doctors/`."""
    name = storage_name(file_path)
    if name is not None:
        _delete_name(name)


def file_exists(file_path: str) -> bool:
    name = storage_name(file_path)
    try:
        return name is not None and storage().exists(name)
    except SuspiciousFileOperation:
        return False


def file_open(file_path: str) -> tuple[IO[bytes], str, FileType | None] | None:
    """Open a stored file for download: (file, content type, detected type), or None if it is not there."""
    name = storage_name(file_path)
    if name is None:
        return None
    try:
        handle = storage().open(name, "rb")
    except (OSError, SuspiciousFileOperation):
        return None
    file_type = sniff(handle.read(16))
    handle.seek(0)
    return handle, file_type.content_type if file_type else OCTET_STREAM, file_type


# --- names ------------------------------------------------------------------------------------------------


def clean_file_name(name: str | None) -> str:
    """The uploaded name as the user gave it, minus path parts and unprintable characters, for display."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    if name in {".", ".."}:
        return ""
    return name[:NAME_MAX]


def download_name(file_name: str, file_type: FileType | None, fallback: str) -> str:
    """A display name whose extension matches the detected content."""
    name = clean_file_name(file_name) or fallback
    if file_type is not None:
        _stem, dot, ext = name.rpartition(".")
        if not dot or ext.lower() not in {file_type.extension, "jpeg" if file_type is JPEG else ""}:
            name = f"{name}.{file_type.extension}"
    return name


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the full name in RFC 5987 form."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", ascii_name)
    ascii_name = re.sub(r" +", " ", ascii_name).strip(" ._") or "prescription"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"

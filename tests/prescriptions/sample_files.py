"""Real files made in the test run: genuine PDF, PNG and JPEG bytes from Pillow, and the fakes to refuse."""

import io
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def _image(format: str, size: tuple[int, int] = (40, 30), mode: str = "RGB", **params: object) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode == "RGB" else 0).save(buffer, format=format, **params)
    return buffer.getvalue()


@cache
def pdf_bytes() -> bytes:
    return _image("PDF")


@cache
def png_bytes() -> bytes:
    return _image("PNG")


@cache
def jpeg_bytes() -> bytes:
    return _image("JPEG", quality=80)


def png_header_on_garbage() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def text_bytes() -> bytes:
    return b"Take two tablets twice a day.\n" * 20


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 504


def windows_exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 504


@cache
def bomb_png(side: int = 10_000) -> bytes:
    """A PNG of side x side pixels (100 megapixels by default) that is a few kilobytes on disk."""
    return _image("PNG", size=(side, side), mode="1")


def upload(content: bytes, name: str = "prescription.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def multipart_body(
    *, content: bytes, file_name: str, fields: dict[str, str] | None = None, boundary: str = "PrescriptionBoundary7"
) -> tuple[bytes, str]:
    """A raw multipart body whose file name is sent exactly as given (the test client would trim it)."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in (fields or {}).items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"

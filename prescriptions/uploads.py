"""Keep oversized uploads out of memory and off the disk.

Django streams an uploaded file to a temporary file once it passes FILE_UPLOAD_MAX_MEMORY_SIZE, but it
would still stream a 5 GB body to disk before any view could look at its size. This handler, first in
FILE_UPLOAD_HANDLERS, stops that:
- a file that grows past the limit is skipped: the rest of it is read in chunks and thrown away, so the
  other form fields (the portal form's CSRF token, diagnosis, notes) still arrive and the page can say why;
- a body declared far over the limit (more than REFUSE_UNREAD_FACTOR times it) is not read at all.
Either way the request is marked and the view answers 413 (`upload_too_large`). Prescription files are the
project's only uploads, so their limit is the limit for every upload. In production the proxy in front
should cap request bodies too (nginx `client_max_body_size`).
"""

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from prescriptions.files import max_upload_bytes

TOO_LARGE_ATTR = "_upload_too_large"
REFUSE_UNREAD_FACTOR = 4


def upload_too_large(request: Any) -> bool:
    """True when the upload handler refused this request's file for its size (DRF or Django request)."""
    django_request = getattr(request, "_request", request)
    return bool(getattr(django_request, TOO_LARGE_ATTR, False))


class UploadSizeLimitHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def _mark(self) -> None:
        if self.request is not None:
            setattr(self.request, TOO_LARGE_ATTR, True)

    def handle_raw_input(
        self, input_data: Any, META: dict, content_length: int, boundary: Any, encoding: str | None = None
    ) -> tuple[QueryDict, MultiValueDict] | None:
        if content_length > REFUSE_UNREAD_FACTOR * max_upload_bytes():
            self._mark()
            return QueryDict(encoding=encoding), MultiValueDict()  # parsed as empty; the body is never read
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self._mark()
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

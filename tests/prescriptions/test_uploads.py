"""The upload size guard: an oversized body is never read, an oversized file never kept. No database."""

import io

import pytest
from django.test import RequestFactory

from prescriptions.uploads import REFUSE_UNREAD_FACTOR, upload_too_large
from tests.prescriptions.sample_files import multipart_body


class CountingInput(io.BytesIO):
    """A request body that records how much of it the server read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def _post(body: bytes, content_type: str) -> tuple[object, CountingInput]:
    request = RequestFactory().generic("POST", "/upload", data=body, content_type=content_type)
    stream = CountingInput(body)
    request.environ["wsgi.input"] = stream
    request._stream = stream
    request._read_started = False
    return request, stream


@pytest.fixture
def small_limit(settings: pytest.FixtureRequest) -> int:
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    return 1000


def test_a_file_within_the_limit_is_received(small_limit: int) -> None:
    request, _ = _post(*multipart_body(content=b"x" * small_limit, file_name="rx.pdf", fields={"notes": "ok"}))
    assert request.FILES["file"].size == small_limit
    assert request.POST["notes"] == "ok"
    assert not upload_too_large(request)


def test_a_file_growing_past_the_limit_is_dropped_and_the_request_marked(small_limit: int) -> None:
    body, content_type = multipart_body(
        content=b"x" * (small_limit * 3), file_name="rx.pdf", fields={"csrfmiddlewaretoken": "t", "notes": "ok"}
    )
    request, stream = _post(body, content_type)
    assert "file" not in request.FILES
    assert (request.POST["csrfmiddlewaretoken"], request.POST["notes"]) == ("t", "ok")
    assert upload_too_large(request)
    assert stream.bytes_read == len(body)  # drained in chunks, not kept


def test_a_body_declared_far_over_the_limit_is_not_read_at_all(small_limit: int) -> None:
    body, content_type = multipart_body(content=b"x" * (REFUSE_UNREAD_FACTOR * small_limit), file_name="rx.pdf")
    request, stream = _post(body, content_type)
    assert "file" not in request.FILES
    assert upload_too_large(request)
    assert stream.bytes_read == 0

"""Upload checks by content, stored-path safety and download names. No database."""

import pytest

from prescriptions.files import (
    JPEG,
    MSG_FILE_DAMAGED,
    MSG_FILE_EMPTY,
    MSG_FILE_MISSING,
    MSG_FILE_TYPE,
    MSG_IMAGE_TOO_MANY_PIXELS,
    PDF,
    PNG,
    FileRefused,
    clean_file_name,
    content_disposition,
    download_name,
    file_check,
    file_open,
    file_store,
    storage_name,
)
from tests.prescriptions.sample_files import (
    bomb_png,
    elf_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    png_header_on_garbage,
    text_bytes,
    upload,
    windows_exe_bytes,
)


def _refusal(content: bytes, name: str = "prescription.pdf") -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        file_check(upload(content, name))
    return caught.value


@pytest.mark.parametrize(("content", "file_type"), [(pdf_bytes(), PDF), (png_bytes(), PNG), (jpeg_bytes(), JPEG)])
def test_real_pdf_png_and_jpeg_are_accepted_whatever_their_name(content: bytes, file_type: object) -> None:
    assert file_check(upload(content, "scan.bin", "application/x-msdownload")) is file_type


def test_a_text_file_renamed_pdf_is_refused() -> None:
    refusal = _refusal(text_bytes(), "prescription.pdf")
    assert (refusal.status, refusal.message) == (400, MSG_FILE_TYPE)


@pytest.mark.parametrize("content", [elf_bytes(), windows_exe_bytes()])
def test_an_executable_renamed_pdf_or_png_is_refused(content: bytes) -> None:
    for name in ("prescription.pdf", "scan.png"):
        assert _refusal(content, name).message == MSG_FILE_TYPE


def test_a_png_header_on_garbage_is_refused() -> None:
    refusal = _refusal(png_header_on_garbage(), "scan.png")
    assert (refusal.status, refusal.message) == (400, MSG_FILE_DAMAGED.format(kind="PNG"))


def test_a_truncated_jpeg_is_refused() -> None:
    assert _refusal(jpeg_bytes()[:200], "x.jpg").message == MSG_FILE_DAMAGED.format(kind="JPEG")


def test_a_pdf_header_without_an_end_is_refused() -> None:
    assert _refusal(pdf_bytes()[:400]).message == MSG_FILE_DAMAGED.format(kind="PDF")


def test_a_decompression_bomb_png_is_refused_before_decoding() -> None:
    content = bomb_png()
    assert len(content) < 20_000  # tiny on disk, 100 megapixels when decoded
    refusal = _refusal(content, "scan.png")
    assert (refusal.status, refusal.message) == (400, MSG_IMAGE_TOO_MANY_PIXELS.format(megapixels="40"))


def test_the_pixel_cap_is_a_setting(settings: pytest.FixtureRequest) -> None:
    settings.PRESCRIPTION_MAX_IMAGE_PIXELS = 1000
    assert _refusal(png_bytes(), "scan.png").message == MSG_IMAGE_TOO_MANY_PIXELS.format(megapixels="0.001")
    settings.PRESCRIPTION_MAX_IMAGE_PIXELS = 1200
    assert file_check(upload(png_bytes(), "scan.png")) is PNG


def test_an_empty_file_is_refused() -> None:
    refusal = _refusal(b"")
    assert (refusal.status, refusal.message) == (400, MSG_FILE_EMPTY)


def test_no_file_is_refused() -> None:
    with pytest.raises(FileRefused) as caught:
        file_check(None)
    assert caught.value.message == MSG_FILE_MISSING


def test_a_file_over_the_limit_is_413(settings: pytest.FixtureRequest) -> None:
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    refusal = _refusal(pdf_bytes())
    assert refusal.status == 413
    assert refusal.message == "The file is larger than the 1000 bytes limit."
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = len(pdf_bytes())
    assert file_check(upload(pdf_bytes())) is PDF


def test_the_default_limit_is_10_mb() -> None:
    from django.conf import settings

    assert settings.PRESCRIPTION_MAX_UPLOAD_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("file_path", "name"),
    [
        ("/uploads/doctors/DOC001/prescription_20251006_143022.pdf", "doctors/DOC001/prescription_20251006_143022.pdf"),
        ("doctors/DOC001/x.pdf", "doctors/DOC001/x.pdf"),
        ("/uploads/../etc/passwd", None),
        ("/uploads/doctors/../../etc/passwd", None),
        ("doctors/DOC001/../../../etc/passwd", None),
        ("/etc/passwd", None),
        ("doctors\\..\\..\\secret", None),
        ("/uploads/static/x.pdf", None),
        ("doctors/x.pdf", None),
        ("doctors//x.pdf", None),
        ("", None),
    ],
)
def test_file_paths_map_under_the_media_root_or_nowhere(file_path: str, name: str | None) -> None:
    assert storage_name(file_path) == name


def test_stored_files_get_a_server_made_name_under_the_doctor(
    settings: pytest.FixtureRequest, filesystem_prescriptions: None
) -> None:
    evil = upload(pdf_bytes(), "../../../../etc/passwd")
    file_path = file_store(uploaded_file=evil, doctor_id="DOC/../../x", prescription_id="PRESC1", file_type=PDF)
    assert file_path.startswith("/uploads/doctors/DOC_______x/PRESC1-")
    assert file_path.endswith(".pdf")
    stored = settings.MEDIA_ROOT / storage_name(file_path)
    assert stored.read_bytes() == pdf_bytes()
    assert stored.resolve().is_relative_to(settings.MEDIA_ROOT.resolve() / "doctors")
    assert oct(stored.stat().st_mode & 0o777) == oct(0o600)


def test_two_stores_of_the_same_upload_never_collide() -> None:
    paths = {
        file_store(uploaded_file=upload(png_bytes()), doctor_id="DOC1", prescription_id="P1", file_type=PNG)
        for _ in range(3)
    }
    assert len(paths) == 3


def test_an_opened_file_reports_the_type_of_its_bytes() -> None:
    file_path = file_store(uploaded_file=upload(jpeg_bytes()), doctor_id="DOC1", prescription_id="P1", file_type=JPEG)
    handle, content_type, file_type = file_open(file_path)
    with handle:
        assert (content_type, file_type) == ("image/jpeg", JPEG)
    assert file_open("/uploads/doctors/DOC1/missing.pdf") is None
    assert file_open("/etc/passwd") is None


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\dr\\rx.pdf", "rx.pdf"),
        ("rx\x00\n\r.pdf", "rx.pdf"),
        ("..", ""),
        ("a" * 300 + ".pdf", "a" * 255),
    ],
)
def test_the_uploaded_name_is_kept_for_display_only(given: str, shown: str) -> None:
    assert clean_file_name(given) == shown


def test_the_download_name_carries_the_extension_of_the_content() -> None:
    assert download_name("rx.pdf", PDF, "PRESC1") == "rx.pdf"
    assert download_name("photo.JPEG", JPEG, "PRESC1") == "photo.JPEG"
    assert download_name("evil.html", PDF, "PRESC1") == "evil.html.pdf"
    assert download_name("", PNG, "PRESC1") == "PRESC1.png"
    assert download_name("legacy.docx", None, "PRESC1") == "legacy.docx"


def test_content_disposition_is_an_attachment_with_a_safe_ascii_and_an_rfc5987_name() -> None:
    header = content_disposition('Dr "Mehta" — नुस्खा; x.pdf')
    assert header.startswith("attachment; filename=\"Dr _Mehta_ _ x.pdf\"; filename*=UTF-8''")
    assert "\r" not in header and "\n" not in header
    assert header.endswith(
        "Dr%20%22Mehta%22%20%E2%80%94%20%E0%A4%A8%E0%A5%81%E0%A4%B8%E0%A5%8D%E0%A4%96%E0%A4%BE%3B%20x.pdf"
    )

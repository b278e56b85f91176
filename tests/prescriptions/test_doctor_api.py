"""Doctor API: upload with real files, own uploads, download and replace; everyone else 404."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentStatus
from doctors.models import Doctor
from prescriptions.files import (
    MSG_FILE_DAMAGED,
    MSG_FILE_EMPTY,
    MSG_FILE_MISSING,
    MSG_FILE_TYPE,
    MSG_IMAGE_TOO_MANY_PIXELS,
    storage_name,
)
from prescriptions.models import Prescription
from prescriptions.services import MSG_ALREADY_UPLOADED, MSG_NOT_PRESCRIBABLE
from tests.appointments.factories import AppointmentFactory
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DoctorFactory
from tests.prescriptions.sample_files import (
    bomb_png,
    elf_bytes,
    jpeg_bytes,
    multipart_body,
    pdf_bytes,
    png_bytes,
    png_header_on_garbage,
    text_bytes,
    upload,
)
from tests.users.factories import UserFactory
from users.tokens import member_tokens_issue

pytestmark = pytest.mark.django_db
Files = Callable[[], list[str]]


def _upload_url(appointment: Appointment, key: str | None = None) -> str:
    return f"/api/v1/doctor/appointments/{key or appointment.appointment_id}/prescription"


def _file_url(prescription_id: str) -> str:
    return f"/api/v1/doctor/prescriptions/{prescription_id}/file"


@pytest.fixture
def client(doctor: Doctor) -> APIClient:
    return doctor_api_client(doctor)


def _post(client: APIClient, appointment: Appointment, content: bytes, name: str = "rx.pdf", **fields: str) -> object:
    return client.post(_upload_url(appointment), {"file": upload(content, name), **fields}, format="multipart")


def test_doctor_uploads_a_pdf_and_gets_201_with_the_seed_fields(
    client: APIClient, appointment: Appointment, stored_files: Files
) -> None:
    response = _post(client, appointment, pdf_bytes(), diagnosis="URTI", notes="Rest for 3 days.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"PRESC\d{12}", body["prescriptionId"])
    assert body["appointmentId"] == str(appointment.pk)
    assert (body["doctorId"], body["userId"]) == (appointment.doctor_id, str(appointment.user_id))
    assert (body["fileName"], body["fileSize"]) == ("rx.pdf", len(pdf_bytes()))
    assert (body["diagnosis"], body["notes"], body["isActive"]) == ("URTI", "Rest for 3 days.", True)
    assert body["fileUrl"] == f"http://testserver{_file_url(body['prescriptionId'])}"
    assert "filePath" not in body
    appointment.refresh_from_db()
    assert appointment.has_prescription
    assert str(appointment.prescription_id) == body["_id"]
    assert len(stored_files()) == 1


@pytest.mark.parametrize(("content", "name"), [(png_bytes(), "scan.png"), (jpeg_bytes(), "photo.jpeg")])
def test_png_and_jpeg_uploads_are_accepted(
    client: APIClient, appointment: Appointment, content: bytes, name: str
) -> None:
    assert _post(client, appointment, content, name).status_code == 201


def test_the_appointment_can_be_named_by_its_object_id(client: APIClient, appointment: Appointment) -> None:
    response = client.post(
        _upload_url(appointment, str(appointment.pk)), {"file": upload(pdf_bytes())}, format="multipart"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (text_bytes(), "prescription.pdf", MSG_FILE_TYPE),
        (elf_bytes(), "prescription.pdf", MSG_FILE_TYPE),
        (png_header_on_garbage(), "scan.png", MSG_FILE_DAMAGED.format(kind="PNG")),
        (bomb_png(), "scan.png", MSG_IMAGE_TOO_MANY_PIXELS.format(megapixels="40")),
        (b"", "empty.pdf", MSG_FILE_EMPTY),
    ],
    ids=["text-renamed-pdf", "elf-renamed-pdf", "png-header-on-garbage", "decompression-bomb", "empty"],
)
def test_bad_files_are_400_with_the_reason_and_nothing_is_stored(
    client: APIClient, appointment: Appointment, stored_files: Files, content: bytes, name: str, message: str
) -> None:
    response = _post(client, appointment, content, name)
    assert (response.status_code, response.json()) == (400, {"file": [message]})
    assert stored_files() == []
    assert not Prescription.objects.exists()


def test_no_file_is_400(client: APIClient, appointment: Appointment) -> None:
    response = client.post(_upload_url(appointment), {"diagnosis": "x"}, format="multipart")
    assert (response.status_code, response.json()) == (400, {"file": [MSG_FILE_MISSING]})


def test_a_file_over_the_limit_is_413(
    client: APIClient, appointment: Appointment, stored_files: Files, settings: pytest.FixtureRequest
) -> None:
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    response = _post(client, appointment, pdf_bytes())  # 1.5 KB
    assert (response.status_code, response.json()) == (413, {"detail": "The file is larger than the 1000 bytes limit."})
    assert stored_files() == []


def test_a_body_far_over_the_limit_is_413_without_being_read(
    client: APIClient, appointment: Appointment, settings: pytest.FixtureRequest
) -> None:
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    response = _post(client, appointment, b"%PDF-1.4\n" + b"0" * 400_000)
    assert response.status_code == 413


def test_the_default_limit_answers_413_for_an_11_mb_pdf(client: APIClient, appointment: Appointment) -> None:
    big = pdf_bytes()[:-6] + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n"
    response = _post(client, appointment, big)
    assert (response.status_code, response.json()) == (413, {"detail": "The file is larger than the 10 MB limit."})


def test_a_name_full_of_dot_dots_and_odd_characters_cannot_escape_or_collide(
    client: APIClient, appointment: Appointment, settings: pytest.FixtureRequest, stored_files: Files
) -> None:
    body, content_type = multipart_body(
        content=pdf_bytes(), file_name="../../../../etc/passwd/..\\..\\x; <b>rx</b>\u202e\tfdp.exe.pdf"
    )
    response = client.generic("POST", _upload_url(appointment), body, content_type=content_type)
    assert response.status_code == 201, response.content
    stored = Prescription.objects.get()
    assert stored.file_name == "b>fdp.exe.pdf"  # path parts and unprintable characters gone, kept for display
    assert re.fullmatch(
        rf"/uploads/doctors/{appointment.doctor_id}/{stored.prescription_id}-[0-9a-f]{{32}}\.pdf", stored.file_path
    )
    assert stored_files() == [storage_name(stored.file_path)]
    assert not (Path(settings.MEDIA_ROOT).parent / "etc").exists()
    download = client.get(_file_url(stored.prescription_id))
    assert download["Content-Disposition"] == (
        "attachment; filename=\"b_fdp.exe.pdf\"; filename*=UTF-8''b%3Efdp.exe.pdf"
    )


def test_a_second_upload_is_409(client: APIClient, appointment: Appointment, stored_files: Files) -> None:
    assert _post(client, appointment, pdf_bytes()).status_code == 201
    response = _post(client, appointment, png_bytes(), "again.png")
    assert (response.status_code, response.json()) == (409, {"detail": MSG_ALREADY_UPLOADED})
    assert len(stored_files()) == 1


@pytest.mark.parametrize("status", [AppointmentStatus.PENDING_CONFIRMATION, AppointmentStatus.CANCELLED])
def test_unconfirmed_or_cancelled_appointments_are_409(client: APIClient, doctor: Doctor, status: str) -> None:
    response = _post(client, AppointmentFactory(doctor=doctor, status=status), pdf_bytes())
    assert (response.status_code, response.json()) == (409, {"detail": MSG_NOT_PRESCRIBABLE})


def test_doctor_lists_own_uploads_only(client: APIClient, appointment: Appointment, doctor: Doctor) -> None:
    mine = _post(client, appointment, pdf_bytes()).json()
    other_doctor = DoctorFactory()
    doctor_api_client(other_doctor).post(
        _upload_url(AppointmentFactory(doctor=other_doctor)), {"file": upload(pdf_bytes())}, format="multipart"
    )
    body = client.get("/api/v1/doctor/prescriptions").json()
    assert [item["prescriptionId"] for item in body["results"]] == [mine["prescriptionId"]]


def test_doctor_downloads_and_replaces_own_file(
    client: APIClient, appointment: Appointment, stored_files: Files
) -> None:
    created = _post(client, appointment, pdf_bytes()).json()
    download = client.get(_file_url(created["prescriptionId"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert download["Content-Type"] == "application/pdf"

    replaced = client.put(
        _file_url(created["prescriptionId"]), {"file": upload(png_bytes(), "clear-scan.png")}, format="multipart"
    )
    assert replaced.status_code == 200
    assert (replaced.json()["fileName"], replaced.json()["fileSize"]) == ("clear-scan.png", len(png_bytes()))
    assert stored_files() == [storage_name(Prescription.objects.get().file_path)]
    assert client.get(_file_url(created["prescriptionId"]))["Content-Type"] == "image/png"


def test_a_bad_replacement_is_400_and_keeps_the_old_file(
    client: APIClient, appointment: Appointment, stored_files: Files
) -> None:
    created = _post(client, appointment, pdf_bytes()).json()
    before = stored_files()
    response = client.put(_file_url(created["prescriptionId"]), {"file": upload(text_bytes())}, format="multipart")
    assert (response.status_code, response.json()) == (400, {"file": [MSG_FILE_TYPE]})
    assert stored_files() == before


def test_uploads_without_the_csrf_token_are_refused(doctor: Doctor, appointment: Appointment) -> None:
    client = doctor_api_client(doctor)
    client.credentials()  # drops X-CSRFToken
    response = _post(client, appointment, pdf_bytes())
    assert response.status_code == 403
    assert not Prescription.objects.exists()


# --- Nobody else ------------------------------------------------------------------------------------------


@pytest.fixture
def uploaded(client: APIClient, appointment: Appointment) -> dict:
    return _post(client, appointment, pdf_bytes()).json()


def test_another_doctor_gets_404_on_every_doctor_route(uploaded: dict, appointment: Appointment) -> None:
    other = doctor_api_client(DoctorFactory())
    for key in (uploaded["prescriptionId"], uploaded["_id"]):
        assert other.get(_file_url(key)).status_code == 404
        assert other.put(_file_url(key), {"file": upload(png_bytes())}, format="multipart").status_code == 404
    fresh = AppointmentFactory(doctor=appointment.doctor)
    for target in (fresh, appointment):
        for key in (target.appointment_id, str(target.pk)):
            response = other.post(_upload_url(target, key), {"file": upload(pdf_bytes())}, format="multipart")
            assert response.status_code == 404
    assert other.get("/api/v1/doctor/prescriptions").json()["count"] == 0
    assert Prescription.objects.count() == 1


def test_members_and_anonymous_clients_cannot_use_the_doctor_routes(uploaded: dict, appointment: Appointment) -> None:
    member = APIClient()
    member.credentials(HTTP_AUTHORIZATION=f"Bearer {member_tokens_issue(user=appointment.user).access}")
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {member_tokens_issue(user=UserFactory()).access}")
    anonymous = APIClient()
    fresh = AppointmentFactory(doctor=appointment.doctor)
    for client, expected in ((member, 403), (stranger, 403), (anonymous, 401)):
        assert client.get(_file_url(uploaded["prescriptionId"])).status_code == expected
        assert client.get("/api/v1/doctor/prescriptions").status_code == expected
        response = client.post(_upload_url(fresh), {"file": upload(pdf_bytes())}, format="multipart")
        assert response.status_code == expected
    assert Prescription.objects.count() == 1


def test_a_second_member_and_anonymous_get_404_or_401_on_the_member_routes(uploaded: dict) -> None:
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {member_tokens_issue(user=UserFactory()).access}")
    assert stranger.get(f"/api/v1/prescriptions/{uploaded['prescriptionId']}/file").status_code == 404
    assert APIClient().get(f"/api/v1/prescriptions/{uploaded['prescriptionId']}/file").status_code == 401
    doctor_cookie = doctor_api_client(DoctorFactory())
    assert doctor_cookie.get(f"/api/v1/prescriptions/{uploaded['prescriptionId']}/file").status_code == 401

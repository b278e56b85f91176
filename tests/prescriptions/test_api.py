"""Member prescription API: own active prescriptions only; everyone else 404 (401 without a token)."""

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment
from doctors.models import Doctor
from prescriptions.models import Prescription
from prescriptions.services import prescription_deactivate, prescription_upload
from tests.appointments.factories import AppointmentFactory
from tests.prescriptions.factories import PrescriptionFactory
from tests.prescriptions.sample_files import jpeg_bytes, pdf_bytes, upload
from tests.users.factories import StaffFactory, UserFactory
from users.models import Role, User
from users.tokens import member_tokens_issue

pytestmark = pytest.mark.django_db


def bearer(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {member_tokens_issue(user=user).access}")
    return client


@pytest.fixture
def prescription(doctor: Doctor, appointment: Appointment) -> Prescription:
    return prescription_upload(
        doctor=doctor,
        appointment=appointment,
        uploaded_file=upload(pdf_bytes(), "Rx Mehta.pdf"),
        diagnosis="URTI",
        notes="Rest.",
    )


def _file_url(prescription: Prescription, key: str | None = None) -> str:
    return f"/api/v1/prescriptions/{key or prescription.prescription_id}/file"


def test_member_lists_own_prescriptions_in_seed_names_without_the_server_path(prescription: Prescription) -> None:
    PrescriptionFactory()  # someone else's
    response = bearer(prescription.user).get("/api/v1/prescriptions")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item == {
        "_id": str(prescription.pk),
        "prescriptionId": prescription.prescription_id,
        "appointmentId": str(prescription.appointment_id),
        "doctorId": prescription.doctor_id,
        "doctorName": prescription.doctor_name,
        "userId": str(prescription.user_id),
        "patientName": prescription.patient_name,
        "fileName": "Rx Mehta.pdf",
        "fileSize": len(pdf_bytes()),
        "fileUrl": f"http://testserver{_file_url(prescription)}",
        "uploadDate": item["uploadDate"],
        "diagnosis": "URTI",
        "notes": "Rest.",
        "isActive": True,
        "createdAt": item["createdAt"],
        "updatedAt": item["updatedAt"],
    }
    assert "filePath" not in item


def test_member_list_is_paginated_newest_first() -> None:
    member = UserFactory()
    made = [PrescriptionFactory(appointment=AppointmentFactory(user=member)) for _ in range(3)]
    response = bearer(member).get("/api/v1/prescriptions", {"page_size": 2})
    body = response.json()
    assert body["count"] == 3
    assert body["next"] is not None
    expected = [p.prescription_id for p in sorted(made, key=lambda p: p.upload_date, reverse=True)[:2]]
    assert [item["prescriptionId"] for item in body["results"]] == expected


def test_member_downloads_own_file_as_an_attachment(prescription: Prescription) -> None:
    response = bearer(prescription.user).get(_file_url(prescription))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ("attachment; filename=\"Rx Mehta.pdf\"; filename*=UTF-8''Rx%20Mehta.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(pdf_bytes()))


def test_the_file_can_be_addressed_by_its_object_id(prescription: Prescription) -> None:
    assert bearer(prescription.user).get(_file_url(prescription, str(prescription.pk))).status_code == 200


def test_a_client_asking_for_pdf_gets_the_file(prescription: Prescription) -> None:
    response = bearer(prescription.user).get(_file_url(prescription), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200


def test_the_content_type_comes_from_the_bytes_not_the_name(doctor: Doctor, appointment: Appointment) -> None:
    prescription = prescription_upload(
        doctor=doctor, appointment=appointment, uploaded_file=upload(jpeg_bytes(), "page.html")
    )
    response = bearer(prescription.user).get(_file_url(prescription))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith('attachment; filename="page.html.jpg"')


def test_another_member_gets_404_for_the_list_entry_and_the_file(prescription: Prescription) -> None:
    other = bearer(UserFactory())
    assert other.get("/api/v1/prescriptions").json()["count"] == 0
    for key in (prescription.prescription_id, str(prescription.pk)):
        response = other.get(_file_url(prescription, key))
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_anonymous_clients_get_401(prescription: Prescription) -> None:
    assert APIClient().get("/api/v1/prescriptions").status_code == 401
    assert APIClient().get(_file_url(prescription)).status_code == 401


def test_staff_tokens_are_the_wrong_role_for_the_member_api(prescription: Prescription) -> None:
    assert bearer(StaffFactory(role=Role.ADMIN)).get(_file_url(prescription)).status_code == 403


def test_a_deactivated_prescription_is_hidden_from_the_member(prescription: Prescription) -> None:
    prescription_deactivate(prescription=prescription)
    client = bearer(prescription.user)
    assert client.get("/api/v1/prescriptions").json()["count"] == 0
    assert client.get(_file_url(prescription)).status_code == 404


def test_an_unknown_prescription_is_404(prescription: Prescription) -> None:
    assert bearer(prescription.user).get(_file_url(prescription, "PRESC000")).status_code == 404


def test_a_seed_document_with_an_uploads_path_downloads(settings: pytest.FixtureRequest) -> None:
    from pathlib import Path

    prescription = PrescriptionFactory(
        file_name="prescription_20251006_143022.pdf",
        file_path="/uploads/doctors/DOC001/prescription_20251006_143022.pdf",
    )
    target = Path(settings.MEDIA_ROOT) / "doctors/DOC001/prescription_20251006_143022.pdf"
    target.parent.mkdir(parents=True)
    target.write_bytes(pdf_bytes())
    response = bearer(prescription.user).get(_file_url(prescription))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()


@pytest.mark.parametrize("file_path", ["/etc/passwd", "/uploads/../../etc/passwd", "/uploads/doctors/DOC001/none.pdf"])
def test_a_document_pointing_outside_the_media_root_or_at_nothing_is_404(file_path: str) -> None:
    prescription = PrescriptionFactory(file_path=file_path)
    assert bearer(prescription.user).get(_file_url(prescription)).status_code == 404

"""Each audited action writes exactly one entry (issue 16); members read which roles accessed their records."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentStatus
from audit.models import AuditEntry
from doctors.models import Doctor, DoctorSlot
from prescriptions.models import Prescription
from prescriptions.services import prescription_upload
from tests.admin_forms import admin_url, staff_client, submit_change
from tests.appointments.factories import AppointmentFactory
from tests.doctors.clients import doctor_api_client, doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.member_api import member_client
from tests.prescriptions.sample_files import pdf_bytes, upload
from tests.users.factories import UserFactory
from users.models import Role, User

pytestmark = pytest.mark.django_db

ACCESS_LOG_URL = "/api/v1/me/access-log"


@pytest.fixture
def prescription() -> Prescription:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor)
    return prescription_upload(
        doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes(), "rx.pdf"), diagnosis="", notes=""
    )


def _only_entry(**expected: object) -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, [str(entry) for entry in entries]
    for name, value in expected.items():
        assert getattr(entries[0], name) == value, name
    return entries[0]


def _drain(response: object) -> None:
    b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_a_member_download_of_a_prescription_writes_one_entry(prescription: Prescription) -> None:
    response = member_client(prescription.user).get(f"/api/v1/prescriptions/{prescription.prescription_id}/file")
    assert response.status_code == 200
    _drain(response)
    _only_entry(
        role="MEMBER",
        action="download",
        target_type="prescription",
        target_id=prescription.prescription_id,
        subject_id=str(prescription.user_id),
    )


def test_a_doctor_api_download_writes_one_entry(prescription: Prescription) -> None:
    client = doctor_api_client(prescription.doctor)
    response = client.get(f"/api/v1/doctor/prescriptions/{prescription.prescription_id}/file")
    assert response.status_code == 200
    _drain(response)
    _only_entry(role="DOCTOR", action="download", actor_id=str(prescription.doctor.pk))


def test_a_portal_download_writes_one_entry(prescription: Prescription) -> None:
    response = doctor_portal_client(prescription.doctor).get(
        f"/portal/prescriptions/{prescription.prescription_id}/file"
    )
    assert response.status_code == 200
    _drain(response)
    _only_entry(role="DOCTOR", action="download")


def test_a_staff_view_and_download_of_a_prescription_write_one_entry_each(
    client: Client, prescription: Prescription
) -> None:
    staff = staff_client(client, Role.OPERATIONS)
    assert staff.get(admin_url(Prescription, "change", prescription.pk)).status_code == 200
    _only_entry(role="OPERATIONS", action="view", target_type="prescription")
    response = staff.get(admin_url(Prescription, "file", prescription.pk))
    assert response.status_code == 200
    _drain(response)
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("at")) == ["view", "download"]


def test_a_staff_read_of_an_appointment_writes_one_entry(client: Client) -> None:
    appointment = AppointmentFactory()
    staff = staff_client(client, Role.OPERATIONS)
    assert staff.get(admin_url(Appointment, "change", appointment.pk)).status_code == 200
    _only_entry(
        role="OPERATIONS",
        action="view",
        target_type="appointment",
        target_id=appointment.appointment_id,
        subject_id=str(appointment.user_id),
    )
    assert staff.get(admin_url(Appointment)).status_code == 200  # the list shows no details: not a read
    assert AuditEntry.objects.count() == 1


def test_a_staff_confirm_writes_one_entry(client: Client) -> None:
    appointment = AppointmentFactory(status=AppointmentStatus.PENDING_CONFIRMATION)
    staff = staff_client(client, Role.OPERATIONS)
    response = staff.post(
        admin_url(Appointment), {"action": "appointment_confirm", "_selected_action": [appointment.pk]}
    )
    assert response.status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CONFIRMED
    _only_entry(role="OPERATIONS", action="confirm", target_id=appointment.appointment_id)


def test_a_staff_change_to_a_doctor_writes_one_entry(client: Client) -> None:
    doctor = DoctorFactory()
    staff = staff_client(client, Role.ADMIN)
    assert submit_change(staff, admin_url(Doctor, "change", doctor.pk), name="Dr. Renamed").status_code == 302
    entries = list(AuditEntry.objects.exclude(action="view"))
    assert [(e.action, e.target_type, e.target_id) for e in entries] == [("change", "doctor", doctor.doctor_id)]
    assert entries[0].details == {"fields": ["Name"]}  # which fields, never their values


def test_a_staff_delete_of_a_slot_writes_one_entry(client: Client) -> None:
    slot = DoctorSlotFactory()
    staff = staff_client(client, Role.ADMIN)
    assert staff.post(admin_url(DoctorSlot, "delete", slot.pk), {"post": "yes"}).status_code == 302
    _only_entry(role="ADMIN", action="delete", target_type="slot", target_id=str(slot.pk))


def test_a_staff_added_user_writes_one_entry(client: Client) -> None:
    staff = staff_client(client, Role.ADMIN)
    form = {"email": "new@example.com", "name": "New", "role": "MEMBER", "is_active": "on", "member_id": "USR9"}
    assert staff.post(admin_url(User, "add"), {**form, "phone": "", "new_password": ""}).status_code == 302
    user = User.objects.get(email="new@example.com")
    _only_entry(action="add", target_type="user", target_id="new@example.com", subject_id=str(user.pk))


def test_members_see_which_roles_accessed_their_records_not_who(client: Client, prescription: Prescription) -> None:
    staff = staff_client(client, Role.OPERATIONS)
    staff.get(admin_url(Prescription, "change", prescription.pk))
    _drain(
        doctor_api_client(prescription.doctor).get(f"/api/v1/doctor/prescriptions/{prescription.prescription_id}/file")
    )
    response = member_client(prescription.user).get(ACCESS_LOG_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(row["role"], row["action"], row["recordType"]) for row in body["results"]] == [
        ("DOCTOR", "download", "prescription"),
        ("OPERATIONS", "view", "prescription"),
    ]
    assert all(set(row) == {"role", "action", "recordType", "recordId", "at"} for row in body["results"])
    assert "staff" not in response.content.decode()  # no staff email or name
    assert member_client(UserFactory()).get(ACCESS_LOG_URL).json()["count"] == 0


def test_the_access_log_is_read_only_and_for_members_only(prescription: Prescription) -> None:
    member = member_client(prescription.user)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(member, method)(ACCESS_LOG_URL, {}, format="json").status_code == 405
    assert APIClient().get(ACCESS_LOG_URL).status_code == 401
    assert doctor_api_client(prescription.doctor).get(ACCESS_LOG_URL).status_code == 401  # Bearer only


def test_each_prescription_on_a_list_page_is_one_view_entry(prescription: Prescription) -> None:
    assert member_client(prescription.user).get("/api/v1/prescriptions").status_code == 200
    _only_entry(role="MEMBER", action="view", target_id=prescription.prescription_id)
    assert doctor_api_client(prescription.doctor).get("/api/v1/doctor/prescriptions").status_code == 200
    assert doctor_portal_client(prescription.doctor).get("/portal/prescriptions/").status_code == 200
    rows = list(AuditEntry.objects.order_by("at").values_list("role", "action", "target_id"))
    assert (
        rows
        == [("MEMBER", "view", prescription.prescription_id)] + [("DOCTOR", "view", prescription.prescription_id)] * 2
    )
    assert member_client(UserFactory()).get("/api/v1/prescriptions").status_code == 200  # an empty page: nothing
    assert AuditEntry.objects.count() == 3

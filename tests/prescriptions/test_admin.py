"""Staff see and download every prescription from the admin and deactivate through the service."""

import pytest
from django.test import Client
from django.urls import reverse

from prescriptions.models import Prescription
from prescriptions.services import prescription_upload
from tests.prescriptions.factories import PrescriptionFactory
from tests.prescriptions.sample_files import pdf_bytes, upload
from tests.users.factories import StaffFactory, UserFactory
from users.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def prescription(doctor: object, appointment: object) -> Prescription:
    return prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes(), "rx.pdf"))


def _staff_client(role: str) -> Client:
    client = Client()
    client.force_login(StaffFactory(role=role))
    return client


def _file_url(prescription: Prescription) -> str:
    return reverse("admin:prescriptions_prescription_file", args=[prescription.pk])


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATIONS])
def test_staff_download_any_prescription_from_its_change_page(prescription: Prescription, role: str) -> None:
    client = _staff_client(role)
    page = client.get(reverse("admin:prescriptions_prescription_change", args=[prescription.pk]))
    assert page.status_code == 200
    assert _file_url(prescription) in page.content.decode()

    response = client.get(_file_url(prescription))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="rx.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_download_a_deactivated_prescription_too() -> None:
    prescription = PrescriptionFactory(is_active=False, file_path="/uploads/doctors/DOC1/none.pdf")
    # The document is visible; its (missing) file is a 404, never a 500.
    assert _staff_client(Role.ADMIN).get(_file_url(prescription)).status_code == 404


def test_anyone_but_staff_gets_404_from_the_admin_download(prescription: Prescription) -> None:
    assert Client().get(_file_url(prescription)).status_code == 404
    member = Client()
    member.force_login(UserFactory())
    assert member.get(_file_url(prescription)).status_code == 404


def test_an_unknown_prescription_is_404_for_staff_too(prescription: Prescription) -> None:
    response = _staff_client(Role.ADMIN).get(
        reverse("admin:prescriptions_prescription_file", args=["6b04db7ff121079616e8dcd9"])
    )
    assert response.status_code == 404


def test_admin_deactivates_and_reactivates_from_the_changelist(prescription: Prescription) -> None:
    client = _staff_client(Role.ADMIN)
    url = reverse("admin:prescriptions_prescription_changelist")
    response = client.post(url, {"action": "deactivate", "_selected_action": [str(prescription.pk)]}, follow=True)
    assert "1 prescription(s) deactivated." in response.content.decode()
    assert not Prescription.objects.get(pk=prescription.pk).is_active
    client.post(url, {"action": "reactivate", "_selected_action": [str(prescription.pk)]})
    assert Prescription.objects.get(pk=prescription.pk).is_active


def test_operations_cannot_deactivate_a_prescription(prescription: Prescription) -> None:
    """Issue 16, point 7: operations staff view prescriptions and change nothing clinical."""
    client = _staff_client(Role.OPERATIONS)
    url = reverse("admin:prescriptions_prescription_changelist")
    assert "deactivate" not in client.get(url).content.decode()
    client.post(url, {"action": "deactivate", "_selected_action": [str(prescription.pk)]})
    assert Prescription.objects.get(pk=prescription.pk).is_active


def test_staff_cannot_add_edit_or_delete_prescriptions_in_the_admin(prescription: Prescription) -> None:
    client = _staff_client(Role.ADMIN)
    assert client.get(reverse("admin:prescriptions_prescription_add")).status_code == 403
    assert client.get(reverse("admin:prescriptions_prescription_delete", args=[prescription.pk])).status_code == 403
    change_url = reverse("admin:prescriptions_prescription_change", args=[prescription.pk])
    assert 'name="_save"' not in client.get(change_url).content.decode()
    before = Prescription.objects.get(pk=prescription.pk)
    # A posted change form writes nothing (a whole-document save could race a doctor's file replacement).
    client.post(change_url, {"diagnosis": "edited", "is_active": "", "_save": "Save"})
    stored = Prescription.objects.get(pk=prescription.pk)
    assert (stored.diagnosis, stored.is_active, stored.updated_at) == (None, True, before.updated_at)

"""Guard tests: every admin changelist, add page and change page loads for ADMIN; OPERATIONS' rights."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from appointments.models import Appointment
from consultations.models import VideoConsultation
from doctors.models import ScheduleException
from notifications.models import Notification
from notifications.services import notify_booked
from prescriptions.models import Prescription
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorSlotFactory
from tests.prescriptions.factories import PrescriptionFactory
from tests.users.factories import StaffFactory
from users.models import Role

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label not in ("auth", "audit")]
# Added by their owners only, never through the admin (prescriptions: doctors upload them; appointments:
# members book them through the API; consultations: doctors start them).
# notifications: written by the appointment events, read-only in the admin.
NO_ADD_PAGE = {Prescription, Appointment, VideoConsultation, Notification}
OPERATIONS_ADD = {ScheduleException}  # a doctor's time off and extra hours (users/roles.py)


@pytest.fixture
def populated() -> None:
    slot = DoctorSlotFactory()
    ScheduleException.objects.create(
        doctor=slot.doctor,
        kind="TIME_OFF",
        start_date="2031-01-07",
        end_date="2031-01-07",
        reason="Conference",
        created_by_role="DOCTOR",
        created_by_id=slot.doctor.doctor_id,
    )
    PrescriptionFactory()
    VideoConsultationFactory()
    notify_booked(appointment=Appointment.objects.first())  # the booking's notifications


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(StaffFactory(role=Role.ADMIN))
    return client


@pytest.fixture
def operations_client(client: Client) -> Client:
    client.force_login(StaffFactory(role=Role.OPERATIONS))
    return client


def _url(model: type, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_changelist_add_and_change_page_loads_for_admin(admin_client: Client, populated: None) -> None:
    for model in MODELS:
        assert admin_client.get(_url(model, "changelist")).status_code == 200, model
        assert admin_client.get(_url(model, "changelist"), {"q": "x"}).status_code == 200, model
        assert admin_client.get(_url(model, "add")).status_code == (403 if model in NO_ADD_PAGE else 200), model
        obj = model.objects.first()
        assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200, model


def test_operations_can_view_everything_but_add_nothing(operations_client: Client, populated: None) -> None:
    for model in MODELS:
        assert operations_client.get(_url(model, "changelist")).status_code == 200, model
        assert operations_client.get(_url(model, "add")).status_code == (200 if model in OPERATIONS_ADD else 403), model


def test_members_cannot_enter_the_admin(client: Client) -> None:
    from tests.users.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

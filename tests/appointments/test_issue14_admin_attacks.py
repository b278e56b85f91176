"""The admin's time off and extra hours when the world changes between the form's check and the save: a
booking lands inside the time off, or other extra hours are saved at the same moment. The service refuses at
the save; the admin must show that refusal (no 500, no "added successfully") and write nothing."""

from typing import Any

import pytest
from django.test import Client

from appointments import time_off_admin
from appointments.models import Appointment
from appointments.services.booking import appointment_book
from doctors.models import DoctorSlot, ScheduleException
from tests.admin_forms import admin_url, staff_client
from tests.appointments.conftest import TUESDAY
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.users.factories import UserFactory
from users.models import Role

pytestmark = pytest.mark.django_db

ADD = admin_url(ScheduleException, "add")


@pytest.fixture
def slot() -> DoctorSlot:
    return DoctorSlotFactory(doctor=DoctorFactory(), day_of_week="Tuesday")


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_booking_inside_the_time_off_between_check_and_save_is_shown_not_a_500(
    client: Client, slot: DoctorSlot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time_off_admin, "time_off_affected", lambda *, time_off: [])  # the form checked first
    appointment_book(
        user=UserFactory(),
        doctor_id=slot.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=TUESDAY,
        time_slot="10:00 AM",
        clinic_id=slot.clinic_id,
    )
    staff = staff_client(Client(raise_request_exception=False), Role.OPERATIONS)
    data = {"doctor": slot.doctor_id, "kind": "TIME_OFF", "start_date": TUESDAY, "end_date": TUESDAY, "reason": "Leave"}
    response = staff.post(ADD, data, follow=True)
    assert response.status_code == 200
    assert any("fall inside this time off" in text for text in _messages(response)), _messages(response)
    assert not ScheduleException.objects.exists()
    assert Appointment.objects.get().status == "CONFIRMED"


def test_other_extra_hours_saved_between_check_and_save_are_shown_not_a_500(
    client: Client, slot: DoctorSlot, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = staff_client(Client(raise_request_exception=False), Role.ADMIN)
    data = {
        "doctor": slot.doctor_id,
        "kind": "EXTRA_HOURS",
        "start_date": TUESDAY,
        "clinic_id": slot.clinic_id,
        "start_time": "17:00",
        "end_time": "18:00",
        "slot_duration": "30",
        "max_patients": "1",
        "consultation_fee": "800",
        "consultation_type": "IN_CLINIC",
        "reason": "",
    }
    assert staff.post(ADD, data).status_code == 302
    monkeypatch.setattr(time_off_admin, "extra_hours_check", lambda **kwargs: None)  # the form checked first
    response = staff.post(ADD, data, follow=True)
    assert response.status_code == 200
    assert any("overlap" in text for text in _messages(response)), _messages(response)
    assert ScheduleException.objects.count() == 1

"""Staff record time off and extra hours in the admin, through the same services (appointments/time_off_admin.py)."""

import pytest
from django.test import Client

from appointments.models import Actor, Appointment
from doctors.models import DoctorSlot, ScheduleException
from tests.admin_forms import admin_url, staff_client
from tests.appointments.conftest import TUESDAY
from tests.appointments.factories import AppointmentFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from users.models import Role

pytestmark = pytest.mark.django_db

ADD = admin_url(ScheduleException, "add")


@pytest.fixture
def slot() -> DoctorSlot:
    return DoctorSlotFactory(doctor=DoctorFactory(doctor_id="DOC001"), day_of_week="Tuesday")


def time_off(slot: DoctorSlot, **more: str) -> dict:
    return {
        "doctor": slot.doctor_id,
        "kind": "TIME_OFF",
        "start_date": TUESDAY,
        "end_date": TUESDAY,
        "reason": "Conference",
        **more,
    }


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATIONS])
def test_staff_add_time_off_through_the_service(client: Client, slot: DoctorSlot, role: str) -> None:
    staff = staff_client(client, role)
    assert staff.get(ADD).status_code == 200
    response = staff.post(ADD, time_off(slot))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = ScheduleException.objects.get()
    assert (saved.kind, saved.created_by_role, saved.doctor_id) == ("TIME_OFF", "STAFF", "DOC001")


def test_covered_appointments_make_the_choice_required_and_are_listed(client: Client, slot: DoctorSlot) -> None:
    appointment = AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="10:00 AM")
    staff = staff_client(client, Role.OPERATIONS)
    refused = staff.post(ADD, time_off(slot))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "1 booked appointment(s) fall inside" in page
    assert appointment.appointment_number in page
    assert not ScheduleException.objects.exists()
    assert staff.post(ADD, time_off(slot, affected_appointments="cancel")).status_code == 302
    cancelled = Appointment.objects.get(pk=appointment.pk)
    assert (cancelled.status, cancelled.cancelled_by) == ("CANCELLED", Actor.STAFF)


def test_bad_time_off_is_shown_on_the_form(client: Client, slot: DoctorSlot) -> None:
    staff = staff_client(client)
    refused = staff.post(ADD, time_off(slot, end_date="2031-01-06"))
    assert refused.status_code == 200
    assert "The end date must be on or after the start date." in refused.content.decode()


def test_staff_add_extra_hours_and_delete_them(client: Client, slot: DoctorSlot) -> None:
    staff = staff_client(client, Role.OPERATIONS)
    fields = {
        "doctor": slot.doctor_id,
        "kind": "EXTRA_HOURS",
        "start_date": "2031-01-08",
        "clinic_id": slot.clinic_id,
        "start_time": "17:00",
        "end_time": "18:00",
        "slot_duration": "30",
        "max_patients": "1",
        "consultation_fee": "800",
        "consultation_type": "IN_CLINIC",
    }
    response = staff.post(ADD, fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    extra = ScheduleException.objects.get()
    assert (extra.end_date, extra.created_by_role) == ("2031-01-08", "STAFF")
    assert staff.get(admin_url(ScheduleException)).status_code == 200
    assert staff.get(admin_url(ScheduleException, "change", extra.pk)).status_code == 200  # view only
    assert staff.post(admin_url(ScheduleException, "delete", extra.pk), {"post": "yes"}).status_code == 302
    assert not ScheduleException.objects.exists()


def test_the_doctor_picker_searches_doctors(client: Client, slot: DoctorSlot) -> None:
    staff = staff_client(client, Role.OPERATIONS)
    params = {"app_label": "doctors", "model_name": "scheduleexception", "field_name": "doctor", "term": "DOC001"}
    answer = staff.get("/admin/autocomplete/", params)
    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["results"]] == ["DOC001"]

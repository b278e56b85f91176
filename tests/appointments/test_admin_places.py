"""The admin cannot break the places: who/when/where/status are read-only, a move goes through the places
service, and a save writes only the fields changed, guarded by the values the form showed."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from appointments.admin import MSG_CHANGED_MEANWHILE
from appointments.models import Appointment
from appointments.services.booking import MSG_SLOT_FULL
from tests.appointments.conftest import MONDAY
from tests.appointments.raw import holders
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import StaffFactory, UserFactory
from users.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

BOOK = "/api/v1/appointments"


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(StaffFactory(role=Role.ADMIN))
    return client


def _book(slot, time_slot: str, user=None) -> Appointment:
    response = member_client(user or UserFactory()).post(
        BOOK,
        {
            "doctorId": slot.doctor_id,
            "appointmentType": "IN_CLINIC",
            "appointmentDate": MONDAY,
            "timeSlot": time_slot,
            "clinicId": slot.clinic_id,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Appointment.objects.get(appointment_id=response.json()["appointmentId"])


def _change_url(appointment: Appointment) -> str:
    return reverse("admin:appointments_appointment_change", args=[appointment.pk])


def _form(client: Client, appointment: Appointment, **changes: str) -> dict:
    """Every field of the appointment as the admin's change form would post it (the hidden initial values
    the page rendered included), with `changes` applied."""
    page = client.get(_change_url(appointment)).content.decode()
    data = {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="(initial-[a-z_]+)" value="([^"]*)"', page)
    }
    for field in Appointment._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(appointment, field.attname)
        if value is None or (isinstance(value, bool) and not value):
            continue
        data[field.name] = "on" if value is True else str(value)
    data.update(changes)
    data["_save"] = "Save"
    return data


def _live_at(slot, time_slot: str) -> int:
    return len(holders(doctor_id=slot.doctor_id, day=MONDAY, time_slot=time_slot))


def test_an_admin_edit_of_the_date_or_time_moves_nothing(admin_client: Client) -> None:
    """Posting another time (into a full one) through the change form: the time is read-only, so the
    appointment stays where it is and no place is left without its appointment."""
    slot = DoctorSlotFactory(max_patients=1, start_time="09:00", end_time="10:00")
    first = _book(slot, "09:00 AM")
    _book(slot, "09:30 AM")

    admin_client.post(_change_url(first), _form(admin_client, first, time_slot="09:30 AM", amount_paid="100"))

    first.refresh_from_db()
    assert (first.time_slot, first.amount_paid) == ("09:00 AM", 100)
    assert (_live_at(slot, "09:00 AM"), _live_at(slot, "09:30 AM")) == (1, 1)
    times = member_client(UserFactory()).get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": MONDAY})
    assert times.json()["slots"] == []


def test_the_admin_move_action_refuses_a_full_time_and_moves_into_a_free_one(admin_client: Client) -> None:
    slot = DoctorSlotFactory(max_patients=1, start_time="09:00", end_time="10:30")
    first = _book(slot, "09:00 AM")
    _book(slot, "09:30 AM")
    changelist = reverse("admin:appointments_appointment_changelist")
    action = {"action": "move_appointment", "_selected_action": [str(first.pk)], "apply": "1"}

    full = admin_client.post(changelist, {**action, "appointment_date": MONDAY, "time_slot": "09:30 AM"})
    assert MSG_SLOT_FULL in full.content.decode()
    first.refresh_from_db()
    assert first.time_slot == "09:00 AM"

    admin_client.post(changelist, {**action, "appointment_date": MONDAY, "time_slot": "10:00 AM"})
    first.refresh_from_db()
    assert (first.time_slot, first.place_number) == ("10:00 AM", 1)
    assert (_live_at(slot, "09:00 AM"), _live_at(slot, "09:30 AM"), _live_at(slot, "10:00 AM")) == (0, 1, 1)


def test_an_admin_save_racing_a_member_cancel_cannot_undo_the_cancel(admin_client: Client) -> None:
    slot = DoctorSlotFactory(max_patients=1, start_time="09:00", end_time="12:00")
    times = ["09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM", "11:00 AM", "11:30 AM"]
    for time_slot in times:
        member = UserFactory()
        appointment = _book(slot, time_slot, member)
        form = _form(admin_client, appointment, amount_paid="50")
        start = threading.Barrier(2)

        def cancel(member=member, appointment=appointment, start=start) -> None:
            start.wait()
            member_client(member).post(f"{BOOK}/{appointment.appointment_id}/cancel")

        def save(appointment=appointment, form=form, start=start) -> None:
            start.wait()
            admin_client.post(_change_url(appointment), form)

        threads = [threading.Thread(target=cancel), threading.Thread(target=save)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        stored = connection.get_collection("appointments").find_one({"_id": appointment.pk})
        assert stored["status"] == "CANCELLED", time_slot
        assert "placeNumber" not in stored, time_slot
        assert _live_at(slot, time_slot) == 0


def test_an_admin_save_of_values_changed_meanwhile_is_refused(admin_client: Client) -> None:
    slot = DoctorSlotFactory(max_patients=1, start_time="09:00", end_time="09:30")
    appointment = _book(slot, "09:00 AM")
    form = _form(admin_client, appointment, amount_paid="100")
    connection.get_collection("appointments").update_one({"_id": appointment.pk}, {"$set": {"amountPaid": 70}})

    response = admin_client.post(_change_url(appointment), form, follow=True)

    assert MSG_CHANGED_MEANWHILE in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.amount_paid == 70
    from audit.models import AuditEntry

    assert not AuditEntry.objects.filter(action="change").exists()  # nothing written, nothing audited as changed

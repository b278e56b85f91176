"""One capacity rule on every path (issue 13): the places are held by the appointments themselves.

Appointments the existing system wrote (seed-shaped, no placeNumber) count at once; overlapping slots cannot
lend a bigger capacity; a member racing themselves gets one booking; the database's unique indexes refuse
duplicates; a slot's maxPatients cannot drop below the places held; a booking costs no more round trips.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pymongo.errors import DuplicateKeyError
from rest_framework.test import APIClient

from appointments.models import Appointment
from appointments.services.booking import MSG_ALREADY_BOOKED, MSG_SLOT_FULL
from doctors.models import Doctor, DoctorSlot
from doctors.schedule.services import MSG_MAX_PATIENTS_BELOW_HELD
from tests.appointments.conftest import MONDAY, NEXT_MONDAY
from tests.appointments.raw import holders, insert_raw, seed_shaped
from tests.clinics.factories import ClinicFactory
from tests.doctors.clients import doctor_api_client, doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.member_api import member_client
from tests.users.factories import StaffFactory, UserFactory
from users.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

BOOK = "/api/v1/appointments"


def _body(slot: DoctorSlot, day: str = MONDAY, time_slot: str = "09:00 AM") -> dict:
    return {
        "doctorId": slot.doctor_id,
        "appointmentType": "IN_CLINIC",
        "appointmentDate": day,
        "timeSlot": time_slot,
        "clinicId": slot.clinic_id,
    }


def _times(client: APIClient, doctor_id: str, day: str, **params: str) -> list[tuple[str, int]]:
    response = client.get(f"/api/v1/doctors/{doctor_id}/availability", {"date": day, **params})
    assert response.status_code == 200, response.content
    return [(entry["timeSlot"], entry["remaining"]) for entry in response.json()["slots"]]


def _mondays(count: int) -> list[str]:
    first = date.fromisoformat(MONDAY)
    return [(first + timedelta(weeks=week)).isoformat() for week in range(count)]


# --- 1. existing bookings are seen -------------------------------------------------------------------------


def test_appointments_the_existing_system_wrote_hold_their_places() -> None:
    """A few hundred seed-shaped appointments inserted straight into the collection (no placeNumber, no
    command run): availability hides every full time, booking one is 409; cancelling one frees exactly one
    place, which one other member then gets."""
    slot = DoctorSlotFactory(max_patients=1, start_time="09:00", end_time="17:00")  # 16 times a Monday
    owners = [UserFactory() for _ in range(4)]
    steps = [f"{h % 12 or 12:02d}:{m:02d} {'AM' if h < 12 else 'PM'}" for h in range(9, 17) for m in (0, 30)]
    docs = [
        seed_shaped(doctor=slot.doctor, user=owners[i % 4], day=day, time_slot=time_slot)
        for day in _mondays(12)
        for i, time_slot in enumerate(steps)
    ]
    insert_raw(docs)
    assert len(docs) == 192
    newcomer = member_client(UserFactory())

    for day in (MONDAY, NEXT_MONDAY, _mondays(12)[-1]):
        assert _times(newcomer, slot.doctor_id, day) == []
    refused = newcomer.post(BOOK, _body(slot), format="json")
    assert (refused.status_code, refused.json()) == (409, {"detail": MSG_SLOT_FULL})
    assert len(holders(doctor_id=slot.doctor_id, day=MONDAY, time_slot="09:00 AM")) == 1

    owner_doc = docs[0]
    owner = next(user for user in owners if user.pk == owner_doc["userId"])
    cancelled = member_client(owner).post(f"{BOOK}/{owner_doc['appointmentId']}/cancel")
    assert cancelled.status_code == 200, cancelled.content
    assert "placeNumber" not in connection.get_collection("appointments").find_one({"_id": owner_doc["_id"]})
    assert _times(newcomer, slot.doctor_id, MONDAY) == [("09:00 AM", 1)]

    statuses = [member_client(UserFactory()).post(BOOK, _body(slot), format="json").status_code for _ in range(3)]
    assert sorted(statuses) == [201, 409, 409]
    assert len(holders(doctor_id=slot.doctor_id, day=MONDAY, time_slot="09:00 AM")) == 1


def test_the_seeds_sample_appointment_holds_its_place_right_after_migrate(set_clock) -> None:
    """demo/seed_samples.json inserted as is: Dr. Vikas Mittal's CONFIRMED 30 Sep 2025 10:00 AM visit at
    CLINIC001 takes the only place of a Tuesday slot there."""
    from demo.services import demo_seed_samples

    samples = demo_seed_samples(password_hash="x")
    for name in ("users", "clinics", "specialty_master", "doctors", "appointments"):
        connection.get_collection(name).insert_many(samples[name])
    set_clock("2025-09-29", "07:00")
    doctor = Doctor.objects.get(doctor_id="DOC001")
    slot = DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", start_time="10:00", end_time="11:00", max_patients=1)
    assert slot.clinic_id == "CLINIC001"
    member = member_client(UserFactory())
    assert _times(member, "DOC001", "2025-09-30") == [("10:30 AM", 1)]
    refused = member.post(BOOK, _body(slot, day="2025-09-30", time_slot="10:00 AM"), format="json")
    assert (refused.status_code, refused.json()) == (409, {"detail": MSG_SLOT_FULL})


def test_an_appointment_inserted_raw_while_the_app_runs_counts_at_once() -> None:
    slot = DoctorSlotFactory(max_patients=2, start_time="09:00", end_time="09:30")
    member = member_client(UserFactory())
    assert member.post(BOOK, _body(slot), format="json").status_code == 201
    insert_raw([seed_shaped(doctor=slot.doctor, user=UserFactory(), day=MONDAY, time_slot="09:00 AM")])
    assert _times(member, slot.doctor_id, MONDAY) == []
    refused = member_client(UserFactory()).post(BOOK, _body(slot), format="json")
    assert (refused.status_code, refused.json()) == (409, {"detail": MSG_SLOT_FULL})


# --- 3. overlapping slots ------------------------------------------------------------------------------------


def test_overlapping_slots_cannot_lend_a_bigger_capacity() -> None:
    """Clinic A (maxPatients 1) and clinic Z (maxPatients 4) weekly slots at the same Monday time: the time
    has one capacity, the one availability offers, whichever clinic a booking names."""
    clinic_a, clinic_z = ClinicFactory(clinic_id="CLINIC-A"), ClinicFactory(clinic_id="CLINIC-Z")
    doctor = DoctorFactory(clinics=[clinic_entry(clinic_a), clinic_entry(clinic_z)])
    # Two active slots of one day overlap: the schedule service refuses that today, but existing data (and
    # the seed's shape) can hold it, so they are written straight.
    a = DoctorSlotFactory(doctor=doctor, clinic=clinic_a, start_time="09:00", end_time="09:30", max_patients=1)
    z = DoctorSlotFactory(doctor=doctor, clinic=clinic_z, start_time="09:00", end_time="09:30", max_patients=4)
    looker = member_client(UserFactory())
    offered = _times(looker, doctor.doctor_id, MONDAY)
    assert offered == [("09:00 AM", 1)]

    statuses = []
    for slot in (z, a, z, z, a):
        statuses.append(member_client(UserFactory()).post(BOOK, _body(slot), format="json").status_code)
    assert statuses.count(201) <= 1
    assert len(holders(doctor_id=doctor.doctor_id, day=MONDAY, time_slot="09:00 AM")) <= 1


# --- 4. a member racing themselves ---------------------------------------------------------------------------


def test_a_member_racing_themselves_gets_one_booking() -> None:
    """4 identical requests at once for a maxPatients 3 time: one 201, three 409, over several rounds."""
    for run in range(6):
        slot = DoctorSlotFactory(max_patients=3, start_time="10:00", end_time="10:30")
        member = UserFactory()
        clients = [member_client(member) for _ in range(4)]
        start = threading.Barrier(len(clients))

        def book(client: APIClient, slot: DoctorSlot = slot, start: threading.Barrier = start) -> int:
            start.wait()
            return client.post(BOOK, _body(slot, time_slot="10:00 AM"), format="json").status_code

        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            statuses = list(pool.map(book, clients))
        assert sorted(statuses) == [201, 409, 409, 409], (run, statuses)
        assert Appointment.objects.filter(doctor_id=slot.doctor_id, user=member).count() == 1, run


# --- the database's own refusals -----------------------------------------------------------------------------


def test_the_unique_indexes_refuse_a_second_holder_and_a_second_live_booking() -> None:
    slot = DoctorSlotFactory(max_patients=3, start_time="09:00", end_time="09:30")
    member = UserFactory()
    assert member_client(member).post(BOOK, _body(slot), format="json").status_code == 201
    stored = connection.get_collection("appointments").find_one({"doctorId": slot.doctor_id})
    assert stored["placeNumber"] == 1

    same_place = {**seed_shaped(doctor=slot.doctor, user=UserFactory(), day=MONDAY, time_slot="09:00 AM")}
    with pytest.raises(DuplicateKeyError):
        connection.get_collection("appointments").insert_one({**same_place, "placeNumber": 1})
    same_member = seed_shaped(doctor=slot.doctor, user=member, day=MONDAY, time_slot="09:00 AM")
    with pytest.raises(DuplicateKeyError):
        connection.get_collection("appointments").insert_one({**same_member, "placeNumber": 2})
    # Un-numbered (legacy) and cancelled documents are outside both indexes.
    cancelled = seed_shaped(doctor=slot.doctor, user=member, day=MONDAY, time_slot="09:00 AM", status="CANCELLED")
    insert_raw([same_place, cancelled])


# --- maxPatients cannot drop below the places held -----------------------------------------------------------


def _held_twice() -> DoctorSlot:
    slot = DoctorSlotFactory(max_patients=3, start_time="09:00", end_time="10:00")
    for _ in range(2):
        assert member_client(UserFactory()).post(BOOK, _body(slot), format="json").status_code == 201
    return slot


def test_lowering_max_patients_below_the_places_held_is_refused_in_the_doctor_api() -> None:
    slot = _held_twice()
    client = doctor_api_client(slot.doctor)
    refused = client.patch(f"/api/v1/doctor/slots/{slot.pk}", {"maxPatients": 1}, format="json")
    assert (refused.status_code, refused.json()["detail"]) == (409, MSG_MAX_PATIENTS_BELOW_HELD.format(held=2))
    slot.refresh_from_db()
    assert slot.max_patients == 3
    assert client.patch(f"/api/v1/doctor/slots/{slot.pk}", {"maxPatients": 2}, format="json").status_code == 200


def test_lowering_max_patients_below_the_places_held_is_refused_in_the_portal() -> None:
    slot = _held_twice()
    form = {
        "clinic_id": slot.clinic_id,
        "day_of_week": "Monday",
        "start_time": "09:00",
        "end_time": "10:00",
        "slot_duration": 30,
        "max_patients": 1,
        "consultation_fee": 1000,
        "consultation_type": "BOTH",
        "is_active": "on",
    }
    response = doctor_portal_client(slot.doctor).post(f"/portal/slots/{slot.pk}/edit/", form)
    assert MSG_MAX_PATIENTS_BELOW_HELD.format(held=2) in response.content.decode()
    slot.refresh_from_db()
    assert slot.max_patients == 3


def test_lowering_max_patients_below_the_places_held_is_refused_in_the_admin(client: Client) -> None:
    slot = _held_twice()
    client.force_login(StaffFactory(role=Role.ADMIN))
    url = reverse("admin:doctors_doctorslot_change", args=[slot.pk])
    form = {
        "clinic": slot.clinic_id,
        "day_of_week": "Monday",
        "start_time": "09:00",
        "end_time": "10:00",
        "slot_duration": 30,
        "max_patients": 1,
        "consultation_fee": 1000,
        "consultation_type": "BOTH",
        "is_active": "on",
    }
    response = client.post(url, form)
    assert MSG_MAX_PATIENTS_BELOW_HELD.format(held=2) in response.content.decode()
    slot.refresh_from_db()
    assert slot.max_patients == 3


# --- the cost of a booking -----------------------------------------------------------------------------------


def test_a_booking_costs_no_more_round_trips_than_before(assert_max_db_commands) -> None:
    """Before issue 13 a booking sent 8 commands (docs/performance.md: sign-in check, doctor, slots, clinics,
    the member's live appointments, the capacity upsert, the sequence, the insert); issue 13 made it 7 (the
    holders read replaces both the member's appointments and the counter); time off adds 2: its read before the
    insert and its re-check after (docs/booking.md), so 9; notifications add 1: the booking's notifications,
    written in one bulk command (notifications/services.py), so 10; marking the doctor's stored next free time
    stale adds 1 (appointments/next_free_store.py), so 11."""
    slot = DoctorSlotFactory(max_patients=3, start_time="09:00", end_time="10:00")
    client = member_client(UserFactory())
    assert client.post(BOOK, _body(slot), format="json").status_code == 201  # warm
    with assert_max_db_commands(11):
        assert client.post(BOOK, _body(slot, time_slot="09:30 AM"), format="json").status_code == 201


def test_a_second_booking_of_the_same_member_is_409_already_booked() -> None:
    slot = DoctorSlotFactory(max_patients=3, start_time="09:00", end_time="09:30")
    client = member_client(UserFactory())
    assert client.post(BOOK, _body(slot), format="json").status_code == 201
    again = client.post(BOOK, _body(slot), format="json")
    assert (again.status_code, again.json()) == (409, {"detail": MSG_ALREADY_BOOKED})

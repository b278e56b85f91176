"""No overbooking, ever: many members book the same time at the same moment, through the API."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment
from appointments.selectors import places_taken
from tests.appointments.conftest import MONDAY
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 30
RUNS = 20


def _book_all_at_once(clients: list[APIClient], body: dict) -> list[int]:
    start = threading.Barrier(len(clients))

    def book(client: APIClient) -> int:
        start.wait()
        try:
            return client.post("/api/v1/appointments", body, format="json").status_code
        except Exception:  # an unhandled error would have been a 500
            return 500

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(book, clients))


@pytest.mark.parametrize("max_patients", [1, 3])
def test_thirty_members_race_for_one_time(max_patients: int) -> None:
    """Exactly `max_patients` 201s and the rest 409, never a 500, twenty times over (a fresh doctor each run)."""
    clients = [member_client(UserFactory()) for _ in range(THREADS)]
    for run in range(RUNS):
        slot = DoctorSlotFactory(max_patients=max_patients, start_time="10:00", end_time="10:30")
        body = {
            "doctorId": slot.doctor_id,
            "appointmentType": "IN_CLINIC",
            "appointmentDate": MONDAY,
            "timeSlot": "10:00 AM",
            "clinicId": slot.clinic_id,
        }

        statuses = _book_all_at_once(clients, body)

        assert statuses.count(201) == max_patients, (run, statuses)
        assert statuses.count(409) == THREADS - max_patients, (run, statuses)
        assert Appointment.objects.filter(doctor_id=slot.doctor_id).count() == max_patients, run
        assert places_taken(doctor_id=slot.doctor_id, appointment_date=MONDAY) == {"10:00 AM": max_patients}
    numbers = list(Appointment.objects.values_list("appointment_number", flat=True))
    assert len(numbers) == RUNS * max_patients
    assert len(set(numbers)) == len(numbers)

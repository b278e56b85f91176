"""No overbooking on the reschedule path: members moving their appointments and other members booking, all
into one time at the same moment, through the API (threads, the real database)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from tests.appointments.conftest import MONDAY
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 30
TARGET = "11:30 AM"
ORIGIN_TIMES = ["09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM", "11:00 AM"]


def _all_at_once(calls: list) -> list[int]:
    start = threading.Barrier(len(calls))

    def run(call) -> int:
        start.wait()
        try:
            return call().status_code
        except Exception:  # an unhandled error would have been a 500
            return 500
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.parametrize("max_patients", [1, 3])
def test_thirty_reschedules_and_bookings_race_for_one_time(max_patients: int) -> None:
    slot = DoctorSlotFactory(max_patients=3, start_time="09:00", end_time="12:00")
    if max_patients != 3:
        DoctorSlotFactory(doctor=slot.doctor, max_patients=max_patients, start_time="11:30", end_time="12:00")
        slot.__class__.objects.filter(pk=slot.pk).update(end_time="11:30")
    body = {"doctorId": slot.doctor_id, "appointmentType": "IN_CLINIC", "clinicId": slot.clinic_id}
    body["appointmentDate"] = MONDAY

    movers: list[tuple[APIClient, dict]] = []
    for index in range(THREADS // 2):
        client = member_client(UserFactory())
        booked = client.post("/api/v1/appointments", {**body, "timeSlot": ORIGIN_TIMES[index % 5]}, format="json")
        assert booked.status_code == 201, booked.json()
        movers.append((client, booked.json()))
    before = {d["appointmentId"]: d["placeNumber"] for d in connection.get_collection("appointments").find()}
    bookers = [member_client(UserFactory()) for _ in range(THREADS - len(movers))]

    calls = [
        lambda c=client, a=appointment: c.post(
            f"/api/v1/appointments/{a['appointmentId']}/reschedule",
            {"appointmentDate": MONDAY, "timeSlot": TARGET},
            format="json",
        )
        for client, appointment in movers
    ] + [
        lambda c=client: c.post("/api/v1/appointments", {**body, "timeSlot": TARGET}, format="json")
        for client in bookers
    ]

    statuses = _all_at_once(calls)

    assert 500 not in statuses, statuses
    won = statuses.count(200) + statuses.count(201)
    assert won == max_patients, statuses
    assert statuses.count(409) == THREADS - max_patients, statuses
    documents = {
        d["appointmentId"]: d for d in connection.get_collection("appointments").find({"doctorId": slot.doctor_id})
    }
    at_target = [d for d in documents.values() if d["timeSlot"] == TARGET and d["status"] != "CANCELLED"]
    assert len(at_target) == max_patients
    assert sorted(d["placeNumber"] for d in at_target) == list(range(1, max_patients + 1))
    for (_, original), status in zip(movers, statuses[: len(movers)], strict=True):
        now = documents[original["appointmentId"]]
        if status == 200:
            assert (now["timeSlot"], now["rescheduledFrom"]["timeSlot"]) == (TARGET, original["timeSlot"])
        else:  # not moved: still at its time, holding the same place
            assert (now["timeSlot"], now["status"]) == (original["timeSlot"], "CONFIRMED")
            assert now["placeNumber"] == before[original["appointmentId"]]
            assert "rescheduledFrom" not in now

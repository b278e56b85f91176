"""Crashes on the booking and cancel paths leave the places right (docs/decisions/0019-place-numbers.md).

A real child process books or cancels against this test's database and is killed with SIGKILL at a marked
point (OPD_PLACES_FAULT, appointments/services/places.py: the process kills itself there). No mocks: after
the kill, the documents alone say which places are held, and availability and booking agree with them.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from appointments.services.places import FAULT_ENV
from tests.appointments.conftest import MONDAY
from tests.appointments.raw import holders
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BOOK = "/api/v1/appointments"

# The child: the app's code, this test's database, the test's clock (Monday 6 January 2031, 07:00).
CHILD = """
import json, sys
from datetime import datetime
from zoneinfo import ZoneInfo
import django
django.setup()
from django.conf import settings
from core import clock
instant = datetime(2031, 1, 6, 7, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
clock.now = lambda: instant
from appointments.models import Appointment
from appointments.services.booking import appointment_book, appointment_cancel_by_member
from users.models import User
args = json.loads(sys.argv[1])
if args["do"] == "book":
    user = User.objects.get(email=args["email"])
    appointment_book(user=user, doctor_id=args["doctor"], appointment_type="IN_CLINIC",
                     appointment_date=args["date"], time_slot=args["time"], clinic_id=args["clinic"])
else:
    appointment_cancel_by_member(appointment=Appointment.objects.get(appointment_id=args["appointment"]))
print("done")
"""


def _child(args: dict, fault: str) -> subprocess.CompletedProcess:
    host = connection.settings_dict["HOST"].rstrip("/")
    if host.count("/") > 2:  # a database already named in the URI
        host = host.rsplit("/", 1)[0]
    env = {
        **os.environ,
        "MONGODB_URI": f"{host}/{connection.settings_dict['NAME']}",
        "DJANGO_SETTINGS_MODULE": "opd_wallet.settings",
        FAULT_ENV: fault,
    }
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", CHILD, json.dumps(args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _remaining(client: APIClient, doctor_id: str) -> int:
    slots = client.get(f"/api/v1/doctors/{doctor_id}/availability", {"date": MONDAY}).json()["slots"]
    return next((entry["remaining"] for entry in slots if entry["timeSlot"] == "09:00 AM"), 0)


def _consistent(slot, max_patients: int) -> int:
    """Held places == live appointments, every one numbered within capacity, no cancelled one numbered."""
    live = holders(doctor_id=slot.doctor_id, day=MONDAY, time_slot="09:00 AM")
    numbers = [doc["placeNumber"] for doc in live if "placeNumber" in doc]
    assert len(numbers) == len(set(numbers)) and all(1 <= n <= max_patients for n in numbers), numbers
    assert not connection.get_collection("appointments").count_documents(
        {"doctorId": slot.doctor_id, "status": "CANCELLED", "placeNumber": {"$exists": True}}
    )
    assert _remaining(member_client(UserFactory()), slot.doctor_id) == max_patients - len(live)
    return len(live)


@pytest.mark.parametrize(("fault", "booked"), [("take:before-insert", 0), ("take:after-insert", 1)])
def test_a_booking_killed_around_its_insert_leaves_the_places_right(fault: str, booked: int) -> None:
    slot = DoctorSlotFactory(max_patients=2, start_time="09:00", end_time="09:30")
    member = UserFactory()
    args = {"do": "book", "email": member.email, "doctor": slot.doctor_id, "date": MONDAY, "time": "09:00 AM"}
    result = _child({**args, "clinic": slot.clinic_id}, fault)
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stdout, result.stderr)

    assert _consistent(slot, 2) == booked
    # The places left are all bookable, and no more.
    statuses = [member_client(UserFactory()).post(BOOK, _body(slot), format="json").status_code for _ in range(3)]
    assert statuses.count(201) == 2 - booked
    assert _consistent(slot, 2) == 2


@pytest.mark.parametrize(("fault", "cancelled"), [("free:before-update", False), ("free:after-update", True)])
def test_a_cancel_killed_around_its_update_leaves_the_places_right(fault: str, cancelled: bool) -> None:
    slot = DoctorSlotFactory(max_patients=2, start_time="09:00", end_time="09:30")
    member = UserFactory()
    booked = member_client(member).post(BOOK, _body(slot), format="json")
    assert booked.status_code == 201
    result = _child({"do": "cancel", "appointment": booked.json()["appointmentId"]}, fault)
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stdout, result.stderr)

    assert _consistent(slot, 2) == (0 if cancelled else 1)
    statuses = [member_client(UserFactory()).post(BOOK, _body(slot), format="json").status_code for _ in range(3)]
    assert statuses.count(201) == (2 if cancelled else 1)
    assert _consistent(slot, 2) == 2


def test_a_cancel_retried_after_a_lost_reply_frees_one_place_only() -> None:
    slot = DoctorSlotFactory(max_patients=2, start_time="09:00", end_time="09:30")
    first, second = member_client(UserFactory()), member_client(UserFactory())
    mine = first.post(BOOK, _body(slot), format="json").json()["appointmentId"]
    assert second.post(BOOK, _body(slot), format="json").status_code == 201
    assert first.post(f"{BOOK}/{mine}/cancel").status_code == 200
    assert first.post(f"{BOOK}/{mine}/cancel").status_code == 409  # the retry: nothing more is freed
    assert _consistent(slot, 2) == 1
    statuses = [member_client(UserFactory()).post(BOOK, _body(slot), format="json").status_code for _ in range(3)]
    assert statuses.count(201) == 1


def _body(slot) -> dict:
    return {
        "doctorId": slot.doctor_id,
        "appointmentType": "IN_CLINIC",
        "appointmentDate": MONDAY,
        "timeSlot": "09:00 AM",
        "clinicId": slot.clinic_id,
    }

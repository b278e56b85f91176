"""A reschedule killed around its one write (OPD_PLACES_FAULT, appointments/services/places.py) leaves the
appointment wholly at its old time or wholly at its new one, each place held once (and the audit after the test
finds nothing: conftest.py)."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from appointments.selectors import places_taken
from appointments.services.booking import appointment_book
from appointments.services.places import FAULT_ENV
from tests.appointments.conftest import MONDAY
from tests.doctors.factories import DoctorSlotFactory
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

ROOT = Path(__file__).resolve().parents[2]

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
from appointments.models import Actor, Appointment
from appointments.services.booking import appointment_reschedule
args = json.loads(sys.argv[1])
appointment_reschedule(appointment=Appointment.objects.get(appointment_id=args["appointment"]),
                       appointment_date=args["date"], time_slot=args["time"], by=Actor.MEMBER)
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


@pytest.mark.parametrize(("fault", "moved"), [("move:before-update", False), ("move:after-update", True)])
def test_a_reschedule_killed_around_its_write_leaves_one_whole_appointment(fault: str, moved: bool) -> None:
    slot = DoctorSlotFactory(max_patients=1, start_time="09:00", end_time="10:00")
    appointment = appointment_book(
        user=UserFactory(),
        doctor_id=slot.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=MONDAY,
        time_slot="09:00 AM",
        clinic_id=slot.clinic_id,
    )

    result = _child({"appointment": appointment.appointment_id, "date": MONDAY, "time": "09:30 AM"}, fault)

    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stdout, result.stderr)
    document = connection.get_collection("appointments").find_one({"_id": appointment.pk})
    where = "09:30 AM" if moved else "09:00 AM"
    assert (document["timeSlot"], document["placeNumber"], document["status"]) == (where, 1, "CONFIRMED")
    assert ("rescheduledFrom" in document) is moved
    assert places_taken(doctor_id=slot.doctor_id, appointment_date=MONDAY) == {where: 1}

"""The concurrent mix under faults, through the real server: gunicorn with several workers on its own SecantusDB.

Client threads book and cancel as members, confirm and cancel as the doctor (doctor API) and edit appointments
in the Django admin, for CHAOS_SECONDS (default 45) or CHAOS_MAX_OPERATIONS, whichever comes first, while a
killer thread SIGKILLs a random gunicorn worker every few seconds (gunicorn starts a new one) and once stops the
database server and starts it again on the same port and storage path. Then:

- `manage.py audit_integrity` finds nothing (places, capacity, one per member and time, rooms, prescriptions);
- every booking answered 2xx is in the database, and every cancel answered 2xx is still CANCELLED (an admin
  save racing a cancel must not undo it).

The figures (operations per kind, outcomes by status, kills) are printed and written to `chaos-figures.json` in
the run's temporary directory; docs/operations.md ("Faults and integrity") records a run. Loopback only; every
process it starts is stopped by its id.
"""

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pymongo import MongoClient

from bench.servers import stop
from tests.admin_forms import form_data
from tests.audit import audit_problems
from tests.core.test_faults import DB_NAME, Database, _free_port, _wait_for_port, app_environ

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MIX_SECONDS = float(os.environ.get("CHAOS_SECONDS", "45"))
MAX_OPERATIONS = int(os.environ.get("CHAOS_MAX_OPERATIONS", "4000"))
CLIENT_THREADS = 6
WORKERS = 3
KILL_EVERY_S = (2.0, 5.0)
DATABASE_DOWN_S = 2.0
REQUEST_TIMEOUT_S = 15
SEED = int(os.environ.get("CHAOS_SEED", "13"))
# The admin's change of an appointment: today a change-form save of a field that holds no place, and the
# "Cancel" action. When the admin's place actions arrive (move to another date or time), add them here.
ADMIN_CANCEL_ACTION = "appointment_cancel"
ADMIN_MOVE_ACTION = "move_appointment"
ADMIN_EDIT_FIELD, ADMIN_EDIT_VALUES = "payment_status", ("PENDING", "PAID")

# Runs in a child process with the app's environment: migrate, then one doctor with weekly slots (2 places per
# time), members with API tokens, the doctor's session and a staff session for the admin.
SETUP_SCRIPT = """
import json, django
django.setup()
from datetime import timedelta
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from django.middleware.csrf import _get_new_csrf_string
from core import clock
from users.models import Role
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.users.factories import StaffFactory, UserFactory
from tests.world import DAYS, doctor_credentials, member_credentials
clinic = ClinicFactory()
doctor = DoctorFactory(
    clinic=clinic, clinics=[clinic_entry(clinic)], available_online=True, available_offline=True,
    requires_confirmation=True,  # bookings wait for the doctor, so confirm has work to do
)
for day in DAYS:
    DoctorSlotFactory(doctor=doctor, day_of_week=day, start_time="09:00", end_time="12:00", max_patients=2)
members = [member_credentials(UserFactory()).headers for _ in range(8)]
staff = Client()
staff_user = StaffFactory(role=Role.ADMIN)
staff.force_login(staff_user)
# Production requires staff two-factor sign-in: a session that gave a code carries its device (django-otp).
from django_otp.plugins.otp_totp.models import TOTPDevice
session = staff.session
session["otp_device_id"] = TOTPDevice.objects.create(user=staff_user, name="chaos", confirmed=True).persistent_id
session.save()
csrf = _get_new_csrf_string()
today = clock.local_today()
print(json.dumps({
    "doctorId": doctor.doctor_id,
    "dates": [(today + timedelta(days=n)).isoformat() for n in (1, 2)],
    "times": ["09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM", "11:00 AM", "11:30 AM"],
    "members": members,
    "doctor": vars(doctor_credentials(doctor)),
    "staff": {"sessionid": staff.cookies["sessionid"].value, "csrf": csrf},
}))
"""


@dataclass
class Figures:
    """What the mix did: operations per kind and their outcomes (HTTP status, or `conn` for a dropped connection)."""

    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    kills: int = 0
    database_restarts: int = 0
    seconds: float = 0.0
    booked: set[str] = field(default_factory=set)  # appointment _ids answered 201
    cancelled: set[str] = field(default_factory=set)  # appointment _ids whose cancel was answered 2xx
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str, outcome: str) -> None:
        with self.lock:
            self.outcomes.setdefault(kind, Counter())[outcome] += 1

    @property
    def operations(self) -> int:
        return sum(sum(counter.values()) for counter in self.outcomes.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 1),
            "workers": WORKERS,
            "client_threads": CLIENT_THREADS,
            "operations": self.operations,
            "by_kind": {kind: dict(sorted(counter.items())) for kind, counter in sorted(self.outcomes.items())},
            "worker_kills": self.kills,
            "database_restarts": self.database_restarts,
            "bookings_2xx": len(self.booked),
            "cancels_2xx": len(self.cancelled),
        }


@dataclass
class Mix:
    port: int
    world: dict[str, Any]
    figures: Figures
    deadline: float
    rng: random.Random

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int | str, bytes, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        except (OSError, http.client.HTTPException):
            return "conn", b"", {}  # a worker killed mid-request, or the database restarting
        finally:
            connection.close()

    # --- the operations -----------------------------------------------------------------------------------

    def book(self) -> None:
        member = self.rng.choice(self.world["members"])
        body = {
            "doctorId": self.world["doctorId"],
            "appointmentType": "ONLINE",
            "appointmentDate": self.rng.choice(self.world["dates"]),
            "timeSlot": self.rng.choice(self.world["times"]),
            "contactNumber": "+919876543210",
            "callPreference": "VIDEO",
        }
        headers = {**member, "Content-Type": "application/json"}
        status, answer, _ = self.request(
            "POST", "/api/v1/appointments", body=json.dumps(body).encode(), headers=headers
        )
        self.figures.count("member book", str(status))
        if status == 201:
            appointment = json.loads(answer)
            with self.figures.lock:
                self.figures.booked.add(appointment["_id"])
                self.world.setdefault("owner", {})[appointment["_id"]] = member

    def _some_booking(self) -> str | None:
        with self.figures.lock:
            booked = sorted(self.figures.booked)
        return self.rng.choice(booked) if booked else None

    def _cancelled(self, kind: str, appointment: str, status: int | str) -> None:
        self.figures.count(kind, str(status))
        if isinstance(status, int) and 200 <= status < 300:
            with self.figures.lock:
                self.figures.cancelled.add(appointment)

    def member_cancel(self) -> None:
        appointment = self._some_booking()
        if appointment is None:
            return
        member = self.world["owner"][appointment]
        status, _, _ = self.request("POST", f"/api/v1/appointments/{appointment}/cancel", headers=member)
        self._cancelled("member cancel", appointment, status)

    def _doctor_headers(self) -> dict[str, str]:
        doctor = self.world["doctor"]
        cookie = "; ".join(f"{key}={value}" for key, value in doctor["cookies"].items())
        return {**doctor["headers"], "Cookie": cookie, "Content-Type": "application/json"}

    def doctor_confirm(self) -> None:
        appointment = self._some_booking()
        if appointment is None:
            return
        path = f"/api/v1/doctor/appointments/{appointment}/confirm"
        status, _, _ = self.request("POST", path, body=b"{}", headers=self._doctor_headers())
        self.figures.count("doctor confirm", str(status))

    def doctor_cancel(self) -> None:
        appointment = self._some_booking()
        if appointment is None:
            return
        path = f"/api/v1/doctor/appointments/{appointment}/cancel"
        body = json.dumps({"reason": "Chaos test"}).encode()
        status, _, _ = self.request("POST", path, body=body, headers=self._doctor_headers())
        self._cancelled("doctor cancel", appointment, status)

    def _admin_headers(self, **more: str) -> dict[str, str]:
        staff = self.world["staff"]
        return {"Cookie": f"sessionid={staff['sessionid']}; csrftoken={staff['csrf']}", **more}

    def admin_edit(self) -> None:
        """The admin's change form: read it, change a field, post it back (as a browser does)."""
        appointment = self._some_booking()
        if appointment is None:
            return
        url = f"/admin/appointments/appointment/{appointment}/change/"
        status, page, _ = self.request("GET", url, headers=self._admin_headers())
        if status != 200:
            self.figures.count("admin edit", f"GET {status}")
            return
        data = form_data(SimpleNamespace(content=page))
        data[ADMIN_EDIT_FIELD] = self.rng.choice(ADMIN_EDIT_VALUES)
        data["csrfmiddlewaretoken"] = self.world["staff"]["csrf"]
        data["_save"] = "Save"
        body = urllib.parse.urlencode(data, doseq=True).encode()
        headers = self._admin_headers(**{"Content-Type": "application/x-www-form-urlencoded"})
        status, _, _ = self.request("POST", url, body=body, headers=headers)
        self.figures.count("admin edit", str(status))

    def admin_cancel(self) -> None:
        """The admin's "Cancel" action on one appointment (302 when the action ran)."""
        appointment = self._some_booking()
        if appointment is None:
            return
        body = urllib.parse.urlencode(
            {
                "action": ADMIN_CANCEL_ACTION,
                "_selected_action": appointment,
                "index": "0",
                "csrfmiddlewaretoken": self.world["staff"]["csrf"],
            }
        ).encode()
        headers = self._admin_headers(**{"Content-Type": "application/x-www-form-urlencoded"})
        status, _, _ = self.request("POST", "/admin/appointments/appointment/", body=body, headers=headers)
        # A refusal (not cancellable) is a message on the same 302, so an admin cancel is not added to `cancelled`.
        self.figures.count("admin cancel", str(status))

    def admin_move(self) -> None:
        """The admin's "Move" action to another offered date and time (a free place there, or a refusal)."""
        appointment = self._some_booking()
        if appointment is None:
            return
        body = urllib.parse.urlencode(
            {
                "action": ADMIN_MOVE_ACTION,
                "_selected_action": appointment,
                "index": "0",
                "apply": "1",
                "appointment_date": self.rng.choice(self.world["dates"]),
                "time_slot": self.rng.choice(self.world["times"]),
                "csrfmiddlewaretoken": self.world["staff"]["csrf"],
            }
        ).encode()
        headers = self._admin_headers(**{"Content-Type": "application/x-www-form-urlencoded"})
        status, _, _ = self.request("POST", "/admin/appointments/appointment/", body=body, headers=headers)
        # 302 when moved; 200 when the form shows a refusal (a full time, a changed appointment).
        self.figures.count("admin move", str(status))

    def client(self) -> None:
        operations: list[tuple[Callable[[], None], int]] = [
            (self.book, 6),
            (self.member_cancel, 2),
            (self.doctor_confirm, 2),
            (self.doctor_cancel, 1),
            (self.admin_edit, 1),
            (self.admin_cancel, 1),
            (self.admin_move, 1),
        ]
        functions, weights = zip(*operations, strict=True)
        while time.monotonic() < self.deadline and self.figures.operations < MAX_OPERATIONS:
            self.rng.choices(functions, weights)[0]()


def _workers(master: int) -> list[int]:
    """The gunicorn master's worker processes (their parent is the master)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            children.append(int(entry.name))
    return children


def _killer(app: subprocess.Popen, database: Database, figures: Figures, deadline: float, rng: random.Random) -> None:
    """SIGKILL a random worker every few seconds; once, a third of the way in, stop the database and start it."""
    restart_at = time.monotonic() + (deadline - time.monotonic()) / 3
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(*KILL_EVERY_S))
        if time.monotonic() >= deadline:
            return
        if figures.database_restarts == 0 and time.monotonic() >= restart_at:
            database.stop()
            time.sleep(DATABASE_DOWN_S)
            database.start()  # same port, same storage path
            figures.database_restarts += 1
            continue
        workers = _workers(app.pid)
        if workers:
            os.kill(rng.choice(workers), signal.SIGKILL)  # a worker of the gunicorn this test started
            figures.kills += 1


@dataclass
class Stack:
    app: subprocess.Popen
    database: Database
    port: int
    env: dict[str, str]
    world: dict[str, Any]
    run: Path


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    database = Database(port=_free_port(), storage=tmp_path / "db", log=tmp_path / "secantus.log")
    database.start()
    env = app_environ(database, tmp_path, LOG_LEVEL="WARNING", JWT_ACCESS_MINUTES="30")
    app = None
    try:
        setup = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, "-c", SETUP_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        world = json.loads(setup.stdout.strip().splitlines()[-1])
        port = _free_port()
        with open(tmp_path / "gunicorn.log", "ab") as log:
            app = subprocess.Popen(  # noqa: S603 - fixed argv
                [str(BIN / "gunicorn"), "opd_wallet.wsgi", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env={
                    **env,
                    "BIND": f"127.0.0.1:{port}",
                    "WEB_CONCURRENCY": str(WORKERS),
                    "GUNICORN_THREADS": "2",
                    "GUNICORN_LOG_LEVEL": "warning",
                },
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        _wait_for_port(port, app)
        yield Stack(app=app, database=database, port=port, env=env, world=world, run=tmp_path)
    finally:
        if app is not None:
            stop(app)
        database.stop()


def _wait_until_healthy(stack: Stack) -> None:
    deadline = time.monotonic() + 30
    while True:
        mix = Mix(stack.port, stack.world, Figures(), 0, random.Random())
        if mix.request("GET", "/healthz")[0] == 200:
            return
        assert time.monotonic() < deadline, "the app did not come back"
        time.sleep(0.2)


def test_the_concurrent_mix_under_worker_kills_and_a_database_restart_keeps_every_invariant(stack: Stack) -> None:
    figures = Figures()
    rng = random.Random(SEED)
    started = time.monotonic()
    deadline = started + MIX_SECONDS
    mixes = [
        Mix(stack.port, stack.world, figures, deadline, random.Random(rng.random())) for _ in range(CLIENT_THREADS)
    ]
    threads = [threading.Thread(target=mix.client, name=f"client-{n}") for n, mix in enumerate(mixes)]
    killer = threading.Thread(
        target=_killer, args=(stack.app, stack.database, figures, deadline, random.Random(rng.random())), name="killer"
    )
    for thread in [*threads, killer]:
        thread.start()
    for thread in [*threads, killer]:
        thread.join(timeout=MIX_SECONDS + 120)
        assert not thread.is_alive(), f"{thread.name} did not stop"
    figures.seconds = time.monotonic() - started
    _wait_until_healthy(stack)

    report = figures.as_dict()
    print("\nchaos figures:", json.dumps(report, indent=2))
    (stack.run / "chaos-figures.json").write_text(json.dumps(report, indent=2))
    assert stack.app.poll() is None, "gunicorn's master died"
    assert figures.kills >= 3 and figures.database_restarts == 1
    assert figures.outcomes.get("member book", Counter())["201"] > 0, report

    problems = audit_problems(stack.env)
    assert not problems, "audit_integrity after the mix:\n" + "\n".join(problems)

    with MongoClient(stack.database.uri, serverSelectionTimeoutMS=5000) as client:
        appointments = client[DB_NAME]["appointments"]
        stored = {str(document["_id"]): document["status"] for document in appointments.find({}, {"status": 1})}
    missing = sorted(figures.booked - stored.keys())
    assert not missing, f"bookings answered 201 but not in the database: {missing}"
    undone = sorted(a for a in figures.cancelled if stored.get(a) != "CANCELLED")
    assert not undone, f"cancels answered 2xx but no longer CANCELLED: {undone}"

"""Load scenario (`make load`): members search, check availability, book and cancel while doctors work.

Run by load/run.py against gunicorn with production settings; it passes the accounts to use in
LOAD_ACCOUNTS (a JSON file: member and doctor emails, their password) and collects the counts of
expected answers (409s) in LOAD_RESULTS. A 409 on booking, cancelling or confirming is the expected
answer to a race with another user and counts as a success; anything else not 2xx is an error.
"""

import json
import os
import random
from collections import Counter
from datetime import date, timedelta
from itertools import count
from typing import Any

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())  # noqa: SIM115 - read once at import
EXPECTED: Counter[str] = Counter()  # name -> expected 409s
_members, _doctors = count(), count()

SEARCHES = [
    {},
    {"q": "a"},
    {"type": "ONLINE"},
    {"type": "IN_CLINIC"},
    {"ordering": "-rating"},
    {"ordering": "consultationFee"},
    {"lat": "28.59", "lng": "77.05", "ordering": "distance"},
]


def _days_ahead(low: int, high: int) -> str:
    return (date.today() + timedelta(days=random.randint(low, high))).isoformat()  # noqa: DTZ011


def _expect(response: Any, *ok: int) -> Any:
    """Mark the response: 2xx and the listed codes are successes (409s counted apart), the rest failures."""
    if response.status_code in ok and response.status_code == 409:
        EXPECTED[response.request_meta["name"]] += 1
    if 200 <= response.status_code < 300 or response.status_code in ok:
        response.success()
    else:
        response.failure(f"{response.status_code}: {response.error or (response.text or '')[:200]}")
    return response


class Member(HttpUser):
    """A member of the corporate wallet using the app."""

    weight = 4
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        email = ACCOUNTS["members"][next(_members) % len(ACCOUNTS["members"])]
        with self.client.post(
            "/api/v1/auth/token",
            json={"email": email, "password": ACCOUNTS["password"]},
            name="POST /api/v1/auth/token",
            catch_response=True,
        ) as response:
            _expect(response)
            token = response.json()["access"]
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.doctor_ids: list[str] = []

    @task(4)
    def search_doctors(self) -> None:
        with self.client.get(
            "/api/v1/doctors", params=random.choice(SEARCHES), name="GET /api/v1/doctors", catch_response=True
        ) as response:
            _expect(response)
            found = [doctor["doctorId"] for doctor in response.json()["results"]]
            self.doctor_ids = found or self.doctor_ids

    @task(4)
    def check_availability_and_book(self) -> None:
        if not self.doctor_ids:
            return self.search_doctors()
        doctor_id = random.choice(self.doctor_ids)
        day = _days_ahead(1, 14)
        with self.client.get(
            f"/api/v1/doctors/{doctor_id}/availability",
            params={"date": day},
            name="GET /api/v1/doctors/{doctorId}/availability",
            catch_response=True,
        ) as response:
            _expect(response)
            slots = response.json()["slots"]
        if slots and random.random() < 0.5:
            self._book(doctor_id, day, random.choice(slots))
        return None

    def _book(self, doctor_id: str, day: str, slot: dict) -> None:
        kind = slot["consultationType"]
        if kind == "BOTH":
            kind = random.choice(["IN_CLINIC", "ONLINE"])
        body = {"doctorId": doctor_id, "appointmentType": kind, "appointmentDate": day, "timeSlot": slot["timeSlot"]}
        if kind == "IN_CLINIC":
            body["clinicId"] = slot["clinicId"]
        else:
            body.update(contactNumber="+919876543210", callPreference="VIDEO")
        with self.client.post(
            "/api/v1/appointments", json=body, name="POST /api/v1/appointments", catch_response=True
        ) as response:
            _expect(response, 409)

    @task(2)
    def my_appointments_and_cancel_some(self) -> None:
        with self.client.get(
            "/api/v1/appointments",
            params={"status": "PENDING_CONFIRMATION"},
            name="GET /api/v1/appointments",
            catch_response=True,
        ) as response:
            _expect(response)
            mine = response.json()["results"]
        if mine and random.random() < 0.3:
            appointment = random.choice(mine)
            with self.client.post(
                f"/api/v1/appointments/{appointment['_id']}/cancel",
                name="POST /api/v1/appointments/{id}/cancel",
                catch_response=True,
            ) as response:
                _expect(response, 409)


class Doctor(HttpUser):
    """A doctor in the portal: the dashboard, the day's list, confirming requests."""

    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        email = ACCOUNTS["doctors"][next(_doctors) % len(ACCOUNTS["doctors"])]
        with self.client.post(
            "/auth/doctor/login",
            json={"email": email, "password": ACCOUNTS["password"]},
            name="POST /auth/doctor/login",
            catch_response=True,
        ) as response:
            _expect(response)
        # The cookies are Secure (DEBUG off) and this run is plain HTTP on loopback, as behind a TLS proxy:
        # hand them back without the flag.
        cookies = {name: response.cookies[name] for name in ("doctor_session", "csrftoken")}
        self.client.cookies.clear()
        for name, value in cookies.items():
            self.client.cookies.set(name, value)
        self.client.headers["X-CSRFToken"] = cookies["csrftoken"]

    @task(3)
    def dashboard(self) -> None:
        with self.client.get("/portal/", name="GET /portal/", catch_response=True) as response:
            _expect(response)

    @task(3)
    def appointments(self) -> None:
        with self.client.get(
            "/api/v1/doctor/appointments",
            params={"date": _days_ahead(1, 14)},
            name="GET /api/v1/doctor/appointments",
            catch_response=True,
        ) as response:
            _expect(response)

    @task(2)
    def confirm_a_request(self) -> None:
        with self.client.get(
            "/api/v1/doctor/appointments",
            params={"status": "PENDING_CONFIRMATION"},
            name="GET /api/v1/doctor/appointments?status",
            catch_response=True,
        ) as response:
            _expect(response)
            pending = response.json()["results"]
        if pending:
            with self.client.post(
                f"/api/v1/doctor/appointments/{pending[0]['_id']}/confirm",
                name="POST /api/v1/doctor/appointments/{id}/confirm",
                catch_response=True,
            ) as response:
                _expect(response, 409)


@events.quitting.add_listener
def _write_results(environment: Any, **_kwargs: Any) -> None:
    path = os.environ.get("LOAD_RESULTS")
    if path:
        with open(path, "w") as out:
            json.dump({"expected_409": dict(EXPECTED)}, out)

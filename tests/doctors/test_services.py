"""Service rules that need no HTTP: concurrency of slot writes and of the sign-in failure counters."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.login_throttle import login_failure_record
from doctors.models import DoctorSlot, LoginFailure
from doctors.schedule.services import (
    MSG_SCHEDULE_BUSY,
    SlotConflict,
    slot_create,
)
from tests.doctors.factories import DoctorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def locks():
    """The lock collection has no model, so the test flush does not empty it: clean up here."""
    collection = connection.get_collection("doctor_schedule_locks")
    yield collection
    collection.delete_many({})


def _create(doctor, start: str, end: str) -> str:
    try:
        slot_create(
            doctor=doctor,
            clinic_id=doctor.clinics[0].clinic_id,
            day_of_week="Monday",
            start_time=start,
            end_time=end,
            consultation_fee=500,
            consultation_type="IN_CLINIC",
        )
    except SlotConflict as conflict:
        return str(conflict)
    return "created"


def test_concurrent_overlapping_slots_never_both_land(locks) -> None:
    doctor = DoctorFactory()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda n: _create(doctor, "09:00", f"1{n}:00"), range(8)))
    assert results.count("created") == 1
    assert DoctorSlot.objects.filter(doctor_id=doctor.doctor_id, is_active=True).count() == results.count("created")


def test_a_held_schedule_lock_refuses_a_second_writer(locks) -> None:
    doctor = DoctorFactory()
    locks.insert_one(
        {"_id": f"{doctor.doctor_id}:Monday", "owner": "x", "expiresAt": timezone.now() + timedelta(minutes=1)}
    )
    assert _create(doctor, "09:00", "10:00") == MSG_SCHEDULE_BUSY


def test_a_stale_schedule_lock_is_taken_over(locks) -> None:
    doctor = DoctorFactory()
    locks.insert_one(
        {"_id": f"{doctor.doctor_id}:Monday", "owner": "x", "expiresAt": timezone.now() - timedelta(seconds=1)}
    )
    assert _create(doctor, "09:00", "10:00") == "created"
    assert locks.count_documents({"_id": f"{doctor.doctor_id}:Monday"}) == 0  # released after the write


def test_concurrent_failures_are_all_counted() -> None:
    keys = {"email:racer@example.com": 5}
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda _n: login_failure_record(keys=keys), range(20)))
    assert LoginFailure.objects.get(key="email:racer@example.com").count == 20


def test_failure_counters_have_a_ttl_index() -> None:
    for collection in ("doctor_login_failures", "doctor_sessions"):
        indexes = connection.get_collection(collection).index_information()
        assert any(info.get("expireAfterSeconds") == 0 for info in indexes.values()), collection

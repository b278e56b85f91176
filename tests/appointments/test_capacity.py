"""The no-overbooking primitive under real concurrency against the real server."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from appointments.services.capacity import capacity_booked, capacity_release, capacity_reserve

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("capacity", [1, 3])
def test_concurrent_reservations_never_exceed_capacity(capacity: int) -> None:
    def reserve(_: int) -> bool:
        return capacity_reserve(
            doctor_id="DOC1", appointment_date="2030-01-07", time_slot="09:00 AM", capacity=capacity
        )

    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(reserve, range(30)))

    assert results.count(True) == capacity
    assert capacity_booked(doctor_id="DOC1", appointment_date="2030-01-07") == {"09:00 AM": capacity}


def test_release_frees_a_place_and_never_goes_below_zero() -> None:
    key = {"doctor_id": "DOC1", "appointment_date": "2030-01-07", "time_slot": "09:00 AM"}
    assert capacity_reserve(**key, capacity=1)
    assert not capacity_reserve(**key, capacity=1)
    capacity_release(**key)
    capacity_release(**key)
    assert capacity_booked(doctor_id="DOC1", appointment_date="2030-01-07") == {"09:00 AM": 0}
    assert capacity_reserve(**key, capacity=1)


def test_two_first_bookings_of_a_roomy_time_both_get_a_place() -> None:
    """The race to create a time's counter must not turn into a false "full" while places remain."""
    for run in range(10):
        date = f"2030-02-{run + 1:02d}"

        def reserve(_: int, date: str = date) -> bool:
            return capacity_reserve(doctor_id="DOC2", appointment_date=date, time_slot="10:00 AM", capacity=5)

        with ThreadPoolExecutor(max_workers=5) as pool:
            assert all(pool.map(reserve, range(5)))

"""nextAvailable, availableOn and ordering=nextAvailable in GET /api/v1/doctors (answered by appointments)."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from rest_framework.test import APIClient

from appointments.next_free_store import next_free_forget_all
from appointments.selectors import NEXT_AVAILABLE_WINDOWS
from doctors.models import Doctor
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, SUNDAY, TUESDAY
from tests.appointments.factories import AppointmentFactory
from tests.clinics.factories import ClinicFactory
from tests.db_commands import count_db_commands
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_notice(settings: pytest.FixtureRequest) -> None:
    """Times from now on, unless a test sets a notice (the notice rule has its own test below)."""
    settings.BOOKING_MIN_NOTICE_MINUTES = 0  # type: ignore[attr-defined]


def doctors(api: APIClient, **params: object) -> list[dict]:
    response = api.get("/api/v1/doctors", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def soonest(api: APIClient, **params: object) -> dict[str, dict | None]:
    return {d["doctorId"]: d["nextAvailable"] for d in doctors(api, **params)}


def test_next_available_is_the_first_free_time(api: APIClient) -> None:
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="10:00")
    AppointmentFactory(doctor=slot.doctor, appointment_date=MONDAY, time_slot="09:00 AM")
    assert soonest(api)[slot.doctor_id] == {
        "date": MONDAY,
        "timeSlot": "09:30 AM",
        "consultationType": "BOTH",
        "clinicId": slot.clinic_id,
    }


def test_a_full_day_moves_it_to_the_next_free_day(api: APIClient) -> None:
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="09:30")
    AppointmentFactory(doctor=slot.doctor, appointment_date=MONDAY, time_slot="09:00 AM")
    assert soonest(api)[slot.doctor_id]["date"] == NEXT_MONDAY


def test_past_times_today_are_not_next(api: APIClient, set_clock: Callable[[str, str], None]) -> None:
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="10:00")
    set_clock(MONDAY, "09:10")
    assert soonest(api)[slot.doctor_id]["timeSlot"] == "09:30 AM"


def test_the_minimum_notice_moves_it(api: APIClient, settings: pytest.FixtureRequest) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 150  # type: ignore[attr-defined]  07:00 + 2.5 h
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="10:00")
    assert (soonest(api)[slot.doctor_id]["date"], soonest(api)[slot.doctor_id]["timeSlot"]) == (MONDAY, "09:30 AM")


def test_beyond_the_horizon_is_null(api: APIClient, settings: pytest.FixtureRequest) -> None:
    settings.BOOKING_HORIZON_DAYS = 5  # type: ignore[attr-defined]
    slot = DoctorSlotFactory(day_of_week="Sunday")  # Sunday is 6 days after Monday
    no_slots = DoctorFactory()
    found = soonest(api)
    assert found[slot.doctor_id] is None
    assert found[no_slots.doctor_id] is None


def test_a_free_time_weeks_away_is_found(api: APIClient) -> None:
    """Found past the first windows of days scanned (NEXT_AVAILABLE_WINDOWS)."""
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="09:30")
    weeks = (NEXT_AVAILABLE_WINDOWS[0] + NEXT_AVAILABLE_WINDOWS[1]) // 7 + 1
    booked = [f"2031-{1 + (6 + 7 * w) // 31:02d}-{(6 + 7 * w - 1) % 31 + 1:02d}" for w in range(weeks)]
    assert booked[:3] == [MONDAY, NEXT_MONDAY, "2031-01-20"]
    for day in booked:
        AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot="09:00 AM")
    assert soonest(api)[slot.doctor_id]["date"] == "2031-02-03"


def test_type_narrows_next_available(api: APIClient) -> None:
    doctor = DoctorFactory()
    DoctorSlotFactory(doctor=doctor, day_of_week="Monday", consultation_type="IN_CLINIC")
    DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", consultation_type="ONLINE")
    assert soonest(api)[doctor.doctor_id]["date"] == MONDAY
    online = soonest(api, type="ONLINE")[doctor.doctor_id]
    assert (online["date"], online["consultationType"]) == (TUESDAY, "ONLINE")


def test_doctor_detail_carries_next_available(api: APIClient) -> None:
    slot = DoctorSlotFactory(day_of_week="Tuesday", start_time="15:00", end_time="15:30")
    body = api.get(f"/api/v1/doctors/{slot.doctor_id}").json()
    assert body["nextAvailable"]["date"] == TUESDAY


def test_available_on_keeps_doctors_free_that_day(api: APIClient) -> None:
    monday = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="09:30")
    full = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="09:30")
    AppointmentFactory(doctor=full.doctor, appointment_date=MONDAY, time_slot="09:00 AM")
    tuesday = DoctorSlotFactory(day_of_week="Tuesday")
    DoctorFactory()  # no slots
    assert [d["doctorId"] for d in doctors(api, availableOn=MONDAY)] == [monday.doctor_id]
    assert {d["doctorId"] for d in doctors(api, availableOn=TUESDAY)} == {tuesday.doctor_id}
    assert doctors(api, availableOn=SUNDAY) == []
    assert doctors(api, availableOn="2030-12-31") == []  # before today


def test_available_on_is_a_date(api: APIClient) -> None:
    response = api.get("/api/v1/doctors", {"availableOn": "monday"})
    assert response.status_code == 400
    assert "availableOn" in response.json()


def test_ordering_by_next_available_puts_the_soonest_first_and_none_last(api: APIClient) -> None:
    late = DoctorSlotFactory(day_of_week="Tuesday", start_time="09:00", end_time="09:30")
    early_afternoon = DoctorSlotFactory(day_of_week="Monday", start_time="14:00", end_time="14:30")
    early_morning = DoctorSlotFactory(day_of_week="Monday", start_time="08:00", end_time="08:30")
    nothing = DoctorFactory()
    order = [d["doctorId"] for d in doctors(api, ordering="nextAvailable")]
    assert order == [early_morning.doctor_id, early_afternoon.doctor_id, late.doctor_id, nothing.doctor_id]


def test_ordering_by_next_available_pages_do_not_overlap(api: APIClient) -> None:
    for hour in range(8, 20):
        DoctorSlotFactory(day_of_week="Monday", start_time=f"{hour:02d}:00", end_time=f"{hour:02d}:30")
    pages = [
        [
            d["doctorId"]
            for d in api.get("/api/v1/doctors", {"ordering": "nextAvailable", "page_size": 5, "page": n}).json()[
                "results"
            ]
        ]
        for n in (1, 2, 3)
    ]
    seen = [doctor for page in pages for doctor in page]
    assert len(seen) == len(set(seen)) == 12
    assert seen == [d["doctorId"] for d in doctors(api, ordering="nextAvailable")]


def _page_of_doctors(count: int) -> list[Doctor]:
    clinics = ClinicFactory.create_batch(2)
    made = []
    for n in range(count):
        doctor = DoctorFactory(clinics=[clinic_entry(c) for c in clinics], name=f"Dr. Number {n:03d}")
        DoctorSlotFactory(doctor=doctor, clinic=clinics[0], day_of_week=("Monday", "Wednesday")[n % 2])
        if n % 3 == 0:  # some full on their first day, so the scan goes on to the next week
            for time_slot in ("09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM", "11:00 AM", "11:30 AM"):
                AppointmentFactory(
                    doctor=doctor, appointment_date=("2031-01-06", "2031-01-08")[n % 2], time_slot=time_slot
                )
        made.append(doctor)
    return made


SEARCHES = [{}, {"availableOn": MONDAY}, {"ordering": "nextAvailable"}, {"type": "ONLINE", "ordering": "-rating"}]


def test_round_trips_are_flat_in_page_size(api: APIClient) -> None:
    _page_of_doctors(100)  # built once for every search below (100 doctors take a while)
    for params in SEARCHES:
        counts: dict[str, dict[int, int]] = {"worked out": {}, "stored": {}}
        for size in (5, 20, 100):
            next_free_forget_all()  # nothing stored (appointments/next_free_store.py), then read back
            for state in ("worked out", "stored"):
                with count_db_commands() as commands:
                    response = api.get("/api/v1/doctors", {"page_size": size, **params})
                assert response.status_code == 200
                results = response.json()["results"]
                assert len(results) == (min(size, 33) if "availableOn" in params else size)  # 17 of 50 full
                assert all(d["nextAvailable"] is not None for d in results)
                counts[state][size] = commands.count
        for state, by_size in counts.items():
            assert by_size[5] == by_size[20] == by_size[100], (params, state, counts)


def test_plain_search_page_costs_a_fixed_number_of_round_trips(
    api: APIClient, assert_db_commands: Callable[[int], AbstractContextManager]
) -> None:
    """Sign-in, the page with its count, the stored next free times; none is stored yet, so nextAvailable is
    worked out: slots, time off and extra hours, clinics, and a places query for the first week and one for
    the next two (a third of the doctors are full in the first week), and stored in one write. The next page
    reads them back."""
    _page_of_doctors(20)
    with assert_db_commands(9):
        api.get("/api/v1/doctors", {"page_size": 20, "ordering": "-rating"})
    with assert_db_commands(3):
        api.get("/api/v1/doctors", {"page_size": 20, "ordering": "-rating"})


def test_with_next_available_false_skips_it(api: APIClient) -> None:
    slot = DoctorSlotFactory()
    (shown,) = doctors(api, withNextAvailable="false")
    assert (shown["doctorId"], shown["nextAvailable"]) == (slot.doctor_id, None)

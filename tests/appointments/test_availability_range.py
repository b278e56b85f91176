"""GET /api/v1/doctors/{doctorId}/availability?from=&to=: a month in one call, through the same day rules."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from appointments.selectors import MSG_DATE_IN_PAST, slot_availability, slot_availability_range
from appointments.serializers import (
    MSG_DATE_OR_RANGE,
    MSG_RANGE_NEEDS_BOTH,
    MSG_RANGE_ORDER,
    MSG_RANGE_OUTSIDE,
    MSG_RANGE_TOO_LONG,
)
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, SUNDAY, TUESDAY
from tests.appointments.factories import AppointmentFactory
from tests.doctors.factories import DoctorSlotFactory

pytestmark = pytest.mark.django_db


def month(api: APIClient, doctor_id: str, start: str, end: str, **params: str) -> dict:
    response = api.get(f"/api/v1/doctors/{doctor_id}/availability", {"from": start, "to": end, **params})
    assert response.status_code == 200, response.json()
    return response.json()


def plus(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def test_a_range_lists_every_day_with_its_times(api: APIClient) -> None:
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="10:00")
    DoctorSlotFactory(doctor=slot.doctor, day_of_week="Tuesday", start_time="15:00", end_time="15:30")
    body = month(api, slot.doctor_id, MONDAY, NEXT_MONDAY)
    assert body["doctorId"] == slot.doctor_id
    assert "date" not in body and "slots" not in body
    assert [day["date"] for day in body["days"]] == [plus(MONDAY, n) for n in range(8)]
    by_day = {day["date"]: [s["timeSlot"] for s in day["slots"]] for day in body["days"]}
    assert by_day[MONDAY] == by_day[NEXT_MONDAY] == ["09:00 AM", "09:30 AM"]
    assert by_day[TUESDAY] == ["03:00 PM"]
    assert by_day[SUNDAY] == []


def test_a_range_subtracts_places_taken_on_each_day(api: APIClient) -> None:
    slot = DoctorSlotFactory(start_time="09:00", end_time="10:00", max_patients=2)
    AppointmentFactory(doctor=slot.doctor, appointment_date=MONDAY, time_slot="09:00 AM")
    AppointmentFactory(doctor=slot.doctor, appointment_date=NEXT_MONDAY, time_slot="09:00 AM")
    AppointmentFactory(doctor=slot.doctor, appointment_date=NEXT_MONDAY, time_slot="09:00 AM")
    days = {d["date"]: d["slots"] for d in month(api, slot.doctor_id, MONDAY, NEXT_MONDAY)["days"]}
    assert [(s["timeSlot"], s["remaining"]) for s in days[MONDAY]] == [("09:00 AM", 1), ("09:30 AM", 2)]
    assert [(s["timeSlot"], s["remaining"]) for s in days[NEXT_MONDAY]] == [("09:30 AM", 2)]


def test_each_day_of_a_range_is_the_day_asked_alone(api: APIClient) -> None:
    """One set of rules: the range and the one-day selector agree day by day (types, clinics, places)."""
    slot = DoctorSlotFactory(start_time="09:00", end_time="12:00", max_patients=2, consultation_type="BOTH")
    AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="10:00 AM")
    DoctorSlotFactory(doctor=slot.doctor, day_of_week="Tuesday", start_time="10:00", end_time="11:00")
    start, end = date.fromisoformat(MONDAY), date.fromisoformat(NEXT_MONDAY)
    for kind in (None, "ONLINE", "IN_CLINIC"):
        ranged = slot_availability_range(doctors=[slot.doctor], start=start, end=end, consultation_type=kind)
        for offset in range(8):
            day = start + timedelta(days=offset)
            alone = slot_availability(doctor=slot.doctor, date=day, consultation_type=kind)
            assert ranged[(slot.doctor_id, day)] == alone


def test_date_keeps_its_answer_and_also_gives_days(api: APIClient) -> None:
    slot = DoctorSlotFactory(start_time="09:00", end_time="10:00")
    body = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": MONDAY}).json()
    assert body["date"] == MONDAY
    assert [s["timeSlot"] for s in body["slots"]] == ["09:00 AM", "09:30 AM"]
    assert body["days"] == [{"date": MONDAY, "slots": body["slots"]}]


def test_days_outside_the_booking_window_are_listed_without_times(
    api: APIClient, settings: pytest.FixtureRequest
) -> None:
    settings.BOOKING_HORIZON_DAYS = 3  # type: ignore[attr-defined]
    doctor = DoctorSlotFactory(day_of_week="Saturday", start_time="09:00", end_time="09:30").doctor
    for day in ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        DoctorSlotFactory(doctor=doctor, day_of_week=day, start_time="09:00", end_time="09:30")
    body = month(api, doctor.doctor_id, plus(MONDAY, -2), plus(MONDAY, 5))
    with_times = [d["date"] for d in body["days"] if d["slots"]]
    assert len(body["days"]) == 8
    assert with_times == [plus(MONDAY, n) for n in range(4)]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": MONDAY}, "to", MSG_RANGE_NEEDS_BOTH),
        ({"to": MONDAY}, "from", MSG_RANGE_NEEDS_BOTH),
        ({}, "date", MSG_DATE_OR_RANGE),
        ({"date": MONDAY, "from": MONDAY, "to": MONDAY}, "date", MSG_DATE_OR_RANGE),
        ({"from": TUESDAY, "to": MONDAY}, "to", MSG_RANGE_ORDER),
        ({"from": MONDAY, "to": plus(MONDAY, 31)}, "to", MSG_RANGE_TOO_LONG.format(days=31)),
        ({"from": plus(MONDAY, -9), "to": plus(MONDAY, -1)}, "from", MSG_RANGE_OUTSIDE.format(days=90)),
        ({"from": plus(MONDAY, 91), "to": plus(MONDAY, 95)}, "from", MSG_RANGE_OUTSIDE.format(days=90)),
        ({"from": "06-01-2031", "to": MONDAY}, "from", None),
    ],
)
def test_bad_ranges_are_400(api: APIClient, params: dict, field: str, message: str | None) -> None:
    slot = DoctorSlotFactory()
    response = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", params)
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]


def test_a_31_day_range_is_allowed(api: APIClient) -> None:
    slot = DoctorSlotFactory()
    assert len(month(api, slot.doctor_id, MONDAY, plus(MONDAY, 30))["days"]) == 31


def test_a_past_date_alone_is_still_400(api: APIClient) -> None:
    slot = DoctorSlotFactory()
    response = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": plus(MONDAY, -1)})
    assert response.json() == {"date": [MSG_DATE_IN_PAST]}


@pytest.mark.parametrize("days", [1, 7, 31])
def test_round_trips_do_not_grow_with_the_range(
    api: APIClient, assert_db_commands: Callable[[int], AbstractContextManager], days: int
) -> None:
    """Sign-in check, doctor, slots, time off and extra hours, clinics, places: six round trips for 1, 7 or 31
    days alike."""
    slot = DoctorSlotFactory(start_time="08:00", end_time="12:00", max_patients=3)
    for day in ("Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        DoctorSlotFactory(doctor=slot.doctor, day_of_week=day, start_time="08:00", end_time="12:00")
    for offset in range(31):
        AppointmentFactory(doctor=slot.doctor, appointment_date=plus(MONDAY, offset), time_slot="09:00 AM")
    with assert_db_commands(6):
        body = month(api, slot.doctor_id, MONDAY, plus(MONDAY, days - 1))
    assert len(body["days"]) == days
    assert all(d["slots"] for d in body["days"])


def test_a_range_stops_at_the_doctor_s_own_horizon(api: APIClient) -> None:
    slot = DoctorSlotFactory(day_of_week="Monday", doctor__booking_horizon_days=6)
    days = month(api, slot.doctor_id, MONDAY, plus(MONDAY, 13))["days"]
    assert [d["date"] for d in days if d["slots"]] == [MONDAY]  # the next Monday is 7 days out


def test_next_available_stops_at_the_doctor_s_own_horizon(api: APIClient, settings: pytest.FixtureRequest) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 0  # type: ignore[attr-defined]
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="09:30", doctor__booking_horizon_days=6)
    AppointmentFactory(doctor=slot.doctor, appointment_date=MONDAY, time_slot="09:00 AM")
    (shown,) = api.get("/api/v1/doctors").json()["results"]
    assert shown["nextAvailable"] is None

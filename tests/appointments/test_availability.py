"""GET /api/v1/doctors/{doctorId}/availability and the slot_availability selector behind it."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from appointments.selectors import MSG_DATE_IN_PAST, MSG_DATE_TOO_FAR, time_12h
from clinics.models import OperatingHours
from doctors.models import Doctor
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, SUNDAY, TUESDAY
from tests.appointments.factories import AppointmentFactory
from tests.clinics.factories import ClinicFactory, week_hours
from tests.db_commands import count_db_commands
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry

pytestmark = pytest.mark.django_db


def availability(api: APIClient, doctor: Doctor, **params: str) -> list[dict]:
    response = api.get(f"/api/v1/doctors/{doctor.doctor_id}/availability", {"date": MONDAY, **params})
    assert response.status_code == 200, response.json()
    return response.json()["slots"]


def times(api: APIClient, doctor: Doctor, **params: str) -> list[str]:
    return [slot["timeSlot"] for slot in availability(api, doctor, **params)]


def test_weekly_slot_is_cut_into_slot_duration_steps(api: APIClient) -> None:
    slot = DoctorSlotFactory(start_time="09:00", end_time="12:00", slot_duration=30, consultation_fee=700)
    body = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": MONDAY}).json()
    assert body["doctorId"] == slot.doctor_id
    assert body["date"] == MONDAY
    assert [s["timeSlot"] for s in body["slots"]] == [
        "09:00 AM",
        "09:30 AM",
        "10:00 AM",
        "10:30 AM",
        "11:00 AM",
        "11:30 AM",
    ]
    assert body["slots"][0] == {
        "timeSlot": "09:00 AM",
        "clinicId": slot.clinic_id,
        "consultationType": "BOTH",
        "consultationFee": 700,
        "remaining": 1,
        "slotId": str(slot.pk),
    }


@pytest.mark.parametrize(
    ("start", "end", "duration", "expected"),
    [
        ("09:00", "10:00", 15, ["09:00 AM", "09:15 AM", "09:30 AM", "09:45 AM"]),
        ("09:00", "10:00", 45, ["09:00 AM"]),
        ("11:00", "13:00", 60, ["11:00 AM", "12:00 PM"]),
        ("12:30", "14:00", 30, ["12:30 PM", "01:00 PM", "01:30 PM"]),
    ],
)
def test_a_step_must_end_by_the_slot_end(api: APIClient, start: str, end: str, duration: int, expected: list) -> None:
    slot = DoctorSlotFactory(start_time=start, end_time=end, slot_duration=duration)
    assert times(api, slot.doctor) == expected


def test_only_the_weekday_of_the_date_counts(api: APIClient) -> None:
    monday = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="09:30")
    DoctorSlotFactory(doctor=monday.doctor, day_of_week="Tuesday", start_time="15:00", end_time="15:30")
    assert times(api, monday.doctor) == ["09:00 AM"]
    assert times(api, monday.doctor, date=TUESDAY) == ["03:00 PM"]
    assert times(api, monday.doctor, date=NEXT_MONDAY) == ["09:00 AM"]
    assert times(api, monday.doctor, date=SUNDAY) == []


def test_inactive_weekly_slots_give_nothing(api: APIClient) -> None:
    slot = DoctorSlotFactory(is_active=False)
    assert times(api, slot.doctor) == []


def test_times_of_several_slots_come_out_sorted_in_12_hour_form(api: APIClient, settings: Any) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 0  # 08:00 is an hour ahead of the clock
    afternoon = DoctorSlotFactory(start_time="14:00", end_time="15:00", slot_duration=60)
    DoctorSlotFactory(doctor=afternoon.doctor, start_time="08:00", end_time="09:00", slot_duration=60)
    DoctorSlotFactory(doctor=afternoon.doctor, start_time="12:00", end_time="13:00", slot_duration=60)
    assert times(api, afternoon.doctor) == ["08:00 AM", "12:00 PM", "02:00 PM"]


def test_12_hour_form_of_midnight_and_noon() -> None:
    assert [time_12h(m) for m in (0, 30, 12 * 60, 13 * 60 + 5, 23 * 60 + 59)] == [
        "12:00 AM",
        "12:30 AM",
        "12:00 PM",
        "01:05 PM",
        "11:59 PM",
    ]


def test_clinic_closed_that_day_gives_no_in_clinic_times(api: APIClient) -> None:
    clinic = ClinicFactory(operating_hours=week_hours(closed=("Monday",)))
    slot = DoctorSlotFactory(doctor=DoctorFactory(clinic=clinic), consultation_type="IN_CLINIC")
    assert times(api, slot.doctor) == []
    assert times(api, slot.doctor, date=TUESDAY) == []  # the slot is a Monday slot
    DoctorSlotFactory(doctor=slot.doctor, day_of_week="Tuesday", consultation_type="IN_CLINIC", end_time="09:30")
    assert times(api, slot.doctor, date=TUESDAY) == ["09:00 AM"]


def test_clinic_closed_leaves_a_both_slot_online_only(api: APIClient) -> None:
    clinic = ClinicFactory(operating_hours=week_hours(closed=("Monday",)))
    slot = DoctorSlotFactory(doctor=DoctorFactory(clinic=clinic), consultation_type="BOTH", end_time="10:00")
    assert [(s["timeSlot"], s["consultationType"]) for s in availability(api, slot.doctor)] == [
        ("09:00 AM", "ONLINE"),
        ("09:30 AM", "ONLINE"),
    ]
    assert times(api, slot.doctor, type="IN_CLINIC") == []


def test_in_clinic_times_stay_inside_operating_hours(api: APIClient) -> None:
    clinic = ClinicFactory(operating_hours=week_hours("10:00", "11:15"))
    slot = DoctorSlotFactory(doctor=DoctorFactory(clinic=clinic), consultation_type="IN_CLINIC")
    assert times(api, slot.doctor) == ["10:00 AM", "10:30 AM"]  # 11:00-11:30 would end after closing


def test_online_slots_ignore_clinic_hours(api: APIClient) -> None:
    clinic = ClinicFactory(operating_hours=week_hours("10:00", "11:00", closed=("Monday",)))
    slot = DoctorSlotFactory(doctor=DoctorFactory(clinic=clinic), consultation_type="ONLINE", end_time="10:00")
    assert times(api, slot.doctor) == ["09:00 AM", "09:30 AM"]


@pytest.mark.parametrize("hours", [None, OperatingHours(tuesday=week_hours().tuesday)])
def test_no_published_hours_leave_the_slot_as_the_only_limit(api: APIClient, hours: OperatingHours | None) -> None:
    clinic = ClinicFactory(operating_hours=hours)
    slot = DoctorSlotFactory(
        doctor=DoctorFactory(clinic=clinic), consultation_type="IN_CLINIC", start_time="06:00", end_time="07:00"
    )
    assert times(api, slot.doctor, date=NEXT_MONDAY) == ["06:00 AM", "06:30 AM"]


def test_inactive_clinic_gives_no_in_clinic_times(api: APIClient) -> None:
    clinic = ClinicFactory(is_active=False)
    slot = DoctorSlotFactory(doctor=DoctorFactory(clinic=clinic), consultation_type="IN_CLINIC")
    assert times(api, slot.doctor) == []


def test_no_in_clinic_times_at_a_clinic_the_doctor_does_not_practise_at(api: APIClient) -> None:
    elsewhere = ClinicFactory()
    doctor = DoctorFactory()
    DoctorSlotFactory(doctor=doctor, clinic=elsewhere, consultation_type="IN_CLINIC")
    assert times(api, doctor) == []


@pytest.mark.parametrize(
    ("requested", "expected_types"),
    [
        (None, ["IN_CLINIC", "ONLINE", "BOTH"]),
        ("ONLINE", ["ONLINE", "BOTH"]),
        ("IN_CLINIC", ["IN_CLINIC", "BOTH"]),
    ],
)
def test_type_filter_counts_both_as_either(api: APIClient, requested: str | None, expected_types: list) -> None:
    doctor = DoctorFactory()
    for start, kind in (("09:00", "IN_CLINIC"), ("10:00", "ONLINE"), ("11:00", "BOTH")):
        end = f"{int(start[:2]) + 1:02d}:00"
        DoctorSlotFactory(doctor=doctor, start_time=start, end_time=end, slot_duration=60, consultation_type=kind)
    params = {"type": requested} if requested else {}
    assert [s["consultationType"] for s in availability(api, doctor, **params)] == expected_types


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"available_online": False}, [("09:00 AM", "IN_CLINIC")]),
        ({"available_offline": False}, [("09:00 AM", "ONLINE")]),
        ({"available_online": False, "available_offline": False}, []),
    ],
)
def test_doctor_online_and_offline_flags_narrow_both_slots(api: APIClient, flags: dict, expected: list) -> None:
    slot = DoctorSlotFactory(doctor=DoctorFactory(**flags), consultation_type="BOTH", end_time="09:30")
    assert [(s["timeSlot"], s["consultationType"]) for s in availability(api, slot.doctor)] == expected


def test_clinic_id_filter(api: APIClient) -> None:
    first, second = ClinicFactory(), ClinicFactory()
    doctor = DoctorFactory(clinics=[clinic_entry(first), clinic_entry(second)])
    DoctorSlotFactory(doctor=doctor, clinic=first, start_time="09:00", end_time="09:30")
    DoctorSlotFactory(doctor=doctor, clinic=second, start_time="14:00", end_time="14:30")
    assert times(api, doctor) == ["09:00 AM", "02:00 PM"]
    assert times(api, doctor, clinicId=second.clinic_id) == ["02:00 PM"]
    response = api.get(f"/api/v1/doctors/{doctor.doctor_id}/availability", {"date": MONDAY, "clinicId": "CLINIC-NONE"})
    assert response.status_code == 400  # not the doctor's clinic (tests/appointments/test_issue17_attacks.py)


def test_fee_is_the_slot_fee(api: APIClient) -> None:
    slot = DoctorSlotFactory(doctor=DoctorFactory(consultation_fee=1500), consultation_fee=0, end_time="09:30")
    assert availability(api, slot.doctor)[0]["consultationFee"] == 0


def test_max_patients_above_one_counts_down_and_then_the_time_is_gone(api: APIClient) -> None:
    slot = DoctorSlotFactory(max_patients=3, start_time="09:00", end_time="10:00")
    key = {"doctor": slot.doctor, "appointment_date": MONDAY, "time_slot": "09:00 AM"}
    assert availability(api, slot.doctor)[0]["remaining"] == 3
    AppointmentFactory(**key)
    AppointmentFactory(**key, status="PENDING_CONFIRMATION")
    AppointmentFactory(**key, status="CANCELLED")  # a cancelled one holds nothing
    assert [(s["timeSlot"], s["remaining"]) for s in availability(api, slot.doctor)] == [
        ("09:00 AM", 1),
        ("09:30 AM", 3),
    ]
    AppointmentFactory(**key, status="COMPLETED")
    assert times(api, slot.doctor) == ["09:30 AM"]


def test_places_taken_on_another_date_do_not_count(api: APIClient) -> None:
    slot = DoctorSlotFactory(end_time="09:30")
    AppointmentFactory(doctor=slot.doctor, appointment_date=NEXT_MONDAY, time_slot="09:00 AM")
    assert times(api, slot.doctor) == ["09:00 AM"]
    assert times(api, slot.doctor, date=NEXT_MONDAY) == []


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("07:00", ["09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM"]),
        ("09:00", ["09:30 AM", "10:00 AM", "10:30 AM"]),  # a time that has begun is past
        ("09:59", ["10:00 AM", "10:30 AM"]),
        ("10:10", ["10:30 AM"]),
        ("11:00", []),
    ],
)
def test_no_past_times_today(
    api: APIClient, set_clock: Callable[[str, str], None], settings: Any, now: str, expected: list
) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 0  # without notice, only the past is hidden
    slot = DoctorSlotFactory(start_time="09:00", end_time="11:00")
    set_clock(MONDAY, now)
    assert times(api, slot.doctor) == expected
    assert len(times(api, slot.doctor, date=NEXT_MONDAY)) == 4


def test_past_date_is_400(api: APIClient, set_clock: Callable[[str, str], None]) -> None:
    slot = DoctorSlotFactory()
    set_clock(TUESDAY, "07:00")
    response = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": MONDAY})
    assert response.status_code == 400
    assert response.json() == {"date": [MSG_DATE_IN_PAST]}


def test_beyond_the_booking_horizon_is_400(api: APIClient, settings: pytest.FixtureRequest) -> None:
    slot = DoctorSlotFactory()
    settings.BOOKING_HORIZON_DAYS = 7
    assert times(api, slot.doctor, date=NEXT_MONDAY) == [
        "09:00 AM",
        "09:30 AM",
        "10:00 AM",
        "10:30 AM",
        "11:00 AM",
        "11:30 AM",
    ]
    response = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": "2031-01-14"})
    assert response.status_code == 400
    assert response.json() == {"date": [MSG_DATE_TOO_FAR.format(days=7)]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "date"),
        ({"date": "06-01-2031"}, "date"),
        ({"date": "2031-02-30"}, "date"),
        ({"date": MONDAY, "type": "HOME_VISIT"}, "type"),
    ],
)
def test_bad_parameters_are_400(api: APIClient, params: dict, field: str) -> None:
    slot = DoctorSlotFactory()
    response = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("doctor_id", ["DOC-NONE", "inactive"])
def test_unknown_or_inactive_doctor_is_404(api: APIClient, doctor_id: str) -> None:
    if doctor_id == "inactive":
        doctor_id = DoctorSlotFactory(doctor=DoctorFactory(is_active=False)).doctor_id
    response = api.get(f"/api/v1/doctors/{doctor_id}/availability", {"date": MONDAY})
    assert response.status_code == 404


def test_availability_needs_a_member(api: APIClient) -> None:
    slot = DoctorSlotFactory()
    assert APIClient().get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": MONDAY}).status_code == 401


def test_round_trips_do_not_grow_with_the_number_of_slots(api: APIClient) -> None:
    few = DoctorSlotFactory(end_time="09:30")
    many = DoctorFactory()
    for day_start in ("08:00", "10:00", "12:00", "14:00", "16:00"):
        DoctorSlotFactory(doctor=many, start_time=day_start, end_time=f"{int(day_start[:2]) + 2:02d}:00")
    counts = []
    for doctor in (few.doctor, many):
        with count_db_commands() as commands:
            times(api, doctor)
        counts.append(commands.count)
    assert counts[0] == counts[1]

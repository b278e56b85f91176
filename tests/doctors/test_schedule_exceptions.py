"""The time off record's own rules (doctors/models.py: ScheduleException.covers; doctors/schedule/exceptions.py:
time_off_check). DB-free: what availability, booking and the services build on."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from core import clock
from doctors.models import DoctorClinic, ScheduleException
from doctors.schedule.exceptions import (
    MSG_DATE_PAST,
    MSG_RANGE_TOO_LONG,
    MSG_TIMES_BOTH,
    ExceptionInvalid,
    time_off_check,
)
from tests.doctors.factories import DoctorFactory

TUESDAY = date(2031, 1, 7)


@pytest.fixture(autouse=True)
def _monday(monkeypatch: pytest.MonkeyPatch) -> None:
    instant = datetime(2031, 1, 6, 7, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(clock, "now", lambda: instant)


def time_off(**fields: object) -> ScheduleException:
    values = {"kind": "TIME_OFF", "start_date": "2031-01-07", "end_date": "2031-01-07", **fields}
    return ScheduleException(**values)


@pytest.mark.parametrize(
    ("fields", "minute", "clinic", "covered"),
    [
        ({}, 9 * 60, None, True),  # all day, everywhere: online too
        ({}, 9 * 60, "CLINIC001", True),
        ({"clinic_id": "CLINIC001"}, 9 * 60, "CLINIC001", True),
        ({"clinic_id": "CLINIC001"}, 9 * 60, "CLINIC002", False),
        ({"clinic_id": "CLINIC001"}, 9 * 60, None, False),  # one clinic: online times stay
        ({"start_time": "10:00 AM", "end_time": "11:00 AM"}, 10 * 60, None, True),
        ({"start_time": "10:00 AM", "end_time": "11:00 AM"}, 10 * 60 + 59, None, True),
        ({"start_time": "10:00 AM", "end_time": "11:00 AM"}, 11 * 60, None, False),  # ends before 11:00
        ({"start_time": "10:00 AM", "end_time": "11:00 AM"}, 9 * 60 + 59, None, False),
        ({"kind": "EXTRA_HOURS"}, 9 * 60, None, False),  # extra hours never cover
    ],
)
def test_what_a_time_off_covers(fields: dict, minute: int, clinic: str | None, covered: bool) -> None:
    assert time_off(**fields).covers(day=TUESDAY, minute=minute, clinic_id=clinic) is covered


def test_a_range_covers_its_days_inclusive() -> None:
    leave = time_off(start_date="2031-01-07", end_date="2031-01-09")
    assert [leave.on(date(2031, 1, d)) for d in (6, 7, 8, 9, 10)] == [False, True, True, True, False]


def _doctor() -> object:
    return DoctorFactory.build(clinics=[DoctorClinic(clinic_id="CLINIC001", name="A", address="B", consultation_fee=1)])


def test_check_returns_the_record_unsaved() -> None:
    record = time_off_check(
        doctor=_doctor(), start_date="2031-01-07", end_date="2031-01-08", reason="  Leave  ", clinic_id="CLINIC001"
    )
    assert (record.kind, record.reason, record.clinic_id, record.pk) == ("TIME_OFF", "Leave", "CLINIC001", None)


def test_check_reports_every_field_at_once() -> None:
    with pytest.raises(ExceptionInvalid) as refused:
        time_off_check(doctor=_doctor(), start_date="2031-01-01", end_date="2031-01-02", reason="", end_time="10:00 AM")
    assert set(refused.value.errors) == {"start_date", "end_date", "start_time", "reason"}
    assert refused.value.errors["start_date"] == [MSG_DATE_PAST]
    assert refused.value.errors["start_time"] == [MSG_TIMES_BOTH]


def test_ninety_days_at_most(settings: object) -> None:
    assert time_off_check(doctor=_doctor(), start_date="2031-01-07", end_date="2031-04-06", reason="Leave")
    with pytest.raises(ExceptionInvalid) as refused:
        time_off_check(doctor=_doctor(), start_date="2031-01-07", end_date="2031-04-07", reason="Leave")
    assert refused.value.errors == {"end_date": [MSG_RANGE_TOO_LONG.format(days=90)]}

"""A weekly slot added (or moved, or opened again) later is refused where it overlaps extra hours still to come
on that weekday, as extra hours are refused over a weekly slot (doctors/schedule/services.py;
docs/decisions/0038-weekly-slot-over-extra-hours.md)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from core import clock
from devtools.query_plans import query_plans
from doctors.models import Doctor, DoctorSlot, ScheduleException
from doctors.schedule.exceptions import extra_hours_check
from doctors.schedule.services import (
    MSG_SLOT_OVERLAPS_EXTRA_HOURS,
    SlotConflict,
    extra_hours_overlapping,
    slot_activate,
    slot_create,
    slot_update,
)
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory

pytestmark = pytest.mark.django_db

TUESDAY, NEXT_TUESDAY, LAST_TUESDAY = "2031-01-07", "2031-01-14", "2030-12-31"


@pytest.fixture(autouse=True)
def _monday(monkeypatch: pytest.MonkeyPatch) -> None:
    instant = datetime(2031, 1, 6, 7, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(clock, "now", lambda: instant)


@pytest.fixture
def doctor() -> Doctor:
    return DoctorFactory()


def extra(doctor: Doctor, day: str = TUESDAY, start: str = "17:00", end: str = "19:00") -> ScheduleException:
    return ScheduleException.objects.create(
        doctor=doctor,
        kind="EXTRA_HOURS",
        start_date=day,
        end_date=day,
        clinic_id=doctor.clinics[0].clinic_id,
        start_time=start,
        end_time=end,
        slot_duration=30,
        max_patients=1,
        consultation_fee=800,
        consultation_type="BOTH",
        created_by_role="DOCTOR",
        created_by_id=doctor.doctor_id,
    )


def weekly(
    doctor: Doctor, start: str = "16:00", end: str = "18:00", day: str = "Tuesday", **more: object
) -> DoctorSlot:
    return slot_create(
        doctor=doctor,
        clinic_id=doctor.clinics[0].clinic_id,
        day_of_week=day,
        start_time=start,
        end_time=end,
        consultation_fee=500,
        consultation_type="BOTH",
        **more,
    )


def test_a_weekly_slot_over_extra_hours_to_come_is_refused_naming_the_date_and_clinic(doctor: Doctor) -> None:
    extra(doctor)
    with pytest.raises(SlotConflict) as refused:
        weekly(doctor)
    assert refused.value.message == MSG_SLOT_OVERLAPS_EXTRA_HOURS.format(
        start="17:00", end="19:00", date=TUESDAY, clinic=doctor.clinics[0].name
    )
    assert not DoctorSlot.objects.exists()


@pytest.mark.parametrize(
    ("day", "start", "end", "weekday"),
    [
        (LAST_TUESDAY, "17:00", "19:00", "Tuesday"),  # extra hours already past
        (TUESDAY, "18:00", "19:00", "Tuesday"),  # starts as the slot ends: touching is no overlap
        (TUESDAY, "17:00", "19:00", "Wednesday"),  # another weekday
    ],
)
def test_what_does_not_overlap_is_allowed(doctor: Doctor, day: str, start: str, end: str, weekday: str) -> None:
    extra(doctor, day, start, end)
    assert weekly(doctor, start="16:00", end="18:00", day=weekday).pk is not None


def test_opening_or_moving_a_slot_onto_extra_hours_is_refused_but_other_edits_are_not(doctor: Doctor) -> None:
    closed = weekly(doctor, is_active=False)
    elsewhere = weekly(doctor, start="09:00", end="11:00")
    extra(doctor, NEXT_TUESDAY)
    with pytest.raises(SlotConflict, match=NEXT_TUESDAY):
        slot_activate(slot=closed, doctor=doctor)
    with pytest.raises(SlotConflict, match=NEXT_TUESDAY):
        slot_update(slot=elsewhere, doctor=doctor, data={"start_time": "17:30", "end_time": "18:30"})
    elsewhere.refresh_from_db()
    slot_update(slot=elsewhere, doctor=doctor, data={"consultation_fee": 650})  # its hours unchanged


def test_legacy_overlap_does_not_block_a_fee_change(doctor: Doctor) -> None:
    """A weekly slot stored over extra hours before this rule can still have its fee changed."""
    slot = DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", start_time="16:00", end_time="18:00")
    extra(doctor)
    slot_update(slot=slot, doctor=doctor, data={"consultation_fee": 650})


def test_extra_hours_on_the_same_weekday_another_week_are_still_allowed(doctor: Doctor) -> None:
    extra(doctor)
    again = extra_hours_check(
        doctor=doctor,
        date=NEXT_TUESDAY,
        clinic_id=doctor.clinics[0].clinic_id,
        start_time="17:00",
        end_time="19:00",
        consultation_fee=800,
        consultation_type="BOTH",
    )
    assert again.start_date == NEXT_TUESDAY


def test_the_extra_hours_to_come_are_read_through_an_index(doctor: Doctor) -> None:
    extra(doctor)
    slot = DoctorSlot(doctor=doctor, day_of_week="Tuesday", start_time="16:00", end_time="18:00", is_active=True)
    plans = query_plans(lambda: extra_hours_overlapping(slot=slot))
    assert [(plan.stage, plan.index) for plan in plans] == [("IXSCAN", "schedule_exc_doctor_kind_end")]

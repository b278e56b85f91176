"""Time off and extra hours: availability and booking respect them at once, and adding time off deals with the
appointments it covers (appointments/services/time_off.py; docs/booking.md, Time off and extra hours)."""

from typing import Any

import pytest
from bson import ObjectId

from appointments.models import Actor, Appointment, AppointmentStatus
from appointments.selectors import slot_availability, slot_schedule
from appointments.services import booking
from appointments.services.booking import BookingInvalid, appointment_book
from appointments.services.time_off import (
    Actorship,
    TimeOffAffects,
    extra_hours_add,
    extra_hours_delete,
    time_off_add,
    time_off_affected,
    time_off_delete,
)
from core.errors import Conflict
from doctors.models import AffectedDecision, Doctor, DoctorSlot, ScheduleException
from doctors.schedule.selectors import schedule_exceptions
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, TUESDAY
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

WEDNESDAY = "2031-01-08"


@pytest.fixture
def slot() -> DoctorSlot:
    """Dr. Vikas Mittal, Tuesday 09:00-12:00 every 30 minutes, one patient per time, BOTH."""
    doctor = DoctorFactory(doctor_id="DOC001", name="Dr. Vikas Mittal")
    return DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", consultation_type="BOTH")


def doctor_by(doctor: Doctor) -> Actorship:
    return Actorship(actor=Actor.DOCTOR, id=doctor.doctor_id)


def off(doctor: Doctor, **fields: Any) -> ScheduleException:
    values = {"start_date": TUESDAY, "end_date": TUESDAY, "reason": "Conference", **fields}
    return time_off_add(doctor=doctor, by=doctor_by(doctor), **values)


def times(doctor: Doctor, day: str = TUESDAY, **filters: Any) -> list[str]:
    from datetime import date

    return [t.time_slot for t in slot_availability(doctor=doctor, date=date.fromisoformat(day), **filters)]


def book(member: User, slot: DoctorSlot, time_slot: str = "10:00 AM", day: str = TUESDAY, **more: Any) -> Appointment:
    return appointment_book(
        user=member,
        doctor_id=slot.doctor_id,
        appointment_type=more.pop("appointment_type", "IN_CLINIC"),
        appointment_date=day,
        time_slot=time_slot,
        clinic_id=more.pop("clinic_id", slot.clinic_id),
        **more,
    )


# --- availability and booking -------------------------------------------------------------------------------


def test_whole_day_time_off_removes_every_time_of_the_day(slot: DoctorSlot) -> None:
    assert len(times(slot.doctor)) == 6
    off(slot.doctor)
    assert times(slot.doctor) == []
    assert times(slot.doctor, NEXT_MONDAY) == []  # a Monday: no slot anyway
    assert len(times(slot.doctor, "2031-01-14")) == 6  # the next Tuesday is untouched


def test_a_date_range_covers_each_of_its_days(slot: DoctorSlot) -> None:
    off(slot.doctor, start_date=TUESDAY, end_date="2031-01-14")
    assert times(slot.doctor) == []
    assert times(slot.doctor, "2031-01-14") == []
    assert len(times(slot.doctor, "2031-01-21")) == 6


def test_part_day_time_off_removes_only_the_times_starting_inside_it(slot: DoctorSlot) -> None:
    off(slot.doctor, start_time="10:00 AM", end_time="11:00 AM")
    assert times(slot.doctor) == ["09:00 AM", "09:30 AM", "11:00 AM", "11:30 AM"]


def test_one_clinic_time_off_removes_only_that_clinics_in_clinic_side(slot: DoctorSlot) -> None:
    other = ClinicFactory()
    slot.doctor.clinics = [*slot.doctor.clinics, clinic_entry(other)]
    slot.doctor.save()
    DoctorSlotFactory(doctor=slot.doctor, clinic=other, day_of_week="Tuesday", start_time="14:00", end_time="15:00")
    off(slot.doctor, clinic_id=slot.clinic_id)
    # The morning slot (first clinic) stays bookable online; the afternoon (other clinic) is untouched.
    assert times(slot.doctor, consultation_type="IN_CLINIC") == ["02:00 PM", "02:30 PM"]
    assert len(times(slot.doctor, consultation_type="ONLINE")) == 8


def test_booking_inside_time_off_is_refused_with_its_message(slot: DoctorSlot) -> None:
    off(slot.doctor)
    with pytest.raises(BookingInvalid) as refused:
        book(UserFactory(), slot)
    assert refused.value.errors == {
        "appointmentDate": ["Dr. Vikas Mittal is away on 2031-01-07 (Conference). Choose another date."]
    }
    assert not Appointment.objects.exists()


def test_booking_inside_part_day_time_off_names_its_hours(slot: DoctorSlot) -> None:
    off(slot.doctor, start_time="10:00 AM", end_time="11:00 AM", reason="Surgery")
    with pytest.raises(BookingInvalid) as refused:
        book(UserFactory(), slot, "10:30 AM")
    assert refused.value.errors == {
        "timeSlot": ["Dr. Vikas Mittal is away on 2031-01-07 from 10:00 AM to 11:00 AM (Surgery). Choose another time."]
    }
    assert book(UserFactory(), slot, "11:00 AM").status == AppointmentStatus.CONFIRMED


def test_booking_online_is_allowed_during_one_clinic_time_off(slot: DoctorSlot) -> None:
    off(slot.doctor, clinic_id=slot.clinic_id)
    with pytest.raises(BookingInvalid, match="away on 2031-01-07 at "):
        book(UserFactory(), slot)
    appointment = book(
        UserFactory(),
        slot,
        appointment_type="ONLINE",
        clinic_id=None,
        contact_number="+919876543210",
        call_preference="VIDEO",
    )
    assert appointment.pk


def test_extra_hours_appear_on_their_date_only_and_can_be_booked(slot: DoctorSlot) -> None:
    extra = extra_hours_add(
        doctor=slot.doctor,
        by=doctor_by(slot.doctor),
        date=WEDNESDAY,
        clinic_id=slot.clinic_id,
        start_time="17:00",
        end_time="18:00",
        consultation_fee=800,
        consultation_type="IN_CLINIC",
        max_patients=2,
    )
    assert times(slot.doctor, WEDNESDAY) == ["05:00 PM", "05:30 PM"]
    assert times(slot.doctor, "2031-01-15") == []  # the next Wednesday: nothing
    first = slot_availability(doctor=slot.doctor, date=extra_date())[0]
    assert (first.consultation_fee, first.max_patients, first.slot_id) == (800, 2, extra.pk)
    appointment = book(UserFactory(), slot, "05:00 PM", WEDNESDAY)
    assert (appointment.slot_id, appointment.consultation_fee) == (extra.pk, 800)
    with pytest.raises(Conflict):
        extra_hours_delete(extra=extra)
    assert ScheduleException.objects.filter(pk=extra.pk).exists()


def extra_date():
    from datetime import date

    return date.fromisoformat(WEDNESDAY)


def test_extra_hours_follow_the_weekly_slots_rules(slot: DoctorSlot) -> None:
    from doctors.schedule.services import SlotConflict, SlotInvalid

    fields = {"date": TUESDAY, "clinic_id": slot.clinic_id, "consultation_fee": 500, "consultation_type": "BOTH"}
    with pytest.raises(SlotConflict):  # overlaps the weekly Tuesday slot
        extra_hours_add(doctor=slot.doctor, by=doctor_by(slot.doctor), start_time="11:00", end_time="13:00", **fields)
    with pytest.raises(SlotInvalid) as invalid:
        extra_hours_add(doctor=slot.doctor, by=doctor_by(slot.doctor), start_time="15:00", end_time="14:00", **fields)
    assert "end_time" in invalid.value.errors
    assert not ScheduleException.objects.exists()


def test_time_off_covers_extra_hours_too(slot: DoctorSlot) -> None:
    extra_hours_add(
        doctor=slot.doctor,
        by=doctor_by(slot.doctor),
        date=WEDNESDAY,
        clinic_id=slot.clinic_id,
        start_time="17:00",
        end_time="18:00",
        consultation_fee=800,
        consultation_type="BOTH",
    )
    off(slot.doctor, start_date=WEDNESDAY, end_date=WEDNESDAY)
    assert times(slot.doctor, WEDNESDAY) == []


def test_deleting_time_off_offers_its_times_again(slot: DoctorSlot) -> None:
    time_off = off(slot.doctor)
    time_off_delete(time_off=time_off)
    assert len(times(slot.doctor)) == 6


# --- the appointments a time off covers ---------------------------------------------------------------------


@pytest.fixture
def booked(slot: DoctorSlot) -> list[Appointment]:
    """Two live appointments on Tuesday (10:00 IN_CLINIC, 11:00 ONLINE), one cancelled, one on Wednesday."""
    doctor = slot.doctor
    return [
        AppointmentFactory(doctor=doctor, appointment_date=TUESDAY, time_slot="10:00 AM"),
        OnlineAppointmentFactory(
            doctor=doctor, appointment_date=TUESDAY, time_slot="11:00 AM", status="PENDING_CONFIRMATION"
        ),
        AppointmentFactory(doctor=doctor, appointment_date=TUESDAY, time_slot="09:00 AM", status="CANCELLED"),
        AppointmentFactory(doctor=doctor, appointment_date=WEDNESDAY, time_slot="10:00 AM"),
    ]


def test_without_a_decision_the_covered_appointments_are_listed_and_nothing_is_saved(
    slot: DoctorSlot, booked: list[Appointment]
) -> None:
    with pytest.raises(TimeOffAffects) as refused:
        off(slot.doctor)
    assert [a["appointmentId"] for a in refused.value.data["appointments"]] == [
        booked[0].appointment_id,
        booked[1].appointment_id,
    ]
    assert refused.value.message.startswith("2 booked appointment(s) fall inside this time off.")
    assert not ScheduleException.objects.exists()
    assert Appointment.objects.get(pk=booked[0].pk).status == AppointmentStatus.CONFIRMED


def test_part_day_and_one_clinic_time_off_list_only_what_they_cover(
    slot: DoctorSlot, booked: list[Appointment]
) -> None:
    with pytest.raises(TimeOffAffects) as refused:
        off(slot.doctor, start_time="10:30 AM", end_time="12:00 PM")
    assert [a["timeSlot"] for a in refused.value.data["appointments"]] == ["11:00 AM"]
    with pytest.raises(TimeOffAffects) as refused:
        off(slot.doctor, clinic_id=slot.clinic_id)
    assert [a["appointmentType"] for a in refused.value.data["appointments"]] == ["IN_CLINIC"]


def test_cancel_cancels_each_covered_appointment_by_the_doctor_with_the_reason(
    slot: DoctorSlot, booked: list[Appointment]
) -> None:
    time_off = off(slot.doctor, affected="cancel")
    assert time_off.affected_decision == AffectedDecision.CANCEL
    assert time_off.cancelled_appointment_ids == [booked[0].pk, booked[1].pk]
    for appointment in booked[:2]:
        appointment.refresh_from_db()
        assert (appointment.status, appointment.cancelled_by, appointment.cancellation_reason) == (
            "CANCELLED",
            Actor.DOCTOR,
            "Conference",
        )
        assert appointment.place_number is None
    assert Appointment.objects.get(pk=booked[3].pk).status == AppointmentStatus.CONFIRMED


def test_keep_saves_the_time_off_and_records_the_kept_appointments(slot: DoctorSlot, booked: list[Appointment]) -> None:
    time_off = off(slot.doctor, affected="keep")
    assert time_off.kept_appointment_ids == [booked[0].pk, booked[1].pk]
    assert {a.status for a in Appointment.objects.filter(pk__in=time_off.kept_appointment_ids)} == {
        "CONFIRMED",
        "PENDING_CONFIRMATION",
    }
    assert times(slot.doctor) == []


def test_choices_one_by_one(slot: DoctorSlot, booked: list[Appointment]) -> None:
    choices = {str(booked[0].pk): "keep", str(booked[1].pk): "cancel"}
    time_off = off(slot.doctor, choices=choices)
    assert (time_off.affected_decision, time_off.kept_appointment_ids) == ("each", [booked[0].pk])
    assert Appointment.objects.get(pk=booked[0].pk).status == "CONFIRMED"
    assert Appointment.objects.get(pk=booked[1].pk).status == "CANCELLED"


def test_choices_missing_one_appointment_list_them_again(slot: DoctorSlot, booked: list[Appointment]) -> None:
    with pytest.raises(TimeOffAffects):
        off(slot.doctor, choices={str(booked[0].pk): "keep"})
    assert not ScheduleException.objects.exists()


def test_the_same_request_again_finishes_what_a_crash_left(slot: DoctorSlot, booked: list[Appointment]) -> None:
    time_off = off(slot.doctor, affected="cancel")
    # As if the process had died after the insert: the appointments are live again.
    Appointment.objects.filter(pk__in=[booked[0].pk]).update(status="CONFIRMED")
    again = off(slot.doctor, affected="cancel")
    assert again.pk == time_off.pk
    assert ScheduleException.objects.count() == 1
    assert Appointment.objects.get(pk=booked[0].pk).status == "CANCELLED"


# --- the race: a booking that passed its check before the time off was saved ---------------------------------


def test_a_booking_racing_the_time_off_is_undone(slot: DoctorSlot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The booking checks availability (no time off yet); the time off is saved before the booking inserts."""
    real_take = booking.place_take

    def take_after_time_off(**kwargs: Any) -> Appointment:
        off(slot.doctor, affected="cancel")  # saved between the booking's check and its insert
        return real_take(**kwargs)

    monkeypatch.setattr(booking, "place_take", take_after_time_off)
    with pytest.raises(BookingInvalid, match="away on 2031-01-07"):
        book(UserFactory(), slot)
    undone = Appointment.objects.get()
    assert (undone.status, undone.cancelled_by) == ("CANCELLED", Actor.SYSTEM)
    assert undone.place_number is None


def test_a_booking_inserted_before_the_time_off_reads_is_cancelled_by_the_time_off(
    slot: DoctorSlot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other order: the booking is inserted after the time off's preview but before its insert; the
    time off's read after its insert finds it (a "keep" covers only what the doctor saw)."""
    from appointments.services import time_off as service

    real_insert = service.time_off_insert

    def insert_after_booking(**kwargs: Any) -> ScheduleException:
        monkeypatch.setattr(booking, "time_off_recheck", lambda **_: None)  # its own re-check is the other path
        book(UserFactory(), slot)
        return real_insert(**kwargs)

    monkeypatch.setattr(service, "time_off_insert", insert_after_booking)
    time_off = off(slot.doctor, affected="keep")
    assert time_off.kept_appointment_ids == []
    late = Appointment.objects.get()
    assert (late.status, late.cancelled_by, late.cancellation_reason) == ("CANCELLED", Actor.SYSTEM, "Conference")


# --- reads ---------------------------------------------------------------------------------------------------


def test_schedule_exceptions_reads_many_doctors_and_days_in_one_query(
    slot: DoctorSlot, assert_db_commands: Any
) -> None:
    other = DoctorFactory()
    off(slot.doctor)
    ScheduleException.objects.create(
        doctor=other,
        kind="TIME_OFF",
        start_date="2031-01-20",
        end_date="2031-01-25",
        reason="Leave",
        created_by_role="STAFF",
        created_by_id="x",
    )
    from datetime import date

    with assert_db_commands(1):
        found = schedule_exceptions(
            doctor_ids=[slot.doctor_id, other.doctor_id], start=date(2031, 1, 7), end=date(2031, 1, 21)
        )
    assert [e.doctor_id for e in found] == [slot.doctor_id, other.doctor_id]
    assert schedule_exceptions(doctor_ids=[other.doctor_id], start=date(2031, 1, 26), end=date(2031, 2, 1)) == []


def test_availability_round_trips_stay_flat_with_time_off_and_extra_hours(
    slot: DoctorSlot, assert_db_commands: Any
) -> None:
    from datetime import date

    day = date.fromisoformat(TUESDAY)
    with assert_db_commands(4):  # slots, exceptions, clinics, places taken
        slot_availability(doctor=slot.doctor, date=day)
    off(slot.doctor, start_time="09:00 AM", end_time="10:00 AM")
    for start in ("13:00", "15:00", "17:00"):
        extra_hours_add(
            doctor=slot.doctor,
            by=doctor_by(slot.doctor),
            date=TUESDAY,
            clinic_id=slot.clinic_id,
            start_time=start,
            end_time=f"{int(start[:2]) + 1}:00",
            consultation_fee=500,
            consultation_type="BOTH",
        )
    with assert_db_commands(4):
        assert len(slot_availability(doctor=slot.doctor, date=day)) == 4 + 6
    exceptions = schedule_exceptions(doctor_ids=[slot.doctor_id], start=day, end=day)
    with assert_db_commands(2):  # given the exceptions: slots and clinics only
        slot_schedule(doctor=slot.doctor, day=day, exceptions=exceptions)


def test_time_off_affected_is_one_query(slot: DoctorSlot, booked: list[Appointment], assert_db_commands: Any) -> None:
    time_off = ScheduleException(doctor=slot.doctor, kind="TIME_OFF", start_date=TUESDAY, end_date="2031-02-05")
    with assert_db_commands(1):
        assert len(time_off_affected(time_off=time_off)) == 3
    assert ObjectId.is_valid(str(booked[0].pk))
    _ = MONDAY


# --- audit_integrity ------------------------------------------------------------------------------------------


def test_audit_finds_a_live_appointment_inside_time_off_and_repair_cancels_it(slot: DoctorSlot) -> None:
    from appointments.integrity import PROBLEM_INSIDE_TIME_OFF
    from core.integrity import integrity_audit

    kept = AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="09:00 AM")
    time_off = off(slot.doctor, affected="keep")
    # As a crash between the insert and the cancels would leave it (or a raw write): a live one not kept.
    left = AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="10:00 AM")
    report = integrity_audit(only=["appointments.time_off"])
    assert [(f.problem, f.ids["_id"], f.ids["timeOffId"]) for _, f in report.problems] == [
        (PROBLEM_INSIDE_TIME_OFF, left.pk, time_off.pk)
    ]
    integrity_audit(repair=True, only=["appointments.time_off"])
    assert not integrity_audit(only=["appointments.time_off"]).problems
    left.refresh_from_db()
    assert (left.status, left.cancelled_by, left.cancellation_reason) == ("CANCELLED", Actor.SYSTEM, "Conference")
    assert Appointment.objects.get(pk=kept.pk).status == "CONFIRMED"  # kept: legitimate


def test_audit_counts_capacity_of_extra_hours(slot: DoctorSlot) -> None:
    from appointments.integrity import NOTE_NO_SLOT, PROBLEM_OVER_CAPACITY
    from core.integrity import integrity_audit

    extra_hours_add(
        doctor=slot.doctor,
        by=doctor_by(slot.doctor),
        date=WEDNESDAY,
        clinic_id=slot.clinic_id,
        start_time="17:00",
        end_time="18:00",
        consultation_fee=800,
        consultation_type="BOTH",
    )
    book(UserFactory(), slot, "05:00 PM", WEDNESDAY)
    result = integrity_audit(only=["appointments.capacity", "appointments.places"])
    assert not result.problems
    notes = [n.problem for _, (_, r) in result.results.items() for n in r.notes]
    assert NOTE_NO_SLOT not in notes
    AppointmentFactory(doctor=slot.doctor, appointment_date=WEDNESDAY, time_slot="05:00 PM")  # one too many
    assert PROBLEM_OVER_CAPACITY in {f.problem for _, f in integrity_audit(only=["appointments.capacity"]).problems}

"""A reschedule racing a time off being saved never leaves the appointment inside it
(appointments/services/booking.py, `_reschedule_time_off_recheck`; docs/decisions/0037-reschedule-racing-time-off.md).

The reschedule checks its new time, moves (one guarded update), then re-reads the doctor's time off. If a time
off saved meanwhile covers the new time, the move is undone: back to the place it left when that place is still
free and not inside a time off that does not keep it, else cancelled by the system. Both orders of the writes
are interleaved here by hand, then raced with threads (audited after: conftest.py)."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from appointments.events import AppointmentEvent, _listeners
from appointments.models import Actor, Appointment
from appointments.services import booking
from appointments.services import time_off as time_off_service
from appointments.services.booking import (
    MSG_REASON_MOVED_INTO_TIME_OFF,
    MSG_RESCHEDULE_UNDONE_CANCELLED,
    BookingInvalid,
    RescheduleCancelled,
    appointment_book,
    appointment_reschedule,
)
from appointments.services.time_off import Actorship, time_off_add
from core.errors import ServiceError
from core.integrity import integrity_audit
from doctors.models import DoctorSlot, ScheduleException
from tests.appointments.conftest import MONDAY
from tests.doctors.factories import DoctorSlotFactory
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

AWAY_AT_NOON = "away on 2031-01-06 from 12:00 PM to 02:00 PM"


@pytest.fixture
def slot() -> DoctorSlot:
    """Monday 09:00-15:00 every 30 minutes, one patient per time."""
    return DoctorSlotFactory(start_time="09:00", end_time="15:00", max_patients=1)


@pytest.fixture
def events() -> Iterator[list[tuple[str, str]]]:
    """(event, by) of every RESCHEDULED and CANCELLED emitted during the test."""
    seen: list[tuple[str, str]] = []
    saved = {kind: list(_listeners[kind]) for kind in (AppointmentEvent.RESCHEDULED, AppointmentEvent.CANCELLED)}
    for kind in saved:
        _listeners[kind].append(lambda *, event, appointment, by, **_: seen.append((event.value, by)))
    yield seen
    _listeners.update(saved)


def book(slot: DoctorSlot, time_slot: str, member: User | None = None) -> Appointment:
    return appointment_book(
        user=member or UserFactory(),
        doctor_id=slot.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=MONDAY,
        time_slot=time_slot,
        clinic_id=slot.clinic_id,
    )


def off(slot: DoctorSlot, **fields: Any) -> ScheduleException:
    values = {"start_date": MONDAY, "end_date": MONDAY, "reason": "Conference", "affected": "keep", **fields}
    return time_off_add(doctor=slot.doctor, by=Actorship(actor=Actor.DOCTOR, id=slot.doctor_id), **values)


def off_at_noon(slot: DoctorSlot, **fields: Any) -> ScheduleException:
    return off(slot, start_time="12:00 PM", end_time="02:00 PM", **fields)


def move(appointment: Appointment, time_slot: str = "12:00 PM") -> Appointment:
    return appointment_reschedule(
        appointment=appointment, appointment_date=MONDAY, time_slot=time_slot, by=Actor.MEMBER
    )


def stored(appointment: Appointment) -> dict:
    document = connection.get_collection("appointments").find_one({"_id": appointment.pk})
    document.pop("updatedAt")
    return document


def during_the_move(monkeypatch: pytest.MonkeyPatch, before: Any = None, after: Any = None) -> None:
    """Run `before` between the reschedule's check and its move, `after` between its move and its re-check
    (the first place_move only: an undo moving back is the second)."""
    real_move = booking.place_move
    calls: list[str] = []

    def place_move(**kwargs: Any) -> None:
        calls.append(kwargs["time_slot"])
        if before and len(calls) == 1:
            before()
        real_move(**kwargs)
        if after and len(calls) == 1:
            after()

    monkeypatch.setattr(booking, "place_move", place_move)


# --- the time off first: saved (and its own cancels done) before the move lands -------------------------------


def test_a_reschedule_racing_a_time_off_goes_back_to_the_place_it_left(slot, monkeypatch, events) -> None:
    mine = book(slot, "09:00 AM")
    before = stored(mine)
    during_the_move(monkeypatch, before=lambda: off_at_noon(slot))

    with pytest.raises(BookingInvalid, match=AWAY_AT_NOON):
        move(mine)

    assert stored(mine) == before  # its time, place number, status, fee: everything as it was
    assert events == []  # nothing was announced: for everyone else the move never happened
    assert not integrity_audit(only=["appointments.time_off", "appointments.places"]).problems


def test_a_reschedule_racing_a_time_off_is_cancelled_when_its_place_was_taken_meanwhile(
    slot, monkeypatch, events
) -> None:
    mine = book(slot, "09:00 AM")
    during_the_move(monkeypatch, before=lambda: off_at_noon(slot), after=lambda: book(slot, "09:00 AM"))

    with pytest.raises(RescheduleCancelled) as refused:
        move(mine)

    assert (refused.value.kind.status, refused.value.message) == (409, MSG_RESCHEDULE_UNDONE_CANCELLED)
    mine.refresh_from_db()
    assert (mine.status, mine.cancelled_by, mine.cancellation_reason) == (
        "CANCELLED",
        Actor.SYSTEM,
        MSG_REASON_MOVED_INTO_TIME_OFF,
    )
    assert (mine.time_slot, mine.rescheduled_from.time_slot, mine.place_number) == ("12:00 PM", "09:00 AM", None)
    assert events == [("cancelled", Actor.SYSTEM)]  # its member is told (issue 15 listens)
    assert not integrity_audit(only=["appointments.time_off", "appointments.places"]).problems


def test_it_is_cancelled_when_its_original_time_is_now_inside_a_time_off_that_does_not_keep_it(
    slot, monkeypatch
) -> None:
    mine = book(slot, "09:00 AM")
    during_the_move(
        monkeypatch,
        before=lambda: off_at_noon(slot),
        after=lambda: off(slot, start_time="09:00 AM", end_time="10:00 AM", reason="Surgery"),  # sees nothing there
    )

    with pytest.raises(RescheduleCancelled):
        move(mine)

    mine.refresh_from_db()
    assert (mine.status, mine.cancelled_by, mine.time_slot) == ("CANCELLED", Actor.SYSTEM, "12:00 PM")
    assert not integrity_audit(only=["appointments.time_off"]).problems


def test_a_time_off_that_keeps_the_appointment_does_not_undo_its_move(slot, monkeypatch, events) -> None:
    """A whole-day time off saved while the appointment was still at 09:00 kept it: a keep is about the
    appointment, as the audit reads it, so its move within the day stands."""
    mine = book(slot, "09:00 AM")
    during_the_move(monkeypatch, before=lambda: off(slot))

    moved = move(mine)

    assert (moved.status, moved.time_slot, moved.place_number) == ("CONFIRMED", "12:00 PM", 1)
    assert mine.pk in ScheduleException.objects.get().kept_appointment_ids
    assert events == [("rescheduled", Actor.MEMBER)]
    assert not integrity_audit(only=["appointments.time_off"]).problems


def test_the_move_back_is_rechecked_against_a_time_off_saved_meanwhile(slot, monkeypatch) -> None:
    """The move back is re-checked like the move: a time off over the original time, saved after the first
    re-read and read its covered appointments before the move back (so it saw nothing there), cancels it."""
    mine = book(slot, "09:00 AM")
    real_move = booking.place_move

    def place_move(**kwargs: Any) -> None:
        if kwargs["time_slot"] == "12:00 PM":
            off_at_noon(slot)
        real_move(**kwargs)
        if kwargs["time_slot"] == "09:00 AM":  # the move back: then a time off that read before it
            with monkeypatch.context() as patch:
                patch.setattr(time_off_service, "time_off_affected", lambda **_: [])
                off(slot, start_time="09:00 AM", end_time="10:00 AM", reason="Surgery")

    monkeypatch.setattr(booking, "place_move", place_move)

    with pytest.raises(RescheduleCancelled):
        move(mine)

    mine.refresh_from_db()
    assert (mine.status, mine.cancelled_by, mine.time_slot) == ("CANCELLED", Actor.SYSTEM, "09:00 AM")
    assert not integrity_audit(only=["appointments.time_off", "appointments.places"]).problems


# --- the move first: it lands after the time off's insert, before the time off reads what it covers ----------


def test_a_move_landing_before_the_time_offs_own_read_is_cancelled_by_the_time_off(slot, monkeypatch) -> None:
    """Both re-reads see the other: the time off cancels it (by the system: the doctor never saw it there) and
    the reschedule's re-check finds nothing left to undo."""
    mine = book(slot, "09:00 AM")
    real_move, real_insert = booking.place_move, time_off_service.time_off_insert

    def move_inside_the_time_off_save(**move_kwargs: Any) -> None:
        def insert_then_move(**kwargs: Any) -> ScheduleException:
            stored_time_off = real_insert(**kwargs)
            real_move(**move_kwargs)
            return stored_time_off

        monkeypatch.setattr(time_off_service, "time_off_insert", insert_then_move)
        off_at_noon(slot)

    monkeypatch.setattr(booking, "place_move", move_inside_the_time_off_save)

    with pytest.raises(RescheduleCancelled):
        move(mine)

    mine.refresh_from_db()
    assert (mine.status, mine.cancelled_by, mine.cancellation_reason) == ("CANCELLED", Actor.SYSTEM, "Conference")
    assert not integrity_audit(only=["appointments.time_off", "appointments.places"]).problems


def test_without_the_recheck_the_move_stays_inside_and_the_audit_reports_it_as_a_reschedule(slot, monkeypatch) -> None:
    """As a crash between the move and its re-check would leave it: `appointments.time_off` names it apart
    (it was moved there), and --repair cancels it by the system (docs/operations.md)."""
    from appointments.integrity import PROBLEM_INSIDE_TIME_OFF, PROBLEM_MOVED_INTO_TIME_OFF

    mine = book(slot, "09:00 AM")
    other = book(slot, "01:00 PM")  # a plain booking left inside too: the other finding
    during_the_move(monkeypatch, before=lambda: off_at_noon(slot, affected="keep"))
    monkeypatch.setattr(booking, "_reschedule_time_off_recheck", lambda **_: None)
    move(mine)
    connection.get_collection("doctor_schedule_exceptions").update_many({}, {"$set": {"keptAppointmentIds": []}})

    report = integrity_audit(only=["appointments.time_off"])
    found = {f.ids["_id"]: (f.problem, f.ids.get("rescheduledFrom")) for _, f in report.problems}
    assert found == {
        mine.pk: (PROBLEM_MOVED_INTO_TIME_OFF, f"{MONDAY} 09:00 AM"),
        other.pk: (PROBLEM_INSIDE_TIME_OFF, None),
    }
    integrity_audit(repair=True, only=["appointments.time_off"])
    mine.refresh_from_db()
    assert (mine.status, mine.cancelled_by, mine.cancellation_reason) == ("CANCELLED", Actor.SYSTEM, "Conference")


def test_a_reschedule_into_a_time_without_time_off_is_unaffected(slot, events) -> None:
    mine = book(slot, "09:00 AM")
    off_at_noon(slot)
    moved = move(mine, "10:00 AM")
    assert (moved.time_slot, moved.status, moved.place_number) == ("10:00 AM", "CONFIRMED", 1)
    assert events == [("rescheduled", Actor.MEMBER)]


# --- threads ------------------------------------------------------------------------------------------------

MOVERS = 9
RUNS = 4
ORIGINS = ["09:00 AM", "09:30 AM", "10:00 AM"]
TARGETS = ["12:00 PM", "12:30 PM", "01:00 PM"]


def _reschedule(start: threading.Barrier, appointment: Appointment, target: str) -> str:
    start.wait()
    try:
        appointment_reschedule(appointment=appointment, appointment_date=MONDAY, time_slot=target, by=Actor.MEMBER)
    except BookingInvalid:
        return "refused"
    except RescheduleCancelled:
        return "cancelled"
    except ServiceError:
        return "conflict"
    return "moved"


def _take_origin(start: threading.Barrier, slot: DoctorSlot, time_slot: str) -> str:
    start.wait()
    try:
        book(slot, time_slot)
    except ServiceError:
        return "refused"
    return "booked"


def _time_off(start: threading.Barrier, slot: DoctorSlot) -> str:
    start.wait()
    off_at_noon(slot, affected="keep")
    return "saved"


@pytest.mark.django_db(transaction=True)
def test_reschedules_racing_a_time_off_never_stay_inside_it_unless_kept() -> None:
    for run in range(RUNS):
        slot = DoctorSlotFactory(start_time="09:00", end_time="15:00", max_patients=3)
        mine = [book(slot, ORIGINS[i % 3]) for i in range(MOVERS)]
        places = {a.pk: (a.time_slot, a.place_number) for a in mine}
        start = threading.Barrier(MOVERS + len(ORIGINS) + 1)
        with ThreadPoolExecutor(max_workers=MOVERS + len(ORIGINS) + 1) as pool:
            futures = [pool.submit(_reschedule, start, a, TARGETS[i % 3]) for i, a in enumerate(mine)]
            futures += [pool.submit(_take_origin, start, slot, t) for t in ORIGINS]
            futures.append(pool.submit(_time_off, start, slot))
            outcomes = [future.result() for future in futures]

        assert outcomes[-1] == "saved", run
        assert set(outcomes[:MOVERS]) <= {"moved", "refused", "cancelled", "conflict"}, (run, outcomes)
        assert not integrity_audit(only=["appointments.time_off", "appointments.places"]).problems, run
        kept = set(ScheduleException.objects.get(doctor_id=slot.doctor_id).kept_appointment_ids)
        for appointment, outcome in zip(mine, outcomes[:MOVERS], strict=True):
            now = Appointment.objects.get(pk=appointment.pk)
            if outcome == "refused":  # refused at its check, or moved back: its own place, as before
                assert (now.status, (now.time_slot, now.place_number)) == ("CONFIRMED", places[now.pk]), run
            if outcome == "moved":  # moved before the time off read what it covers: kept, or cancelled by it
                assert now.pk in kept or now.status == "CANCELLED", run
            if outcome == "cancelled":
                assert (now.status, now.cancelled_by) == ("CANCELLED", Actor.SYSTEM), run


def test_the_api_answers_the_undo_as_booking_would_or_409(slot, monkeypatch) -> None:
    from tests.member_api import member_client

    member = UserFactory()
    api = member_client(member)
    mine = book(slot, "09:00 AM", member)
    during_the_move(monkeypatch, before=lambda: off_at_noon(slot))
    url = f"/api/v1/appointments/{mine.appointment_id}/reschedule"

    back = api.post(url, {"appointmentDate": MONDAY, "timeSlot": "12:00 PM"}, format="json")
    assert back.status_code == 400, back.json()
    assert AWAY_AT_NOON in str(back.json()), back.json()

    during_the_move(
        monkeypatch,
        before=lambda: off(slot, start_time="02:00 PM", end_time="03:00 PM", reason="Meeting"),
        after=lambda: book(slot, "09:00 AM"),
    )
    cancelled = api.post(url, {"appointmentDate": MONDAY, "timeSlot": "02:00 PM"}, format="json")
    assert (cancelled.status_code, cancelled.json()) == (409, {"detail": MSG_RESCHEDULE_UNDONE_CANCELLED})

"""Time off saved while members book inside it: afterwards no live appointment sits inside it unless the time
off keeps it (docs/decisions/0036-time-off-write-order.md), and nobody gets an error they should not."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from appointments.models import Actor, Appointment
from appointments.services.booking import BookingInvalid, appointment_book
from appointments.services.time_off import Actorship, time_off_add
from core.errors import ServiceError
from core.integrity import integrity_audit
from doctors.models import DoctorSlot
from tests.appointments.conftest import MONDAY
from tests.doctors.factories import DoctorSlotFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MEMBERS = 12
RUNS = 5


def _book(start: threading.Barrier, slot: DoctorSlot, member: Any, index: int) -> str:
    start.wait()
    try:
        appointment_book(
            user=member,
            doctor_id=slot.doctor_id,
            appointment_type="IN_CLINIC",
            appointment_date=MONDAY,
            time_slot=["10:00 AM", "11:00 AM", "12:00 PM"][index % 3],
            clinic_id=slot.clinic_id,
        )
    except BookingInvalid:
        return "refused"
    except ServiceError:
        return "full"
    return "booked"


def _time_off(start: threading.Barrier, slot: DoctorSlot) -> str:
    start.wait()
    time_off_add(
        doctor=slot.doctor,
        by=Actorship(actor=Actor.DOCTOR, id=slot.doctor_id),
        start_date=MONDAY,
        end_date=MONDAY,
        reason="Emergency",
        affected="keep",
    )
    return "saved"


def test_bookings_racing_time_off_never_stay_inside_it_unless_kept() -> None:
    members = [UserFactory() for _ in range(MEMBERS)]
    for run in range(RUNS):
        slot = DoctorSlotFactory(start_time="09:00", end_time="15:00", max_patients=3)
        start = threading.Barrier(MEMBERS + 1)
        with ThreadPoolExecutor(max_workers=MEMBERS + 1) as pool:
            futures = [pool.submit(_book, start, slot, member, i) for i, member in enumerate(members)]
            futures.append(pool.submit(_time_off, start, slot))
            outcomes = [future.result() for future in futures]

        assert outcomes[-1] == "saved", run
        assert set(outcomes[:-1]) <= {"booked", "refused", "full"}, (run, outcomes)
        assert not integrity_audit(only=["appointments.time_off"]).problems, run
        live = Appointment.objects.filter(doctor_id=slot.doctor_id, status__in=["CONFIRMED", "PENDING_CONFIRMATION"])
        kept = set(slot.doctor.schedule_exceptions.get().kept_appointment_ids)
        assert {a.pk for a in live} == kept, run


def test_a_booking_the_time_off_read_and_kept_is_not_undone_by_its_own_recheck(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The interleaving the race above hits now and then, forced: the booking takes its place, the time off
    reads it and keeps it, and only then does the booking re-read the time off. The doctor kept it, so it stays
    (before: it cancelled itself, and the time off's kept list named a cancelled appointment)."""
    from appointments.services import booking

    slot = DoctorSlotFactory(start_time="09:00", end_time="15:00", max_patients=3)
    take = booking.place_take

    def take_then_time_off(**kwargs: Any) -> Appointment:
        taken = take(**kwargs)
        _time_off(threading.Barrier(1), slot)  # affected="keep": it finds this booking and keeps it
        return taken

    monkeypatch.setattr(booking, "place_take", take_then_time_off)
    member = UserFactory()
    assert _book(threading.Barrier(1), slot, member, 0) == "booked"
    live = Appointment.objects.get(user_id=member.pk)
    assert live.status in ("PENDING_CONFIRMATION", "CONFIRMED")
    assert slot.doctor.schedule_exceptions.get().kept_appointment_ids == [live.pk]
    assert not integrity_audit(only=["appointments.time_off"]).problems

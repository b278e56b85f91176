"""Races on the surfaces of issue 14: reschedule against cancel, confirm and expiry; double-submitted time off;
extra hours removed while members book into them. Threads on the real database; conftest.py runs
`audit_integrity` after each test of this module (it starts threads), so a half-written state fails it too."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from appointments.models import Actor, Appointment, AppointmentStatus
from appointments.selectors import places_taken
from appointments.services.booking import appointment_book, appointment_reschedule
from appointments.services.workflow import MSG_CONFIRM_MOVED, TransitionRefused, appointment_confirm, requests_expire
from core.errors import ServiceError
from doctors.models import ScheduleException
from tests.appointments.conftest import TUESDAY
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

RUNS = 4
EXTRA_RUNS = [  # extra hours of each run (24-hour) and the times members book in them
    ("13:00", "14:00", ["01:00 PM", "01:30 PM"]),
    ("14:00", "15:00", ["02:00 PM", "02:30 PM"]),
    ("17:00", "18:00", ["05:00 PM", "05:30 PM"]),
    ("18:00", "19:00", ["06:00 PM", "06:30 PM"]),
]


def _all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; an exception is returned, not raised."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        start.wait()
        try:
            return call()
        except Exception as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _confirming_slot() -> Any:
    """Tuesday 09:00-12:00 of a doctor who confirms each request, one patient per time."""
    doctor = DoctorFactory(requires_confirmation=True)
    return DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", max_patients=1)


def _request(slot: Any, user: Any, time_slot: str = "10:00 AM") -> Appointment:
    return appointment_book(
        user=user,
        doctor_id=slot.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=TUESDAY,
        time_slot=time_slot,
        clinic_id=slot.clinic_id,
    )


def test_a_confirm_read_before_a_reschedule_does_not_confirm_the_new_time() -> None:
    """The doctor's confirm was decided on the request at 10:00; the member moved it to 11:00 meanwhile: the
    confirm is refused (409), and the moved request waits for the doctor to confirm its new time."""
    slot = _confirming_slot()
    requested = _request(slot, UserFactory())
    assert requested.status == AppointmentStatus.PENDING_CONFIRMATION
    seen_by_doctor = Appointment.objects.get(pk=requested.pk)
    appointment_reschedule(appointment=requested, appointment_date=TUESDAY, time_slot="11:00 AM", by=Actor.MEMBER)

    with pytest.raises(TransitionRefused) as refused:
        appointment_confirm(appointment=seen_by_doctor, by=Actor.DOCTOR)
    assert refused.value.message == MSG_CONFIRM_MOVED

    stored = Appointment.objects.get(pk=requested.pk)
    assert (stored.status, stored.time_slot, stored.confirmed_at) == (
        AppointmentStatus.PENDING_CONFIRMATION,
        "11:00 AM",
        None,
    )


def _outcome(result: Any) -> str:
    if isinstance(result, Exception) and not isinstance(result, ServiceError):
        raise result  # would have been a 500
    return "refused" if isinstance(result, ServiceError) else "done"


def test_reschedule_cancel_confirm_and_expiry_race_for_one_request() -> None:
    """Each ends done or refused with a service error (never an unhandled one), and the request ends in one
    coherent state: cancelled (place freed) or live at exactly one time, holding exactly one place."""
    slot = _confirming_slot()
    for run in range(RUNS):
        member = UserFactory()
        requested = _request(slot, member, time_slot=["09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM"][run])
        copies = [Appointment.objects.get(pk=requested.pk) for _ in range(4)]
        target = ["11:00 AM", "11:30 AM", "11:00 AM", "11:30 AM"][run]
        results = _all_at_once(
            [
                lambda a=copies[0], t=target: appointment_reschedule(
                    appointment=a, appointment_date=TUESDAY, time_slot=t, by=Actor.MEMBER
                ),
                lambda a=copies[1], m=member: member_client(m).post(
                    f"/api/v1/appointments/{a.appointment_id}/cancel", {}, format="json"
                ),
                lambda a=copies[2]: appointment_confirm(appointment=a, by=Actor.DOCTOR),
                lambda a=copies[3]: requests_expire(appointments=[a]),
            ]
        )
        cancel = results[1]
        assert not isinstance(cancel, Exception) and cancel.status_code in (200, 409), cancel
        _outcome(results[0]), _outcome(results[2]), _outcome(results[3])
        stored = Appointment.objects.get(pk=requested.pk)
        if stored.status == AppointmentStatus.CANCELLED:
            assert stored.place_number is None
        else:
            assert stored.place_number is not None
            if stored.status == AppointmentStatus.CONFIRMED and stored.time_slot == target:
                # confirmed at the new time: only when the confirm read the moved request
                assert stored.confirmed_at is not None and stored.confirmed_at >= stored.rescheduled_at


def test_a_double_submitted_time_off_is_saved_once() -> None:
    slot = DoctorSlotFactory(day_of_week="Tuesday")
    clients: list[APIClient] = [doctor_api_client(slot.doctor) for _ in range(4)]
    body = {"startDate": TUESDAY, "endDate": TUESDAY, "reason": "Conference"}
    for run in range(RUNS):
        ScheduleException.objects.all().delete()
        answers = _all_at_once(
            [lambda c=client: c.post("/api/v1/doctor/time-off", body, format="json") for client in clients]
        )
        assert {answer.status_code for answer in answers} == {201}, [a.content for a in answers]
        assert ScheduleException.objects.count() == 1, f"run {run}"
        assert len({answer.json()["_id"] for answer in answers}) == 1


def test_extra_hours_removed_while_members_book_into_them_leave_no_booking_behind() -> None:
    """The removal is refused (409) while they hold a live appointment; a booking that lost the race is refused.
    Afterwards a live appointment is never left on extra hours that are gone."""
    slot = DoctorSlotFactory(day_of_week="Tuesday")
    doctor_api = doctor_api_client(slot.doctor)
    for run, (start, end, times) in enumerate(EXTRA_RUNS):
        members = [member_client(UserFactory()) for _ in times]
        extra = doctor_api.post(
            "/api/v1/doctor/extra-hours",
            {
                "date": TUESDAY,
                "clinicId": slot.clinic_id,
                "startTime": start,
                "endTime": end,
                "slotDuration": 30,
                "maxPatients": 1,
                "consultationFee": 800,
                "consultationType": "IN_CLINIC",
            },
            format="json",
        ).json()
        book = {"doctorId": slot.doctor_id, "appointmentType": "IN_CLINIC", "clinicId": slot.clinic_id}
        answers = _all_at_once(
            [lambda e=extra["_id"]: doctor_api.delete(f"/api/v1/doctor/extra-hours/{e}")]
            + [
                lambda c=client, t=time, b=book: c.post(
                    "/api/v1/appointments", {**b, "appointmentDate": TUESDAY, "timeSlot": t}, format="json"
                )
                for client, time in zip(members, times, strict=True)
            ]
        )
        assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]
        gone = not ScheduleException.objects.filter(pk=extra["_id"]).exists()
        live = Appointment.objects.filter(slot_id=extra["_id"], status__in=["PENDING_CONFIRMATION", "CONFIRMED"])
        if gone:
            assert not live.exists(), f"run {run}: live appointments on removed extra hours"


def test_extra_hours_being_removed_are_not_offered_and_a_booking_that_took_a_place_undoes_itself() -> None:
    """The two halves of decision 0069 one after the other, without threads' luck: closed extra hours leave
    availability, and a booking whose place was taken before they closed is freed by the system (409)."""
    from appointments.selectors import slot_availability
    from appointments.services.booking import MSG_EXTRA_HOURS_REMOVED, extra_hours_recheck
    from core.errors import Conflict
    from doctors.schedule.exceptions import extra_hours_close
    from tests.appointments.conftest import local

    slot = DoctorSlotFactory(day_of_week="Tuesday")
    extra = doctor_api_client(slot.doctor).post(
        "/api/v1/doctor/extra-hours",
        {
            "date": TUESDAY,
            "clinicId": slot.clinic_id,
            "startTime": "17:00",
            "endTime": "18:00",
            "consultationFee": 800,
            "consultationType": "IN_CLINIC",
        },
        format="json",
    )
    record = ScheduleException.objects.get(pk=extra.json()["_id"])
    booked = _request(slot, UserFactory(), time_slot="05:00 PM")
    day = local(TUESDAY, "00:00").date()
    times = {t.time_slot for t in slot_availability(doctor=slot.doctor, date=day, consultation_type="IN_CLINIC")}
    assert "05:30 PM" in times

    extra_hours_close(extra=record)

    times = {t.time_slot for t in slot_availability(doctor=slot.doctor, date=day, consultation_type="IN_CLINIC")}
    assert "05:30 PM" not in times
    with pytest.raises(Conflict) as refused:
        extra_hours_recheck(appointment=booked, extra_id=record.pk)
    assert refused.value.message == MSG_EXTRA_HOURS_REMOVED
    booked.refresh_from_db()
    assert (booked.status, booked.cancelled_by, booked.place_number) == ("CANCELLED", "SYSTEM", None)


def test_overlapping_extra_hours_added_at_once_are_saved_once() -> None:
    slot = DoctorSlotFactory(day_of_week="Tuesday")
    clients = [doctor_api_client(slot.doctor) for _ in range(4)]
    bodies = [
        {
            "date": TUESDAY,
            "clinicId": slot.clinic_id,
            "startTime": start,
            "endTime": end,
            "consultationFee": 800,
            "consultationType": "IN_CLINIC",
        }
        for start, end in (("17:00", "18:00"), ("17:30", "18:30"), ("16:45", "17:45"), ("17:00", "18:00"))
    ]
    answers = _all_at_once(
        [
            lambda c=c, b=b: c.post("/api/v1/doctor/extra-hours", b, format="json")
            for c, b in zip(clients, bodies, strict=True)
        ]
    )
    assert sorted(answer.status_code for answer in answers) == [201, 409, 409, 409], [a.content for a in answers]
    assert ScheduleException.objects.count() == 1


def test_reschedules_submitted_at_once_each_move_from_what_they_read_and_hold_one_place() -> None:
    """Four reschedules of one appointment sent together. How many win depends on the interleaving: those that
    read it before any move landed race on one guarded write (one wins, the others 409: the deterministic case is
    `test_a_reschedule_decided_on_a_stale_read_writes_nothing`), and one scheduled after a move landed moves it
    again, as the member asked. Under every interleaving each 200 is exactly one move, every other answer is a
    409, and the appointment holds one place at its last time."""
    slot = DoctorSlotFactory(day_of_week="Tuesday", max_patients=2)
    member = UserFactory()
    booked = _request(slot, member, time_slot="09:00 AM")
    clients = [member_client(member) for _ in range(4)]
    url = f"/api/v1/appointments/{booked.appointment_id}/reschedule"
    targets = ["10:00 AM", "10:30 AM", "11:00 AM", "10:00 AM"]
    answers = _all_at_once(
        [
            lambda c=c, t=t: c.post(url, {"appointmentDate": TUESDAY, "timeSlot": t}, format="json")
            for c, t in zip(clients, targets, strict=True)
        ]
    )
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {200, 409} and 200 in statuses, [a.content for a in answers]
    stored = Appointment.objects.get(pk=booked.pk)
    assert stored.reschedule_count == statuses.count(200)
    last = [a.json()["timeSlot"] for a in answers if a.status_code == 200]
    assert stored.time_slot in last
    assert places_taken(doctor_id=slot.doctor_id, appointment_date=TUESDAY) == {stored.time_slot: 1}
    assert stored.place_number == 1


def test_a_member_cannot_move_two_appointments_onto_one_time_even_at_once() -> None:
    slot = DoctorSlotFactory(day_of_week="Tuesday", max_patients=3)
    member = UserFactory()
    first = _request(slot, member, time_slot="09:00 AM")
    second = _request(slot, member, time_slot="09:30 AM")
    client = member_client(member)
    clients = [member_client(member), member_client(member)]
    answers = _all_at_once(
        [
            lambda a=a, c=c: c.post(
                f"/api/v1/appointments/{a.appointment_id}/reschedule",
                {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"},
                format="json",
            )
            for a, c in zip((first, second), clients, strict=True)
        ]
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409], [a.content for a in answers]
    live = Appointment.objects.filter(
        user_id=member.pk, time_slot="11:00 AM", status__in=["PENDING_CONFIRMATION", "CONFIRMED"]
    )
    assert live.count() == 1
    third = _request(slot, member, time_slot="10:00 AM")
    moved = client.post(
        f"/api/v1/appointments/{third.appointment_id}/reschedule",
        {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"},
        format="json",
    )
    assert moved.status_code == 409


def test_extra_hours_removed_while_members_move_into_them_leave_no_appointment_behind() -> None:
    slot = DoctorSlotFactory(day_of_week="Tuesday", max_patients=3)
    doctor_api = doctor_api_client(slot.doctor)
    for run, (start, end, times) in enumerate(EXTRA_RUNS):
        members = [UserFactory() for _ in times]
        origin = ["09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM"][run]
        booked = [_request(slot, member, time_slot=origin) for member in members]
        extra = doctor_api.post(
            "/api/v1/doctor/extra-hours",
            {
                "date": TUESDAY,
                "clinicId": slot.clinic_id,
                "startTime": start,
                "endTime": end,
                "consultationFee": 800,
                "consultationType": "IN_CLINIC",
            },
            format="json",
        ).json()
        clients = [member_client(member) for member in members]
        answers = _all_at_once(
            [lambda e=extra["_id"]: doctor_api.delete(f"/api/v1/doctor/extra-hours/{e}")]
            + [
                lambda c=c, a=a, t=t: c.post(
                    f"/api/v1/appointments/{a.appointment_id}/reschedule",
                    {"appointmentDate": TUESDAY, "timeSlot": t},
                    format="json",
                )
                for c, a, t in zip(clients, booked, times, strict=True)
            ]
        )
        assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]
        gone = not ScheduleException.objects.filter(pk=extra["_id"]).exists()
        live = Appointment.objects.filter(slot_id=extra["_id"], status__in=["PENDING_CONFIRMATION", "CONFIRMED"])
        if gone:
            assert not live.exists(), f"run {run}: live appointments on removed extra hours"
        for appointment in booked:  # whoever did not move still holds its place where it was
            stored = Appointment.objects.get(pk=appointment.pk)
            if stored.time_slot == origin:
                assert stored.status != "CANCELLED" and stored.place_number is not None


def test_a_move_onto_extra_hours_closed_meanwhile_goes_back_to_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """Decision 0069 on the reschedule path, step by step: the removal closes the extra hours right after the
    move wrote; the move's re-read sees it and puts the appointment back where it was (409)."""
    from appointments.services import booking
    from core.errors import Conflict
    from doctors.schedule.exceptions import extra_hours_close

    slot = DoctorSlotFactory(day_of_week="Tuesday")
    extra = doctor_api_client(slot.doctor).post(
        "/api/v1/doctor/extra-hours",
        {
            "date": TUESDAY,
            "clinicId": slot.clinic_id,
            "startTime": "17:00",
            "endTime": "18:00",
            "consultationFee": 800,
            "consultationType": "IN_CLINIC",
        },
        format="json",
    )
    record = ScheduleException.objects.get(pk=extra.json()["_id"])
    requested = _request(slot, UserFactory(), time_slot="10:00 AM")
    place = requested.place_number
    recheck = booking._reschedule_time_off_recheck

    def removal_lands_now(**kwargs: Any) -> None:
        extra_hours_close(extra=record)
        recheck(**kwargs)

    monkeypatch.setattr(booking, "_reschedule_time_off_recheck", removal_lands_now)
    with pytest.raises(Conflict) as refused:
        appointment_reschedule(appointment=requested, appointment_date=TUESDAY, time_slot="05:00 PM", by=Actor.MEMBER)
    assert refused.value.message == booking.MSG_EXTRA_HOURS_REMOVED
    stored = Appointment.objects.get(pk=requested.pk)
    assert (stored.time_slot, stored.place_number, stored.status) == ("10:00 AM", place, requested.status)


def test_a_time_off_does_not_cancel_an_appointment_moved_out_of_it_after_its_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The time off read the appointment at 11:00 (inside it); the member moved it to 09:00 before the time off's
    cancel landed: the cancel, guarded by the time it read, leaves it alone."""
    from appointments.services import time_off as time_off_service
    from appointments.services.time_off import Actorship, time_off_add

    slot = _confirming_slot()
    requested = _request(slot, UserFactory(), time_slot="11:00 AM")
    seen_by_time_off = Appointment.objects.get(pk=requested.pk)
    appointment_reschedule(appointment=requested, appointment_date=TUESDAY, time_slot="09:00 AM", by=Actor.MEMBER)
    monkeypatch.setattr(time_off_service, "time_off_affected", lambda *, time_off: [seen_by_time_off])

    time_off_add(
        doctor=slot.doctor,
        by=Actorship(actor=Actor.DOCTOR, id=slot.doctor_id),
        start_date=TUESDAY,
        end_date=TUESDAY,
        start_time="10:30 AM",
        end_time="12:00 PM",
        reason="Meeting",
        affected="cancel",
    )

    stored = Appointment.objects.get(pk=requested.pk)
    assert (stored.status, stored.time_slot) == (AppointmentStatus.PENDING_CONFIRMATION, "09:00 AM")

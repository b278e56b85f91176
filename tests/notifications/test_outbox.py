"""Events -> the outbox: each event writes exactly one notification per recipient and channel, in the request."""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from appointments.events import AppointmentEvent, appointment_event_emit
from appointments.models import Actor, Appointment
from appointments.services.booking import appointment_reschedule
from appointments.services.workflow import appointment_cancel, appointment_confirm
from consultations.services import consultation_start
from mongo.raw import collection
from notifications.models import NotificationKind as K
from notifications.services import member_reminders_set
from prescriptions.services import prescription_upload
from tests.appointments.conftest import MONDAY, NEXT_MONDAY
from tests.notifications.factories import book
from tests.prescriptions.sample_files import pdf_bytes, upload
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")


def outbox(**query: Any) -> list[dict[str, Any]]:
    return list(collection("notifications").find(query))


def kinds(**query: Any) -> Counter:
    """(kind, recipientType, channel) -> how many, of the pending ones unless asked otherwise."""
    query.setdefault("status", "PENDING")
    return Counter((row["kind"], row["recipientType"], row["channel"]) for row in outbox(**query))


def test_a_direct_booking_tells_the_member_once_per_channel_and_schedules_reminders() -> None:
    appointment = book()
    assert kinds(kind={"$ne": K.REMINDER}) == {("BOOKED", "MEMBER", "EMAIL"): 1, ("BOOKED", "MEMBER", "IN_APP"): 1}
    email = outbox(kind=K.BOOKED, channel="EMAIL")[0]
    assert email["recipientAddress"] == appointment.user.email
    assert email["recipientId"] == str(appointment.user_id)
    assert email["icsSequence"] == 0
    assert email["context"]["doctorName"] == "Dr. Asha Rao"
    assert email["context"]["memberName"] == "Meera"


def test_a_request_also_tells_the_doctor_and_warns_before_it_expires() -> None:
    appointment = book(requires_confirmation=True)
    assert appointment.status == "PENDING_CONFIRMATION"
    doctor = kinds(recipientType="DOCTOR")
    assert doctor == {
        ("REQUEST_RECEIVED", "DOCTOR", "EMAIL"): 1,
        ("REQUEST_RECEIVED", "DOCTOR", "IN_APP"): 1,  # the portal's "what is new"
        ("REQUEST_EXPIRING", "DOCTOR", "EMAIL"): 1,
    }
    received = outbox(kind=K.REQUEST_RECEIVED, channel="EMAIL")[0]
    assert received["recipientAddress"] == appointment.doctor.email
    # Requested Monday 07:00 for next Monday: it lapses 24 h after (Tuesday 07:00); the warning 2 h before.
    warning = outbox(kind=K.REQUEST_EXPIRING)[0]
    assert warning["dueAt"].replace(tzinfo=ZoneInfo("UTC")) == datetime(2031, 1, 7, 5, 0, tzinfo=IST)


def test_reminders_fall_due_24_and_2_hours_before_at_clinic_local_times() -> None:
    book(day=NEXT_MONDAY, time_slot="10:00 AM")
    due = sorted({row["dueAt"].replace(tzinfo=ZoneInfo("UTC")) for row in outbox(kind=K.REMINDER)})
    assert due == [datetime(2031, 1, 12, 10, 0, tzinfo=IST), datetime(2031, 1, 13, 8, 0, tzinfo=IST)]
    assert kinds(kind=K.REMINDER) == {("REMINDER", "MEMBER", "EMAIL"): 2, ("REMINDER", "MEMBER", "IN_APP"): 2}


def test_reminders_whose_time_has_passed_at_booking_are_not_scheduled(
    set_clock: Callable[[str, str], None], settings: Any
) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 60  # a doctor who takes bookings an hour ahead
    set_clock(MONDAY, "08:30")  # 10:00 AM today: 24 h before has passed, 2 h before (08:00) too
    book(day=MONDAY, time_slot="10:00 AM")
    assert outbox(kind=K.REMINDER) == []
    set_clock(MONDAY, "07:00")
    book(day=MONDAY, time_slot="11:00 AM")  # 2 h before is 09:00: still ahead
    assert {row["dueAt"].replace(tzinfo=ZoneInfo("UTC")) for row in outbox(kind=K.REMINDER)} == {
        datetime(2031, 1, 6, 9, 0, tzinfo=IST)
    }


def test_reminder_hours_come_from_settings(settings: Any) -> None:
    settings.NOTIFY_REMINDER_HOURS = [48, 24, 1]
    book(day=NEXT_MONDAY, time_slot="10:00 AM")
    assert len({row["dueAt"] for row in outbox(kind=K.REMINDER)}) == 3


def test_a_member_who_turned_reminders_off_gets_none_but_still_hears_about_the_booking() -> None:
    member = UserFactory()
    member_reminders_set(user=member, enabled=False)
    book(user=member)
    assert outbox(kind=K.REMINDER) == []
    assert len(outbox(kind=K.BOOKED)) == 2


def test_turning_reminders_off_withdraws_those_already_scheduled() -> None:
    appointment = book()
    member_reminders_set(user=appointment.user, enabled=False)
    assert {row["status"] for row in outbox(kind=K.REMINDER)} == {"WITHDRAWN"}
    assert {row["status"] for row in outbox(kind=K.BOOKED)} == {"PENDING"}


def test_the_same_event_heard_twice_writes_nothing_new() -> None:
    appointment = book()
    before = len(outbox())
    appointment_event_emit(AppointmentEvent.BOOKED, appointment=appointment, by=Actor.MEMBER)
    assert len(outbox()) == before


def test_confirming_tells_the_member_and_withdraws_the_expiry_warning() -> None:
    appointment = book(requires_confirmation=True)
    appointment_confirm(appointment=appointment, by=Actor.DOCTOR)
    assert kinds(kind=K.CONFIRMED) == {("CONFIRMED", "MEMBER", "EMAIL"): 1, ("CONFIRMED", "MEMBER", "IN_APP"): 1}
    assert [row["status"] for row in outbox(kind=K.REQUEST_EXPIRING)] == ["WITHDRAWN"]
    assert outbox(kind=K.CONFIRMED, channel="EMAIL")[0]["icsSequence"] == 1


@pytest.mark.parametrize(
    ("by", "doctor_told"), [(Actor.MEMBER, True), (Actor.STAFF, True), (Actor.DOCTOR, False), (Actor.SYSTEM, True)]
)
def test_a_cancellation_tells_the_member_with_the_reason_and_the_doctor_unless_the_doctor_did_it(
    by: str, doctor_told: bool
) -> None:
    appointment = book()
    appointment_cancel(appointment=appointment, by=by, reason="Clinic closed for repairs")
    assert kinds(kind=K.CANCELLED, recipientType="MEMBER") == {
        ("CANCELLED", "MEMBER", "EMAIL"): 1,
        ("CANCELLED", "MEMBER", "IN_APP"): 1,
    }
    assert len(outbox(kind=K.CANCELLED, recipientType="DOCTOR", channel="EMAIL")) == (1 if doctor_told else 0)
    member_email = outbox(kind=K.CANCELLED, recipientType="MEMBER", channel="EMAIL")[0]
    assert member_email["context"]["reason"] == "Clinic closed for repairs"
    assert member_email["context"]["cancelledBy"] == by


def test_cancelling_withdraws_the_pending_reminders() -> None:
    appointment = book()
    assert len(outbox(kind=K.REMINDER, status="PENDING")) == 4
    appointment_cancel(appointment=appointment, by=Actor.MEMBER)
    assert {row["status"] for row in outbox(kind=K.REMINDER)} == {"WITHDRAWN"}


def test_an_expired_request_tells_the_member_it_lapsed_and_not_the_doctor() -> None:
    appointment = book(requires_confirmation=True)
    appointment = appointment_cancel(appointment=appointment, by=Actor.SYSTEM, reason="Not confirmed in time")
    # what `manage.py expire_requests` emits (issue 14): CANCELLED by SYSTEM with expired=True
    collection("notifications").delete_many({"kind": K.CANCELLED})
    appointment_event_emit(
        AppointmentEvent.CANCELLED, appointment=appointment, by=Actor.SYSTEM, reason="x", expired=True
    )
    assert kinds(kind=K.EXPIRED) == {("EXPIRED", "MEMBER", "EMAIL"): 1, ("EXPIRED", "MEMBER", "IN_APP"): 1}
    assert outbox(kind=K.CANCELLED) == []


def test_a_move_withdraws_the_old_reminders_schedules_new_ones_and_raises_the_sequence() -> None:
    appointment = book(day=NEXT_MONDAY, time_slot="10:00 AM")
    moved = appointment_reschedule(
        appointment=appointment, appointment_date=NEXT_MONDAY, time_slot="11:00 AM", by=Actor.STAFF
    )
    assert moved.time_slot == "11:00 AM"
    old, new = datetime(2031, 1, 13, 8, 0, tzinfo=IST), datetime(2031, 1, 13, 9, 0, tzinfo=IST)
    status_at = {(row["dueAt"].replace(tzinfo=ZoneInfo("UTC")), row["status"]) for row in outbox(kind=K.REMINDER)}
    assert (old, "WITHDRAWN") in status_at and (new, "PENDING") in status_at
    assert (old, "PENDING") not in status_at
    rescheduled = outbox(kind=K.RESCHEDULED, recipientType="MEMBER", channel="EMAIL")
    assert len(rescheduled) == 1
    assert rescheduled[0]["icsSequence"] == 1
    assert rescheduled[0]["context"]["fromTimeSlot"] == "10:00 AM"
    # moved by staff: the doctor is told
    assert len(outbox(kind=K.RESCHEDULED, recipientType="DOCTOR", channel="EMAIL")) == 1


def test_moving_back_to_the_old_time_revives_its_reminders() -> None:
    appointment = book(day=NEXT_MONDAY, time_slot="10:00 AM")
    appointment = appointment_reschedule(
        appointment=appointment, appointment_date=NEXT_MONDAY, time_slot="11:00 AM", by=Actor.STAFF
    )
    appointment_reschedule(appointment=appointment, appointment_date=NEXT_MONDAY, time_slot="10:00 AM", by=Actor.STAFF)
    pending = {row["dueAt"].replace(tzinfo=ZoneInfo("UTC")) for row in outbox(kind=K.REMINDER, status="PENDING")}
    assert pending == {datetime(2031, 1, 12, 10, 0, tzinfo=IST), datetime(2031, 1, 13, 8, 0, tzinfo=IST)}


def test_opening_the_video_room_tells_the_member_once(set_clock: Callable[[str, str], None]) -> None:
    appointment = book(day=MONDAY, time_slot="10:00 AM", online=True)
    set_clock(MONDAY, "09:50")
    consultation, created = consultation_start(doctor=appointment.doctor, appointment=appointment)
    consultation_start(doctor=appointment.doctor, appointment=appointment)  # again: the open room, no new message
    assert created
    assert kinds(kind=K.VIDEO_OPENED) == {
        ("VIDEO_OPENED", "MEMBER", "EMAIL"): 1,
        ("VIDEO_OPENED", "MEMBER", "IN_APP"): 1,
    }
    assert consultation.room_password not in str(outbox(kind=K.VIDEO_OPENED))


def test_an_uploaded_prescription_tells_the_member_without_its_diagnosis() -> None:
    appointment = book()
    prescription_upload(
        doctor=appointment.doctor,
        appointment=Appointment.objects.get(pk=appointment.pk),
        uploaded_file=upload(pdf_bytes(), "rx.pdf"),
        diagnosis="Acute bronchitis",
        notes="Rest",
    )
    ready = outbox(kind=K.PRESCRIPTION_READY)
    assert len(ready) == 2
    assert "bronchitis" not in str(ready) and "rx.pdf" not in str(ready)


def test_the_database_refuses_a_second_copy_of_a_notification() -> None:
    from pymongo.errors import DuplicateKeyError

    book()
    notifications = collection("notifications")
    copy = notifications.find_one({"kind": K.BOOKED, "channel": "EMAIL"}, {"_id": 0})
    with pytest.raises(DuplicateKeyError):
        notifications.insert_one(copy)


def test_the_same_event_heard_in_two_threads_at_once_is_written_once() -> None:
    import threading

    from django.db import connections

    appointment = book()
    collection("notifications").delete_many({})
    barrier = threading.Barrier(4)

    def hear() -> None:
        try:
            barrier.wait()
            appointment_event_emit(AppointmentEvent.BOOKED, appointment=appointment, by=Actor.MEMBER)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hear) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert kinds() == {
        ("BOOKED", "MEMBER", "EMAIL"): 1,
        ("BOOKED", "MEMBER", "IN_APP"): 1,
        ("REMINDER", "MEMBER", "EMAIL"): 2,
        ("REMINDER", "MEMBER", "IN_APP"): 2,
    }

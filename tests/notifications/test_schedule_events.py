"""Issue 14's events, delivered: requests that expire (and the warning before), a member's reschedule, a doctor
who does not show."""

from collections.abc import Callable

import pytest
from django.core.management import call_command

from appointments.models import Appointment, AppointmentStatus
from mongo.raw import collection
from notifications.delivery import notifications_deliver_due
from notifications.models import NotificationKind as K
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, TUESDAY
from tests.member_api import member_client
from tests.notifications.conftest import SmtpSink, body_text, calendar_of
from tests.notifications.factories import book

pytestmark = pytest.mark.django_db


def subjects(smtp: SmtpSink, address: str) -> list[str]:
    return [str(message["Subject"]) for message in smtp.to(address)]


def test_a_request_warns_the_doctor_before_it_lapses_and_tells_the_member_when_it_expires(
    smtp: SmtpSink, set_clock: Callable[[str, str], None]
) -> None:
    appointment = book(requires_confirmation=True)  # Monday 07:00 for next Monday: lapses Tuesday 07:00
    notifications_deliver_due()
    set_clock(TUESDAY, "04:59")
    assert notifications_deliver_due().handled == 0
    set_clock(TUESDAY, "05:00")
    assert notifications_deliver_due().sent == 1
    warning = smtp.to(appointment.doctor.email)[-1]
    assert warning["Subject"] == "Waiting for you: Meera on Monday, 13 January 2031 at 10:00 AM"
    assert "It lapses at 07:00 AM on Tuesday, 7 January 2031." in body_text(warning)
    set_clock(TUESDAY, "07:01")
    call_command("expire_requests")
    notifications_deliver_due()
    expired = smtp.to(appointment.user.email)[-1]
    assert expired["Subject"] == "Your request to see Dr. Asha Rao on Monday, 13 January 2031 could not be confirmed"
    assert "nothing is booked" in body_text(expired)
    calendar = calendar_of(expired)
    assert calendar is not None and str(calendar["METHOD"]) == "CANCEL"
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [f"{appointment.appointment_id}@opd-wallet"]
    # The doctor had the warning; no "cancelled" for an expiry.
    assert [s.split(":")[0] for s in subjects(smtp, appointment.doctor.email)] == ["New request", "Waiting for you"]
    assert {row["status"] for row in collection("notifications").find({"kind": K.REMINDER})} == {"WITHDRAWN"}


def test_a_confirmed_request_never_gets_its_expiry_warning(
    smtp: SmtpSink, set_clock: Callable[[str, str], None]
) -> None:
    appointment = book(requires_confirmation=True)
    from appointments.models import Actor
    from appointments.services.workflow import appointment_confirm

    appointment_confirm(appointment=appointment, by=Actor.DOCTOR)
    set_clock(TUESDAY, "05:00")
    notifications_deliver_due()
    assert not [s for s in subjects(smtp, appointment.doctor.email) if s.startswith("Waiting for you")]


def test_a_members_reschedule_moves_the_calendar_event_and_tells_the_doctor(
    smtp: SmtpSink, set_clock: Callable[[str, str], None]
) -> None:
    appointment = book(day=NEXT_MONDAY, time_slot="10:00 AM")
    notifications_deliver_due()
    response = member_client(appointment.user).post(
        f"/api/v1/appointments/{appointment.appointment_id}/reschedule",
        {"appointmentDate": NEXT_MONDAY, "timeSlot": "11:30 AM"},
        format="json",
    )
    assert response.status_code == 200, response.content
    notifications_deliver_due()
    booked, moved = smtp.to(appointment.user.email)
    assert moved["Subject"] == "Your appointment with Dr. Asha Rao has moved to Monday, 13 January 2031 at 11:30 AM"
    assert "It was: Monday, 13 January 2031 at 10:00 AM" in body_text(moved)
    before = calendar_of(booked).walk("VEVENT")[0]  # type: ignore[union-attr]
    after = calendar_of(moved).walk("VEVENT")[0]  # type: ignore[union-attr]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert (after["DTSTART"].dt.hour, after["DTSTART"].dt.minute) == (11, 30)
    assert subjects(smtp, appointment.doctor.email) == ["Moved: Meera is now on Monday, 13 January 2031 at 11:30 AM"]
    reminders = collection("notifications").find({"kind": K.REMINDER, "status": "PENDING"})
    assert {row["context"]["timeSlot"] for row in reminders} == {"11:30 AM"}


def test_a_confirmed_visit_moved_by_its_member_asks_the_doctor_to_confirm_again(smtp: SmtpSink) -> None:
    from appointments.models import Actor
    from appointments.services.workflow import appointment_confirm

    appointment = appointment_confirm(appointment=book(requires_confirmation=True), by=Actor.DOCTOR)
    notifications_deliver_due()
    response = member_client(appointment.user).post(
        f"/api/v1/appointments/{appointment.appointment_id}/reschedule",
        {"appointmentDate": NEXT_MONDAY, "timeSlot": "11:00 AM"},
        format="json",
    )
    assert response.json()["status"] == AppointmentStatus.PENDING_CONFIRMATION
    notifications_deliver_due()
    moved = smtp.to(appointment.doctor.email)[-1]
    assert moved["Subject"].startswith("Moved: Meera")
    assert "The new time needs your confirmation" in body_text(moved)
    assert collection("notifications").count_documents({"kind": K.REQUEST_EXPIRING, "status": "PENDING"}) == 1


def test_a_doctor_who_does_not_show_lets_the_member_cancel_and_the_doctor_hears_why(
    smtp: SmtpSink, set_clock: Callable[[str, str], None]
) -> None:
    appointment = book(day=MONDAY, time_slot="10:00 AM", online=True)
    set_clock(MONDAY, "10:15")
    response = member_client(appointment.user).post(f"/api/v1/appointments/{appointment.appointment_id}/cancel")
    assert response.status_code == 200, response.content
    notifications_deliver_due()
    cancelled = smtp.to(appointment.doctor.email)[-1]
    assert cancelled["Subject"] == "Cancelled: Meera on Monday, 6 January 2031 at 10:00 AM"
    reason = Appointment.objects.get(pk=appointment.pk).cancellation_reason
    assert f"Reason given: {reason}" in body_text(cancelled)
    member = body_text(smtp.to(appointment.user.email)[-1])
    assert "We are sorry that Dr. Asha Rao did not open the video call in time." in member
    assert "You can book another time" in member

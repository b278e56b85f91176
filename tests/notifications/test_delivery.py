"""The worker against a real SMTP server (aiosmtpd, started by the test): each notification delivered once, with the
right words and calendar invitation; failures retried with backoff, then FAILED, never blocking the others."""

import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

from appointments.models import Actor, Appointment, AppointmentStatus
from appointments.services.booking import appointment_reschedule
from appointments.services.workflow import appointment_cancel, appointment_confirm
from core import clock
from mongo.raw import collection
from notifications.delivery import notification_claim, notifications_deliver_due, retry_delay
from notifications.models import NotificationKind as K
from notifications.models import NotificationStatus
from tests.appointments.conftest import MONDAY, NEXT_MONDAY
from tests.notifications.conftest import SmtpSink, body_html, body_text, calendar_of
from tests.notifications.factories import book
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
MEDICAL = re.compile(r"diagnos|bronchitis|password|\.pdf|prescription file", re.IGNORECASE)


def statuses(**query: Any) -> list[str]:
    return sorted(row["status"] for row in collection("notifications").find(query))


def the_event(message: Any) -> Any:
    calendar = calendar_of(message)
    assert calendar is not None
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_a_booking_email_arrives_with_its_words_and_a_calendar_request(smtp: SmtpSink) -> None:
    appointment = book(day=NEXT_MONDAY, time_slot="10:00 AM")
    report = notifications_deliver_due()
    assert (report.sent, report.failed) == (2, 0)  # the email and the in-app one; reminders are not due yet
    [message] = smtp.to(appointment.user.email)
    assert message["Subject"] == "Your appointment with Dr. Asha Rao is booked for Monday, 13 January 2031 at 10:00 AM"
    text = body_text(message)
    assert "Hello Meera," in text
    assert "Monday, 13 January 2031 at 10:00 AM (clinic time)" in text
    assert appointment.clinic_name in text
    assert "Meera" in body_html(message)
    calendar, event = the_event(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{appointment.appointment_id}@opd-wallet"
    assert int(event["SEQUENCE"]) == 0
    start = event["DTSTART"].dt
    assert (str(start.tzinfo), start.hour, start.minute) == ("Asia/Kolkata", 10, 0)
    assert event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Kolkata"]
    assert smtp.envelopes == [("no-reply@opd-wallet.test", [appointment.user.email])]  # to that member only
    assert message["Cc"] is None and message["Bcc"] is None


def test_a_request_reaches_the_doctor_with_when_it_lapses(smtp: SmtpSink) -> None:
    appointment = book(requires_confirmation=True)
    notifications_deliver_due()
    [message] = smtp.to(appointment.doctor.email)
    assert message["Subject"] == "New request: Meera on Monday, 13 January 2031 at 10:00 AM"
    assert "lapses and the time is freed" in body_text(message)
    assert "07:00 AM on Tuesday, 7 January 2031" in body_text(message)
    assert "Iyer" not in body_text(message)  # the doctor's email names the patient by first name only
    [member] = smtp.to(appointment.user.email)
    assert member["Subject"].startswith("We have sent your request to Dr. Asha Rao")


def test_each_event_gives_one_email_per_recipient_with_a_rising_sequence(smtp: SmtpSink) -> None:
    appointment = book(requires_confirmation=True)
    appointment = appointment_confirm(appointment=appointment, by=Actor.DOCTOR)
    appointment = appointment_reschedule(
        appointment=appointment, appointment_date=NEXT_MONDAY, time_slot="11:00 AM", by=Actor.DOCTOR
    )
    appointment_cancel(appointment=appointment, by=Actor.DOCTOR, reason="Called away to an emergency")
    notifications_deliver_due()
    subjects = [message["Subject"] for message in smtp.to(appointment.user.email)]
    assert subjects == [
        "We have sent your request to Dr. Asha Rao for Monday, 13 January 2031 at 10:00 AM",
        "Dr. Asha Rao has confirmed your appointment on Monday, 13 January 2031 at 10:00 AM",
        "Your appointment with Dr. Asha Rao has moved to Monday, 13 January 2031 at 11:00 AM",
        "Your appointment with Dr. Asha Rao on Monday, 13 January 2031 at 11:00 AM is cancelled",
    ]
    invitations = [the_event(message) for message in smtp.to(appointment.user.email)]
    assert [str(calendar["METHOD"]) for calendar, _ in invitations] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    assert {str(event["UID"]) for _, event in invitations} == {f"{appointment.appointment_id}@opd-wallet"}
    assert [int(event["SEQUENCE"]) for _, event in invitations] == [0, 1, 2, 3]
    assert invitations[2][1]["DTSTART"].dt.hour == 11  # the move moves the one event
    cancelled = smtp.to(appointment.user.email)[-1]
    assert "Reason given: Called away to an emergency" in body_text(cancelled)
    assert "cancelled by the doctor" in body_text(cancelled)
    # The doctor did all of it: only the request reached them.
    assert [message["Subject"].split(":")[0] for message in smtp.to(appointment.doctor.email)] == ["New request"]


def test_running_the_worker_twice_sends_nothing_twice(smtp: SmtpSink) -> None:
    book()
    book()
    first = notifications_deliver_due()
    second = notifications_deliver_due()
    assert (first.sent, second.handled) == (4, 0)
    assert len(smtp.messages) == 2


def test_two_workers_at_once_send_each_notification_once(smtp: SmtpSink) -> None:
    for _ in range(6):
        book(user=UserFactory())
    barrier = threading.Barrier(2)
    sent: list[int] = []
    now = clock.now

    def worker() -> None:
        try:
            barrier.wait()
            sent.append(notifications_deliver_due().sent)
        finally:
            connections.close_all()

    assert now is clock.now  # the frozen clock is shared with the threads
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 12
    assert len(smtp.messages) == 6
    assert len({message["To"] for message in smtp.messages}) == 6
    assert statuses(kind=K.BOOKED) == ["SENT"] * 12


def test_a_refused_address_is_retried_with_backoff_then_failed_while_the_others_go(
    smtp: SmtpSink, set_clock: Callable[[str, str], None], settings: Any
) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_SECONDS = 60
    bad = UserFactory(email="gone@example.com")
    smtp.refuse.add("gone@example.com")
    book(user=UserFactory(email="first@example.com"))
    book(user=bad)
    book(user=UserFactory(email="last@example.com"))
    report = notifications_deliver_due()
    assert (report.sent, report.retried, report.failed) == (5, 1, 0)
    assert sorted(message["To"] for message in smtp.messages) == ["first@example.com", "last@example.com"]
    failing = collection("notifications").find_one({"recipientAddress": "gone@example.com", "kind": K.BOOKED})
    assert failing["status"] == NotificationStatus.PENDING
    assert failing["attempts"] == 1
    assert "SMTPRecipientsRefused" in failing["lastError"]
    assert failing["nextAttemptAt"] - failing["dueAt"] >= timedelta(seconds=60)
    # Not before its backoff; then once more 120 s later; then FAILED at the third attempt.
    assert notifications_deliver_due().handled == 0
    set_clock(MONDAY, "07:01")
    assert notifications_deliver_due().retried == 1
    set_clock(MONDAY, "07:02")
    assert notifications_deliver_due().handled == 0
    set_clock(MONDAY, "07:03")
    assert notifications_deliver_due().failed == 1
    assert statuses(recipientAddress="gone@example.com", kind=K.BOOKED) == ["FAILED"]
    assert smtp.refused == ["gone@example.com"] * 3
    set_clock(MONDAY, "09:00")
    assert statuses(recipientAddress="gone@example.com", kind=K.BOOKED) == ["FAILED"]


def test_backoff_doubles_up_to_its_cap(settings: Any) -> None:
    settings.NOTIFY_RETRY_SECONDS = 60
    settings.NOTIFY_RETRY_MAX_SECONDS = 300
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 300]


def test_a_missing_address_fails_at_once_without_stopping_the_batch(smtp: SmtpSink, settings: Any) -> None:
    settings.NOTIFY_MEMBER_CHANNELS = ["SMS", "EMAIL"]
    book(user=UserFactory(phone=""))  # no phone, and the visit is IN_CLINIC: no contact number either
    book(user=UserFactory())
    report = notifications_deliver_due()
    assert (report.sent, report.failed) == (3, 1)
    assert len(smtp.messages) == 2


def test_a_cancelled_appointments_reminders_are_not_sent(smtp: SmtpSink, set_clock: Callable[[str, str], None]) -> None:
    appointment = book(day=MONDAY, time_slot="11:00 AM")
    notifications_deliver_due()
    appointment_cancel(appointment=appointment, by=Actor.MEMBER)
    set_clock(MONDAY, "09:30")  # the 2-hour reminder's time
    notifications_deliver_due()
    member = [message["Subject"] for message in smtp.to(appointment.user.email)]
    assert [subject.split(" ")[-1] for subject in member] == ["AM", "cancelled"]  # booked, cancelled
    assert "Reminder" not in str([message["Subject"] for message in smtp.messages])
    assert statuses(kind=K.REMINDER) == ["WITHDRAWN", "WITHDRAWN"]


def test_a_reminder_left_pending_by_a_crash_is_withdrawn_when_the_visit_is_no_longer_live(
    smtp: SmtpSink, set_clock: Callable[[str, str], None]
) -> None:
    """A crash between the cancel's write and the withdrawal leaves the reminder PENDING: the worker checks."""
    appointment = book(day=MONDAY, time_slot="11:00 AM")
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CANCELLED)  # no event
    collection("appointments").update_one({"_id": appointment.pk}, {"$unset": {"placeNumber": ""}})
    set_clock(MONDAY, "09:30")
    report = notifications_deliver_due()
    assert report.withdrawn == 2
    assert all("Reminder" not in message["Subject"] for message in smtp.messages)


def test_a_due_reminder_names_the_doctor_clinic_and_clinic_local_time(
    smtp: SmtpSink, set_clock: Callable[[str, str], None]
) -> None:
    appointment = book(day=NEXT_MONDAY, time_slot="10:00 AM")
    notifications_deliver_due()
    set_clock("2031-01-12", "09:59")
    assert notifications_deliver_due().handled == 0  # not before its time
    set_clock("2031-01-12", "10:00")
    assert notifications_deliver_due().sent == 2
    reminder = smtp.messages[-1]
    assert reminder["Subject"] == "Reminder: Dr. Asha Rao on Monday, 13 January 2031 at 10:00 AM"
    assert appointment.clinic_name in body_text(reminder)
    assert calendar_of(reminder) is None  # reminders carry no invitation: the event is already in the calendar


def test_a_stale_claim_is_retaken_after_the_lease(
    smtp: SmtpSink, set_clock: Callable[[str, str], None], settings: Any
) -> None:
    settings.NOTIFY_CLAIM_LEASE_SECONDS = 300
    book()
    crashed = notification_claim()  # a worker took it and died
    assert crashed is not None
    notifications_deliver_due()
    assert collection("notifications").find_one({"_id": crashed["_id"]})["status"] == NotificationStatus.SENDING
    set_clock(MONDAY, "07:05")
    assert notifications_deliver_due().sent == 1
    assert collection("notifications").find_one({"_id": crashed["_id"]})["status"] == NotificationStatus.SENT


def test_nothing_medical_in_any_message(smtp: SmtpSink, set_clock: Callable[[str, str], None]) -> None:
    from consultations.services import consultation_start
    from prescriptions.services import prescription_upload
    from tests.prescriptions.sample_files import pdf_bytes, upload

    appointment = book(day=MONDAY, time_slot="10:00 AM", online=True)
    set_clock(MONDAY, "09:50")
    consultation, _ = consultation_start(doctor=appointment.doctor, appointment=appointment)
    prescription_upload(
        doctor=appointment.doctor,
        appointment=Appointment.objects.get(pk=appointment.pk),
        uploaded_file=upload(pdf_bytes(), "bronchitis-rx.pdf"),
        diagnosis="Acute bronchitis",
    )
    notifications_deliver_due()
    subjects = [message["Subject"] for message in smtp.messages]
    assert "Dr. Asha Rao is ready for your video consultation" in subjects
    assert "Your prescription from Dr. Asha Rao is ready" in subjects
    for message in smtp.messages:
        everything = message.as_string()
        assert not MEDICAL.search(body_text(message)), body_text(message)
        assert consultation.room_password not in everything
        assert consultation.room_id not in everything
        assert not [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]


def test_the_command_reports_what_it_did(smtp: SmtpSink, capsys: pytest.CaptureFixture[str]) -> None:
    book()
    call_command("deliver_notifications", "--limit", "1")
    assert "sent 1," in capsys.readouterr().out
    call_command("deliver_notifications")
    assert "sent 1," in capsys.readouterr().out


def test_time_off_that_cancels_visits_tells_each_patient_with_its_reason(smtp: SmtpSink) -> None:
    from appointments.services.time_off import Actorship, time_off_add
    from tests.doctors.factories import DoctorSlotFactory

    slot = DoctorSlotFactory(max_patients=3, doctor__name="Dr. Asha Rao")
    first = book(slot=slot, user=UserFactory(email="one@example.com"))
    second = book(slot=slot, user=UserFactory(email="two@example.com"), time_slot="11:00 AM")
    notifications_deliver_due()
    smtp.messages.clear()
    time_off_add(
        doctor=slot.doctor,
        by=Actorship(actor=Actor.DOCTOR, id=slot.doctor.doctor_id),
        start_date=NEXT_MONDAY,
        end_date=NEXT_MONDAY,
        reason="Attending a medical conference",
        affected="cancel",
    )
    notifications_deliver_due()
    assert sorted(message["To"] for message in smtp.messages) == ["one@example.com", "two@example.com"]
    for message in smtp.messages:
        assert "cancelled by the doctor" in body_text(message)
        assert "Reason given: Attending a medical conference" in body_text(message)
        assert str(calendar_of(message)["METHOD"]) == "CANCEL"  # type: ignore[index]
    assert (
        statuses(kind=K.REMINDER, appointmentId={"$in": [first.appointment_id, second.appointment_id]})
        == ["WITHDRAWN"] * 8
    )


class RecordingSms:
    """A provider's backend as docs/notifications.md describes it: send(*, to, text), raising on failure."""

    sent: list[tuple[str, str, str]] = []
    refuse: set[str] = set()

    def __init__(self, channel: str = "SMS") -> None:
        self.channel = channel

    def send(self, *, to: str, text: str) -> None:
        if to in self.refuse:
            raise ConnectionError("provider said no")
        self.sent.append((self.channel, to, text))


def test_sms_goes_through_the_backend_named_in_settings(settings: Any) -> None:
    settings.NOTIFY_MEMBER_CHANNELS = ["SMS", "WHATSAPP"]
    settings.NOTIFY_SMS_BACKEND = settings.NOTIFY_WHATSAPP_BACKEND = f"{__name__}.RecordingSms"
    RecordingSms.sent, RecordingSms.refuse = [], {"+919800000002"}
    book(online=True)  # contact number +919800000001
    book(user=UserFactory(phone="+919800000002"))  # IN_CLINIC: the profile's phone
    report = notifications_deliver_due()
    assert (report.sent, report.retried) == (2, 2)
    assert sorted(RecordingSms.sent) == [
        (
            "SMS",
            "+919800000001",
            "Your appointment with Dr. Asha Rao is booked for Monday, 13 January 2031 at 10:00 AM",
        ),
        (
            "WHATSAPP",
            "+919800000001",
            "Your appointment with Dr. Asha Rao is booked for Monday, 13 January 2031 at 10:00 AM",
        ),
    ]


def test_the_logging_text_backend_logs_no_number_and_no_words(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.NOTIFY_MEMBER_CHANNELS = ["SMS"]
    book(user=UserFactory(phone="+919811111111"))
    with caplog.at_level("INFO", logger="notifications"):
        assert notifications_deliver_due().sent == 1
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "+919811111111" not in logged
    assert "Asha Rao" not in logged
    assert "text message not sent (logging backend)" in logged

"""Attacks on the member's notifications, their preferences, the worker and the doctor's calendar feed."""

import threading
from typing import Any

import pytest
from django.db import close_old_connections
from django.test import Client
from rest_framework.test import APIClient

from appointments.models import Actor, AppointmentStatus
from appointments.services.workflow import appointment_cancel, appointment_confirm
from core.admin_base import MSG_SEARCH_TOO_LONG
from mongo.raw import collection
from notifications.delivery import DeliveryReport, notification_claim, notification_deliver, notifications_deliver_due
from notifications.models import Channel, NotificationKind, NotificationStatus
from tests.admin_forms import staff_client
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from tests.notifications.factories import book
from tests.notifications.test_calendar import feed, make_link
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db
LIST = "/api/v1/notifications"
PREFERENCES = "/api/v1/me/preferences"


def read_url(notification_id: object) -> str:
    return f"/api/v1/notifications/{notification_id}/read"


def in_app(user: User, **extra: Any) -> list[dict[str, Any]]:
    return list(
        collection("notifications").find(
            {"recipientType": "MEMBER", "recipientId": str(user.pk), "channel": Channel.IN_APP, **extra}
        )
    )


# --- marking read ------------------------------------------------------------------------------------------


def test_a_notification_not_yet_published_cannot_be_marked_read() -> None:
    """A reminder waiting for its time is not in the member's list: marking it read is 404, as for any id the
    list never showed, and nothing is written."""
    member = UserFactory()
    book(user=member)
    [reminder, *_] = in_app(member, kind=NotificationKind.REMINDER, status=NotificationStatus.PENDING)
    response = member_client(member).post(read_url(reminder["_id"]))
    assert response.status_code == 404
    assert collection("notifications").find_one({"_id": reminder["_id"]})["isRead"] is False


def test_a_withdrawn_notification_cannot_be_marked_read() -> None:
    member = UserFactory()
    appointment = book(user=member)
    appointment_cancel(appointment=appointment, by=Actor.MEMBER)
    [withdrawn, *_] = in_app(member, status=NotificationStatus.WITHDRAWN)
    assert member_client(member).post(read_url(withdrawn["_id"])).status_code == 404


def test_marking_read_twice_at_once_keeps_one_read_time() -> None:
    member = UserFactory()
    book(user=member)
    notifications_deliver_due()
    [booked] = in_app(member, kind=NotificationKind.BOOKED)
    answers: list[int] = []

    def mark() -> None:
        try:
            answers.append(member_client(member).post(read_url(booked["_id"])).status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=mark) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [204] * 4
    first = collection("notifications").find_one({"_id": booked["_id"]})["readAt"]
    assert member_client(member).post(read_url(booked["_id"])).status_code == 204
    assert collection("notifications").find_one({"_id": booked["_id"]})["readAt"] == first


@pytest.mark.parametrize(
    "notification_id",
    ["null", "0", "-1", "9" * 400, "%00", "6b" * 12 + "%0A", "\uff21\uff22" * 12, "{'$ne': 1}", "[]", "abcdefghijkl"],
)
def test_a_hostile_id_is_404(notification_id: str) -> None:
    response = member_client(UserFactory()).post(read_url(notification_id))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_doctor_cannot_read_or_mark_a_members_notifications() -> None:
    member = UserFactory()
    appointment = book(user=member)
    notifications_deliver_due()
    [booked] = in_app(member, kind=NotificationKind.BOOKED)
    doctor = doctor_portal_client(appointment.doctor)
    assert doctor.get(LIST).status_code in (401, 403)
    assert doctor.post(read_url(booked["_id"])).status_code in (401, 403)
    assert collection("notifications").find_one({"_id": booked["_id"]})["isRead"] is False


# --- preferences -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"reminders": "yes"},
        {"reminders": "false"},
        {"reminders": 0},
        {"reminders": 1},
        {"reminders": None},
        {"reminders": []},
        {"reminders": {"value": False}},
        {"reminders": "x" * 100_000},
        {},
        [],
        [{"reminders": False}],
        None,
    ],
)
def test_preferences_take_a_json_boolean_only_and_write_nothing_else(body: Any) -> None:
    member = UserFactory()
    book(user=member)
    pending = len(in_app(member, kind=NotificationKind.REMINDER, status=NotificationStatus.PENDING))
    response = member_client(member).patch(PREFERENCES, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    member.refresh_from_db()
    assert not member.reminders_opt_out
    assert len(in_app(member, kind=NotificationKind.REMINDER, status=NotificationStatus.PENDING)) == pending


def test_preferences_refuse_a_broken_json_body() -> None:
    member = UserFactory()
    client = member_client(member)
    response = client.patch(PREFERENCES, "{not json", content_type="application/json")
    assert response.status_code == 400
    member.refresh_from_db()
    assert not member.reminders_opt_out


# --- the worker ---------------------------------------------------------------------------------------------


def test_two_workers_at_once_send_each_notification_once(mailoutbox: list) -> None:
    for _ in range(3):
        book(user=UserFactory(), slot=DoctorSlotFactory(max_patients=3))
    reports: list[DeliveryReport] = []

    def work() -> None:
        try:
            reports.append(notifications_deliver_due())
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = sum(report.sent for report in reports)
    due = collection("notifications").count_documents({"status": NotificationStatus.SENT})
    assert sent == due
    assert len(mailoutbox) == collection("notifications").count_documents(
        {"status": NotificationStatus.SENT, "channel": Channel.EMAIL}
    )
    subjects = [(message.to[0], message.subject) for message in mailoutbox]
    assert len(subjects) == len(set(subjects))


def test_a_cancel_while_a_reminder_is_being_sent_sends_no_reminder(mailoutbox: list) -> None:
    from datetime import timedelta

    from core import clock

    member = UserFactory()
    appointment = book(user=member)
    assert appointment.status == AppointmentStatus.CONFIRMED  # the doctor takes bookings directly
    notifications_deliver_due()
    mailoutbox.clear()
    reminder = collection("notifications").find_one(
        {"kind": NotificationKind.REMINDER, "channel": Channel.EMAIL, "status": NotificationStatus.PENDING},
        sort=[("dueAt", 1)],
    )
    later = reminder["dueAt"] + timedelta(minutes=1)
    original = clock.now
    clock.now = lambda: later  # type: ignore[assignment]
    try:
        claimed = notification_claim(later)
        assert claimed is not None and claimed["_id"] == reminder["_id"]
        appointment.refresh_from_db()
        appointment_cancel(appointment=appointment, by=Actor.MEMBER)  # while the worker holds the claim
        report = DeliveryReport()
        notification_deliver(claimed, report)
    finally:
        clock.now = original  # type: ignore[assignment]
    assert report.withdrawn == 1
    assert not [message for message in mailoutbox if "remind" in message.subject.lower()]
    assert collection("notifications").find_one({"_id": reminder["_id"]})["status"] == NotificationStatus.WITHDRAWN


# --- the calendar feed --------------------------------------------------------------------------------------


def test_a_visit_with_an_unreadable_time_does_not_break_the_feed() -> None:
    slot = DoctorSlotFactory(max_patients=3)
    good = book(slot=slot, user=UserFactory(name="Meera Iyer"))
    legacy = book(slot=slot, user=UserFactory(name="Ravi Kumar"), time_slot="11:00 AM")
    collection("appointments").update_one({"_id": legacy.pk}, {"$set": {"timeSlot": "after lunch"}})
    _, token = make_link(doctor_portal_client(slot.doctor))
    events = feed(token).walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [f"{good.appointment_id}@opd-wallet"]


def test_the_feed_carries_nothing_medical_nor_contact_details() -> None:
    slot = DoctorSlotFactory(max_patients=3)
    member = UserFactory(name="Meera Iyer", phone="+919811112222", email="meera@example.com")
    appointment = book(slot=slot, user=member)
    collection("appointments").update_one(
        {"_id": appointment.pk},
        {"$set": {"symptoms": "chest pain HIV", "notes": "diabetic", "contactNumber": "+919833334444"}},
    )
    _, token = make_link(doctor_portal_client(slot.doctor))
    body = Client().get(f"/portal/calendar/{token}.ics").content.decode()
    for secret in ("chest pain", "HIV", "diabetic", "Iyer", "+91981", "+91983", "meera@example.com"):
        assert secret not in body


@pytest.mark.parametrize(
    "token",
    ["x" * 10_000, "%00", "%E2%80%AE", "\uff21\uff22\uff23", "..%2F..%2Fadmin", "*", "' OR 1=1 --", '{"$ne": null}'],
)
def test_a_hostile_token_is_404(token: str) -> None:
    slot = DoctorSlotFactory()
    book(slot=slot)
    make_link(doctor_portal_client(slot.doctor))
    response = Client().get(f"/portal/calendar/{token}.ics")
    assert response.status_code == 404


def test_the_feed_of_a_doctor_made_inactive_is_404_and_it_takes_no_writes() -> None:
    slot = DoctorSlotFactory()
    _, token = make_link(doctor_portal_client(slot.doctor))
    for method in ("post", "put", "delete", "patch"):
        assert getattr(Client(), method)(f"/portal/calendar/{token}.ics").status_code in (404, 405)
    type(slot.doctor).objects.filter(pk=slot.doctor.pk).update(is_active=False)
    assert Client().get(f"/portal/calendar/{token}.ics").status_code == 404


def test_renewing_by_get_or_without_csrf_changes_nothing() -> None:
    slot = DoctorSlotFactory()
    client = doctor_portal_client(slot.doctor)
    _, token = make_link(client)
    assert client.get("/portal/profile/calendar/renew/").status_code == 405
    assert client.get("/portal/profile/calendar/revoke/").status_code == 405
    assert Client().get(f"/portal/calendar/{token}.ics").status_code == 200


def test_a_member_cannot_renew_a_doctors_feed() -> None:
    member = UserFactory()
    client = APIClient()
    client.force_login(member)
    response = client.post("/portal/profile/calendar/renew/")
    assert response.status_code in (302, 403)
    assert collection("doctor_calendar_feeds").count_documents({}) == 0


def test_confirmed_visits_still_list_once_confirmed() -> None:
    slot = DoctorSlotFactory(max_patients=3)
    appointment = book(slot=slot)
    if appointment.status == AppointmentStatus.PENDING_CONFIRMATION:
        appointment_confirm(appointment=appointment, by=Actor.DOCTOR)
    _, token = make_link(doctor_portal_client(slot.doctor))
    [event] = feed(token).walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED"
    assert appointment.status == AppointmentStatus.CONFIRMED


# --- medical words in messages ------------------------------------------------------------------------------


def test_a_reason_the_member_typed_goes_in_no_email_only_in_the_app(mailoutbox: list) -> None:
    """A member's reason may say why they are unwell: no email, SMS or WhatsApp carries it, to the doctor or
    back to the member; the in-app notification and the appointment keep it."""
    member = UserFactory()
    appointment = book(user=member)
    notifications_deliver_due()
    mailoutbox.clear()
    typed = "My HIV test result came back and I feel too sick"
    response = member_client(member).post(
        f"/api/v1/appointments/{appointment.appointment_id}/cancel", {"cancellationReason": typed}, format="json"
    )
    assert response.status_code == 200, response.content
    notifications_deliver_due()
    assert mailoutbox, "the cancellation emails were sent"
    for message in mailoutbox:
        words = message.subject + message.body + "".join(str(part[0]) for part in message.alternatives)
        assert "HIV" not in words and "sick" not in words
    outside = collection("notifications").find({"kind": NotificationKind.CANCELLED, "channel": {"$ne": "IN_APP"}})
    assert all("HIV" not in str(row["context"]) for row in outside)
    [own] = in_app(member, kind=NotificationKind.CANCELLED)
    assert own["context"]["reason"] == typed


def test_a_reason_staff_gave_still_reaches_the_member_by_email(mailoutbox: list) -> None:
    member = UserFactory()
    appointment = book(user=member)
    appointment_cancel(appointment=appointment, by=Actor.STAFF, reason="Clinic closed for repairs")
    notifications_deliver_due()
    assert any("Clinic closed for repairs" in message.body for message in mailoutbox if message.to == [member.email])


# --- the admin ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changelist",
    ["/admin/notifications/notification/", "/admin/appointments/appointment/", "/admin/doctors/doctorslot/"],
)
def test_a_search_too_long_for_the_database_is_a_400_not_a_500(client: Client, changelist: str) -> None:
    book()
    staff = staff_client(client)
    assert staff.get(changelist, {"q": "a" * 200}).status_code == 200
    response = staff.get(changelist, {"q": "a" * 2000})
    assert response.status_code == 400
    assert MSG_SEARCH_TOO_LONG in response.content.decode()


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_the_worker_refuses_a_limit_below_one_with_an_error_exit(limit: str) -> None:
    from django.core.management import CommandError, call_command

    book()
    with pytest.raises(CommandError, match="--limit must be 1 or more"):
        call_command("deliver_notifications", "--limit", limit)
    assert collection("notifications").count_documents({"status": NotificationStatus.SENT}) == 0


def test_a_name_cannot_inject_lines_into_the_feed() -> None:
    slot = DoctorSlotFactory(max_patients=3)
    appointment = book(slot=slot, user=UserFactory(name="Meera\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected"))
    collection("appointments").update_one(
        {"_id": appointment.pk},
        {"$set": {"clinicName": "Clinic\nATTENDEE:mailto:evil@example.com", "clinicAddress": "Road;\\,\r\nX-EVIL:1"}},
    )
    _, token = make_link(doctor_portal_client(slot.doctor))
    calendar = feed(token)
    [event] = calendar.walk("VEVENT")
    assert "ATTENDEE" not in event and "X-EVIL" not in event
    body = Client().get(f"/portal/calendar/{token}.ics").content.decode()
    assert "\r\nSUMMARY:Injected" not in body and "\r\nX-EVIL" not in body


def test_renewing_the_link_many_times_at_once_leaves_one_working_link() -> None:
    from notifications.services import calendar_feed_renew

    slot = DoctorSlotFactory()
    tokens: list[str] = []
    errors: list[BaseException] = []

    def renew() -> None:
        try:
            tokens.append(calendar_feed_renew(doctor_id=slot.doctor.doctor_id))
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    for _round in range(3):
        threads = [threading.Thread(target=renew) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert collection("doctor_calendar_feeds").count_documents({"doctorId": slot.doctor.doctor_id}) == 1
    working = [token for token in tokens if Client().get(f"/portal/calendar/{token}.ics").status_code == 200]
    assert len(working) == 1


def test_the_feeds_secret_token_is_never_written_to_the_access_log(caplog: pytest.LogCaptureFixture) -> None:
    slot = DoctorSlotFactory()
    _, token = make_link(doctor_portal_client(slot.doctor))
    with caplog.at_level("INFO", logger="opd_wallet.access"):
        assert Client().get(f"/portal/calendar/{token}.ics").status_code == 200
        assert Client().get(f"/portal/calendar/{token}x.ics").status_code == 404
    paths = [
        str(record.path)  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == "opd_wallet.access" and str(getattr(record, "path", "")).startswith("/portal/calendar/")
    ]
    assert len(paths) >= 2
    assert all(token not in path and path.endswith("[secret].ics") for path in paths), paths

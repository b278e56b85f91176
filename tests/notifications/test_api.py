"""The member's notifications API: own only, unread first, paginated; mark as read; the reminder preference."""

from collections.abc import Callable

import pytest
from bson import ObjectId
from rest_framework.test import APIClient

from mongo.raw import collection
from notifications.apis import MSG_NOTIFICATION_NOT_FOUND
from notifications.delivery import notifications_deliver_due
from notifications.models import NotificationKind as K
from tests.appointments.conftest import MONDAY
from tests.member_api import member_client
from tests.notifications.factories import book
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db
LIST = "/api/v1/notifications"


def publish() -> None:
    """The worker publishes in-app notifications when they are due (and sends the emails)."""
    notifications_deliver_due()


def read_url(notification_id: object) -> str:
    return f"/api/v1/notifications/{notification_id}/read"


@pytest.fixture
def member() -> User:
    return UserFactory(name="Meera Iyer")


def test_the_list_needs_a_member_token() -> None:
    assert APIClient().get(LIST).status_code == 401
    assert APIClient().post(read_url(ObjectId())).status_code == 401


def test_the_list_shows_the_members_own_in_app_notifications_that_are_due(member: User) -> None:
    appointment = book(user=member)
    book(user=UserFactory())  # someone else's
    assert member_client(member).get(LIST).json()["count"] == 0  # not before the worker publishes it
    publish()
    body = member_client(member).get(LIST).json()
    assert body["count"] == 1  # the booking; its reminders are not due yet; emails are not listed
    [row] = body["results"]
    assert set(row) == {"_id", "kind", "appointmentId", "title", "body", "createdAt", "isRead", "readAt"}
    assert (row["kind"], row["appointmentId"], row["isRead"], row["readAt"]) == (
        "BOOKED",
        appointment.appointment_id,
        False,
        None,
    )
    assert row["title"] == "Your appointment with Dr. Asha Rao is booked for Monday, 13 January 2031 at 10:00 AM"
    assert "Hello Meera," in row["body"]


def test_a_reminder_appears_once_due(member: User, set_clock: Callable[[str, str], None]) -> None:
    book(user=member, day=MONDAY, time_slot="11:00 AM")
    client = member_client(member)
    publish()
    assert client.get(LIST).json()["count"] == 1
    set_clock(MONDAY, "09:00")
    publish()
    assert [row["kind"] for row in client.get(LIST).json()["results"]] == ["REMINDER", "BOOKED"]


def test_unread_come_first_then_newest_first_and_pages_hold_20(
    member: User, set_clock: Callable[[str, str], None]
) -> None:
    for minute in range(22):
        set_clock(MONDAY, f"07:{minute:02d}")
        book(user=member, time_slot="10:00 AM", day=f"2031-01-{13 + 7 * (minute % 3):02d}")
    set_clock(MONDAY, "07:30")
    publish()
    client = member_client(member)
    oldest = collection("notifications").find_one({"channel": "IN_APP", "kind": K.BOOKED}, sort=[("dueAt", 1)])
    assert client.post(read_url(oldest["_id"])).status_code == 204
    first = client.get(LIST).json()
    assert first["count"] == 22
    assert len(first["results"]) == 20
    assert all(not row["isRead"] for row in first["results"])
    dates = [row["createdAt"] for row in first["results"]]
    assert dates == sorted(dates, reverse=True)
    last = client.get(LIST, {"page": 2}).json()["results"]
    assert [row["isRead"] for row in last] == [False, True]
    assert last[-1]["_id"] == str(oldest["_id"])
    assert client.get(LIST, {"page": 3}).status_code == 404


def test_marking_read_is_idempotent_and_keeps_the_first_time(
    member: User, set_clock: Callable[[str, str], None]
) -> None:
    book(user=member)
    publish()
    client = member_client(member)
    [row] = client.get(LIST).json()["results"]
    assert client.post(read_url(row["_id"])).status_code == 204
    first = client.get(LIST).json()["results"][0]["readAt"]
    set_clock(MONDAY, "08:00")
    assert client.post(read_url(row["_id"])).status_code == 204
    assert client.get(LIST).json()["results"][0]["readAt"] == first is not None


def test_another_members_notification_or_an_email_one_is_404(member: User) -> None:
    book(user=member)
    publish()
    other = UserFactory()
    [mine] = member_client(member).get(LIST).json()["results"]
    email = collection("notifications").find_one({"channel": "EMAIL"})
    for client, notification_id in [(member_client(other), mine["_id"]), (member_client(member), email["_id"])]:
        response = client.post(read_url(notification_id))
        assert (response.status_code, response.json()) == (404, {"detail": MSG_NOTIFICATION_NOT_FOUND})
    assert member_client(member).post(read_url("not-an-id")).status_code == 404
    assert member_client(member).get(LIST).json()["results"][0]["isRead"] is False


def test_a_member_turns_reminders_off_and_on(member: User) -> None:
    client = member_client(member)
    book(user=member)
    assert client.get("/api/v1/me/preferences").json() == {"reminders": True}
    assert client.patch("/api/v1/me/preferences", {"reminders": False}, format="json").json() == {"reminders": False}
    assert client.get("/api/v1/me/preferences").json() == {"reminders": False}
    assert {row["status"] for row in collection("notifications").find({"kind": K.REMINDER})} == {"WITHDRAWN"}
    assert client.patch("/api/v1/me/preferences", {"reminders": True}, format="json").status_code == 200
    member.refresh_from_db()
    assert member.reminders_opt_out is False


def test_a_bad_preference_is_400_and_changes_nothing(member: User) -> None:
    client = member_client(member)
    response = client.patch("/api/v1/me/preferences", {"reminders": "maybe"}, format="json")
    assert response.status_code == 400
    assert "reminders" in response.json()
    member.refresh_from_db()
    assert member.reminders_opt_out is None

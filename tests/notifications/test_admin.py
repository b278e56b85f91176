"""Staff see the outbox read-only; an ADMIN sends FAILED notifications again, OPERATIONS cannot."""

import pytest
from django.test import Client

from mongo.raw import collection
from notifications.admin import MSG_RETRIED
from notifications.models import NotificationStatus
from tests.notifications.factories import book
from tests.users.factories import StaffFactory
from users.models import Role

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/notifications/notification/"


def failed_one() -> dict:
    book()
    notifications = collection("notifications")
    notifications.update_many({}, {"$set": {"status": NotificationStatus.FAILED, "attempts": 5}})
    return notifications.find_one({"channel": "EMAIL"})


@pytest.mark.parametrize(("role", "retried"), [(Role.ADMIN, True), (Role.OPERATIONS, False)])
def test_failed_notifications_are_sent_again_by_an_admin_only(client: Client, role: str, retried: bool) -> None:
    notification = failed_one()
    client.force_login(StaffFactory(role=role))
    response = client.post(
        CHANGELIST, {"action": "send_again", "_selected_action": [str(notification["_id"])]}, follow=True
    )
    assert response.status_code == 200
    after = collection("notifications").find_one({"_id": notification["_id"]})
    if retried:
        assert MSG_RETRIED.format(count=1) in response.content.decode()
        assert (after["status"], after["attempts"]) == (NotificationStatus.PENDING, 0)
    else:
        assert after["status"] == NotificationStatus.FAILED


def test_the_change_page_is_read_only(client: Client) -> None:
    notification = failed_one()
    client.force_login(StaffFactory(role=Role.ADMIN))
    page = client.get(f"{CHANGELIST}{notification['_id']}/change/").content.decode()
    assert 'name="_save"' not in page

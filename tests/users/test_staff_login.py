"""Issue 16, point 3: /admin/login/ is throttled like the other sign-ins."""

import pytest
from django.test import Client

from core.login_throttle import MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, MSG_TOO_MANY_ATTEMPTS
from tests.users.factories import DEFAULT_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"


def _login(client: Client, email: str, password: str) -> object:
    return client.post(LOGIN_URL, {"username": email, "password": password, "next": "/admin/"})


def test_admin_sign_in_stops_guessing_then_the_owner_still_signs_in_from_elsewhere() -> None:
    staff = StaffFactory()
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(30):
        response = _login(stranger, staff.email, "guess")
        assert response.status_code == 200  # the form again, with an error
    refused = _login(stranger, staff.email, DEFAULT_PASSWORD)
    assert refused.status_code == 200
    assert MSG_TOO_MANY_ATTEMPTS in refused.content.decode()
    assert "_auth_user_id" not in stranger.session
    owner = Client(REMOTE_ADDR="10.0.0.2")
    assert _login(owner, staff.email, DEFAULT_PASSWORD).status_code == 302


def test_a_few_mistakes_then_the_right_password_signs_in() -> None:
    staff = StaffFactory()
    client = Client()
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1):
        _login(client, staff.email, "guess")
    assert _login(client, staff.email, DEFAULT_PASSWORD).status_code == 302

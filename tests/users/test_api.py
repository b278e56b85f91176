import pytest
from rest_framework.test import APIClient

from tests.users.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def _token(client: APIClient, email: str, password: str = DEFAULT_PASSWORD) -> dict:
    return client.post("/api/v1/auth/token", {"email": email, "password": password}, format="json").json()


def test_member_signs_in_and_reads_own_profile() -> None:
    member = UserFactory(member_id="USR001", name="John Doe")
    client = APIClient()
    tokens = _token(client, member.email)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["_id"] == str(member.pk)
    assert body["memberId"] == "USR001"
    assert "password" not in body


def test_refresh_gives_a_new_access_token() -> None:
    member = UserFactory()
    client = APIClient()
    tokens = _token(client, member.email)
    response = client.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert "access" in response.json()


def test_wrong_password_is_401() -> None:
    member = UserFactory()
    response = APIClient().post("/api/v1/auth/token", {"email": member.email, "password": "nope"}, format="json")
    assert response.status_code == 401


def test_me_without_token_is_401() -> None:
    assert APIClient().get("/api/v1/me").status_code == 401


def test_me_for_staff_role_is_403() -> None:
    """Staff cannot sign in here (tests/users/test_revocation.py); a staff token made otherwise is still refused."""
    from users.tokens import member_tokens_issue

    staff = StaffFactory(role=Role.OPERATIONS)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {member_tokens_issue(user=staff).access}")
    assert client.get("/api/v1/me").status_code == 403

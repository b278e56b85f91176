"""A member's API client for tests: a real signed JWT, no password round trip."""

from rest_framework.test import APIClient

from tests.users.factories import UserFactory
from users.models import User
from users.tokens import member_tokens_issue


def member_client(user: User | None = None) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {member_tokens_issue(user=user or UserFactory()).access}")
    return client

"""A member's API client for tests: a real signed JWT, no password round trip."""

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.users.factories import UserFactory
from users.models import User


def member_client(user: User | None = None) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user or UserFactory()).access_token}")
    return client

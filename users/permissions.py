"""Who may call the member API."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from users.roles import Role


class IsMember(BasePermission):
    """Member API: a signed-in user with role MEMBER (403 for other roles)."""

    message = "This endpoint is for members only."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and getattr(user, "is_authenticated", False) and user.role == Role.MEMBER)

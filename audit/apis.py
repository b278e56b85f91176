"""GET /api/v1/me/access-log: which roles accessed the member's records, and when (never who by name)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from audit.selectors import audit_entries_for_member
from core.pagination import StandardPagination

MEMBER_ROLE = "MEMBER"  # users.roles.Role.MEMBER; audit imports no app


class IsMemberUser(BasePermission):
    message = "This endpoint is for members only."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and getattr(user, "is_authenticated", False) and getattr(user, "role", None) == MEMBER_ROLE)


class AccessLogEntrySerializer(serializers.Serializer):
    role = serializers.CharField()
    action = serializers.CharField()
    recordType = serializers.CharField(source="target_type")
    recordId = serializers.CharField(source="target_id")
    at = serializers.DateTimeField()


class MemberAccessLogApi(ListAPIView):
    """Newest first, 20 a page. Staff appear by role (ADMIN, OPERATIONS), doctors as DOCTOR, the member as MEMBER."""

    permission_classes = [IsMemberUser]
    serializer_class = AccessLogEntrySerializer
    pagination_class = StandardPagination

    def get_queryset(self) -> Any:
        return audit_entries_for_member(member_id=self.request.user.pk)

    @extend_schema(tags=["member"], summary="Who (by role) viewed, downloaded or changed my records")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

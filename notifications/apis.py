"""Member API: the member's in-app notifications and their reminder preference."""

from bson import ObjectId
from bson.errors import InvalidId
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_docs import error_responses
from core.errors import NotFound
from notifications.selectors import notification_list_for_member
from notifications.serializers import NotificationSerializer, PreferencesSerializer
from notifications.services import member_reminders_set, notification_mark_read
from users.permissions import IsMember

MSG_NOTIFICATION_NOT_FOUND = "No such notification."
NOTIFICATION_ID_PARAM = OpenApiParameter(
    "notificationId", str, OpenApiParameter.PATH, description="The notification's `_id` (24 hex characters)."
)


class NotificationListApi(ListAPIView):
    permission_classes = [IsMember]
    serializer_class = NotificationSerializer

    @extend_schema(
        summary="My notifications, unread first, newest first",
        description="What the app shows in its inbox: bookings, confirmations, cancellations, moves, reminders, "
        "a video room opened, a prescription ready. Each has a `title` and a plain-text `body`.",
        tags=["notifications"],
        responses={200: NotificationSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(notification_list_for_member(user=request.user))
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationReadApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="Mark one of my notifications read",
        description="Idempotent: marking it again keeps the first `readAt`. Another member's notification is 404.",
        tags=["notifications"],
        parameters=[NOTIFICATION_ID_PARAM],
        request=None,
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def post(self, request: Request, notificationId: str) -> Response:
        try:
            pk = ObjectId(notificationId)
        except (InvalidId, TypeError):
            raise NotFound(MSG_NOTIFICATION_NOT_FOUND) from None
        if not notification_mark_read(user=request.user, notification_id=pk):
            raise NotFound(MSG_NOTIFICATION_NOT_FOUND)
        return Response(status=204)


class PreferencesApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="My notification preferences", tags=["notifications"], responses={200: PreferencesSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response({"reminders": not request.user.reminders_opt_out})

    @extend_schema(
        summary="Turn reminders on or off",
        description="Off withdraws the reminders already scheduled. Messages about your bookings (confirmed, "
        "cancelled, moved) are always sent.",
        tags=["notifications"],
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer, **error_responses(400, 401, 403)},
    )
    def patch(self, request: Request) -> Response:
        body = PreferencesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member_reminders_set(user=request.user, enabled=body.validated_data["reminders"])
        return Response({"reminders": body.validated_data["reminders"]})

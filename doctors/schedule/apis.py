"""The doctor API for weekly slots (/api/v1/doctor/slots): the signed-in doctor's own slots.

Another doctor's slot is 404, never 403. Refusals of the slot services are answered by core/api.py.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import StandardPagination, paginated_response
from doctors.auth.sessions import DoctorApiMixin
from doctors.schedule.selectors import slot_get, slot_list
from doctors.schedule.serializers import SlotFilterSerializer, SlotInputSerializer, SlotSerializer
from doctors.schedule.services import slot_create, slot_delete, slot_update

# Service errors name model attributes; the API speaks the seed's camelCase.
API_FIELD_NAMES = {
    "clinic_id": "clinicId",
    "clinic": "clinicId",
    "day_of_week": "dayOfWeek",
    "start_time": "startTime",
    "end_time": "endTime",
    "slot_duration": "slotDuration",
    "max_patients": "maxPatients",
    "is_active": "isActive",
    "consultation_fee": "consultationFee",
    "consultation_type": "consultationType",
    "__all__": "non_field_errors",
}
CONFLICT_RESPONSE = OpenApiResponse(description="the current state does not allow it: {detail}")


class DoctorSlotListApi(DoctorApiMixin, APIView):
    pagination_class = StandardPagination  # read by the schema: the list is paginated (see paginated_response)
    service_error_fields = API_FIELD_NAMES

    @extend_schema(
        parameters=[SlotFilterSerializer],
        responses=SlotSerializer(many=True),
        tags=["doctor"],
        summary="Own weekly slots, Monday to Sunday",
    )
    def get(self, request: Request) -> Response:
        filters = SlotFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        is_active = filters.validated_data.get("isActive")
        rows = slot_list(
            doctor=request.user,
            day_of_week=filters.validated_data.get("dayOfWeek"),
            clinic_id=filters.validated_data.get("clinicId"),
            is_active=None if is_active is None else is_active == "true",
        )
        return paginated_response(request, self, rows, SlotSerializer)

    @extend_schema(
        request=SlotInputSerializer,
        responses={201: SlotSerializer, 409: CONFLICT_RESPONSE},
        tags=["doctor"],
        summary="Add a weekly slot (no overlap with another active slot that day)",
    )
    def post(self, request: Request) -> Response:
        data = SlotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = slot_create(doctor=request.user, **data.validated_data)
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)


SLOT_ID_PARAM = OpenApiParameter(
    "slotId", str, OpenApiParameter.PATH, description="The weekly slot's 24-hex `_id`, as the slot list gives it."
)


class DoctorSlotDetailApi(DoctorApiMixin, APIView):
    service_error_fields = API_FIELD_NAMES

    @extend_schema(responses=SlotSerializer, tags=["doctor"], parameters=[SLOT_ID_PARAM], summary="One of my slots")
    def get(self, request: Request, slotId: str) -> Response:
        return Response(SlotSerializer(slot_get(doctor=request.user, slot_id=slotId)).data)

    @extend_schema(
        request=SlotInputSerializer,
        responses={200: SlotSerializer, 409: CONFLICT_RESPONSE},
        tags=["doctor"],
        parameters=[SLOT_ID_PARAM],
        summary="Change a slot (isActive=false deactivates it)",
    )
    def patch(self, request: Request, slotId: str) -> Response:
        slot = slot_get(doctor=request.user, slot_id=slotId)
        data = SlotInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        slot = slot_update(slot=slot, doctor=request.user, data=data.validated_data)
        return Response(SlotSerializer(slot).data)

    @extend_schema(
        responses={204: None, 409: CONFLICT_RESPONSE},
        tags=["doctor"],
        parameters=[SLOT_ID_PARAM],
        summary="Remove a slot; 409 while it has upcoming appointments (deactivate it instead)",
    )
    def delete(self, request: Request, slotId: str) -> Response:
        slot_delete(slot=slot_get(doctor=request.user, slot_id=slotId))
        return Response(status=status.HTTP_204_NO_CONTENT)

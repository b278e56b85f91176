"""The doctor API (API.md "Doctor API"): the signed-in doctor's appointments and weekly slots.

`{appointmentId}` in a URL is the appointment's `_id` (24 hex) or its `appointmentId` string (e.g. APT-001).
Another doctor's appointment or slot is 404, never 403.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.doctor_selectors import doctor_appointment_get, doctor_appointments
from appointments.serializers import AppointmentSerializer
from appointments.services.workflow import (
    TransitionRefused,
    appointment_cancel,
    appointment_complete,
    appointment_confirm,
)
from core.api import Conflict
from core.pagination import StandardPagination
from doctors.auth import DoctorApiMixin
from doctors.doctor_api_serializers import (
    DoctorAppointmentFilterSerializer,
    SlotFilterSerializer,
    SlotInputSerializer,
    SlotSerializer,
)
from doctors.models import DoctorSlot
from doctors.schedule_selectors import slot_get, slot_list
from doctors.services import SlotConflict, slot_create, slot_delete, slot_update

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


def _api_validation_error(exc: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(
        {API_FIELD_NAMES.get(name, name): messages for name, messages in exc.message_dict.items()}
    )


def _paginated(request: Request, view: APIView, rows: Any, serializer_class: type) -> Response:
    paginator = StandardPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


# --- Appointments -------------------------------------------------------------------------------------------


class DoctorAppointmentListApi(DoctorApiMixin, APIView):
    pagination_class = StandardPagination  # read by the schema: the list is paginated (see _paginated)

    @extend_schema(
        parameters=[DoctorAppointmentFilterSerializer],
        responses=AppointmentSerializer(many=True),
        tags=["doctor"],
        summary="Own appointments: one date in time order, else newest date first",
    )
    def get(self, request: Request) -> Response:
        filters = DoctorAppointmentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = doctor_appointments(
            doctor=request.user,
            on_date=filters.validated_data.get("date"),
            status=filters.validated_data.get("status"),
            today=timezone.localdate(),
        )
        return _paginated(request, self, rows, AppointmentSerializer)


class _AppointmentTransitionApi(DoctorApiMixin, APIView):
    """POST moves the doctor's own appointment one workflow step; 409 with the workflow's message if refused."""

    transition: Any = None

    def post(self, request: Request, appointment_ref: str) -> Response:
        appointment = doctor_appointment_get(doctor=request.user, ref=appointment_ref)
        if appointment is None:
            raise Http404
        try:
            appointment = type(self).transition(appointment=appointment)
        except TransitionRefused as refused:
            raise Conflict(str(refused)) from refused
        return Response(AppointmentSerializer(appointment).data)


def _transition_schema(summary: str) -> Any:
    return extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "appointment_ref",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="the appointment's _id (24 hex) or appointmentId",
            )
        ],
        responses={
            200: AppointmentSerializer,
            404: OpenApiResponse(description="not yours or unknown"),
            409: CONFLICT_RESPONSE,
        },
        tags=["doctor"],
        summary=summary,
    )


class DoctorAppointmentConfirmApi(_AppointmentTransitionApi):
    transition = appointment_confirm

    @_transition_schema("PENDING_CONFIRMATION -> CONFIRMED (sets confirmedAt)")
    def post(self, request: Request, appointment_ref: str) -> Response:
        return super().post(request, appointment_ref)


class DoctorAppointmentCompleteApi(_AppointmentTransitionApi):
    transition = appointment_complete

    @_transition_schema("CONFIRMED -> COMPLETED")
    def post(self, request: Request, appointment_ref: str) -> Response:
        return super().post(request, appointment_ref)


class DoctorAppointmentCancelApi(_AppointmentTransitionApi):
    transition = appointment_cancel

    @_transition_schema("PENDING_CONFIRMATION or CONFIRMED -> CANCELLED (frees the time)")
    def post(self, request: Request, appointment_ref: str) -> Response:
        return super().post(request, appointment_ref)


# --- Weekly slots ---------------------------------------------------------------------------------------------


class DoctorSlotListApi(DoctorApiMixin, APIView):
    pagination_class = StandardPagination  # read by the schema: the list is paginated (see _paginated)

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
        return _paginated(request, self, rows, SlotSerializer)

    @extend_schema(
        request=SlotInputSerializer,
        responses={201: SlotSerializer, 409: CONFLICT_RESPONSE},
        tags=["doctor"],
        summary="Add a weekly slot (no overlap with another active slot that day)",
    )
    def post(self, request: Request) -> Response:
        data = SlotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            slot = slot_create(doctor=request.user, **data.validated_data)
        except ValidationError as exc:
            raise _api_validation_error(exc) from exc
        except SlotConflict as conflict:
            raise Conflict(str(conflict)) from conflict
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class DoctorSlotDetailApi(DoctorApiMixin, APIView):
    def _slot(self, request: Request, slot_id: str) -> DoctorSlot:
        slot = slot_get(doctor=request.user, slot_id=slot_id)
        if slot is None:
            raise Http404
        return slot

    @extend_schema(responses=SlotSerializer, tags=["doctor"])
    def get(self, request: Request, slot_id: str) -> Response:
        return Response(SlotSerializer(self._slot(request, slot_id)).data)

    @extend_schema(
        request=SlotInputSerializer,
        responses={200: SlotSerializer, 409: CONFLICT_RESPONSE},
        tags=["doctor"],
        summary="Change a slot (isActive=false deactivates it)",
    )
    def patch(self, request: Request, slot_id: str) -> Response:
        slot = self._slot(request, slot_id)
        data = SlotInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            slot = slot_update(slot=slot, doctor=request.user, data=data.validated_data)
        except ValidationError as exc:
            raise _api_validation_error(exc) from exc
        except SlotConflict as conflict:
            raise Conflict(str(conflict)) from conflict
        return Response(SlotSerializer(slot).data)

    @extend_schema(
        responses={204: None, 409: CONFLICT_RESPONSE},
        tags=["doctor"],
        summary="Remove a slot; 409 while it has upcoming appointments (deactivate it instead)",
    )
    def delete(self, request: Request, slot_id: str) -> Response:
        try:
            slot_delete(slot=self._slot(request, slot_id))
        except SlotConflict as conflict:
            raise Conflict(str(conflict)) from conflict
        return Response(status=status.HTTP_204_NO_CONTENT)

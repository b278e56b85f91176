"""The doctor API for appointments (/api/v1/doctor/appointments): the signed-in doctor's own appointments.

`{appointmentId}` in a URL is the appointment's `_id` (24 hex) or its `appointmentId` string (e.g. APT-001).
Another doctor's appointment is 404, never 403. Refusals are answered by core/api.py.
"""

from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.doctor_selectors import doctor_appointments
from appointments.models import Actor
from appointments.selectors import appointment_get_for_doctor
from appointments.serializers import (
    RESCHEDULE_EXAMPLES,
    AppointmentRescheduleSerializer,
    AppointmentSerializer,
    DoctorAppointmentFilterSerializer,
)
from appointments.services.booking import appointment_reschedule
from appointments.services.workflow import TRANSITION_SERVICES, ReasonInvalid
from core.api_docs import DetailSerializer
from core.pagination import StandardPagination, paginated_response
from doctors.auth.sessions import DoctorApiMixin
from doctors.models import Doctor

CONFLICT_RESPONSE = OpenApiResponse(description="the current state does not allow it: {detail}")


class DoctorAppointmentListApi(DoctorApiMixin, APIView):
    pagination_class = StandardPagination  # read by the schema: the list is paginated (see paginated_response)

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
        )
        return paginated_response(request, self, rows, AppointmentSerializer)


class _AppointmentTransitionApi(DoctorApiMixin, APIView):
    """POST moves the doctor's own appointment one workflow step; 409 with the workflow's message if refused."""

    action = ""

    def post(self, request: Request, appointmentId: str) -> Response:
        appointment = appointment_get_for_doctor(doctor=request.user, appointment_id=appointmentId)
        extra = {"reason": _reason(request)} if self.action == "cancel" else {}
        appointment = TRANSITION_SERVICES[self.action](appointment=appointment, by=Actor.DOCTOR, **extra)
        return Response(AppointmentSerializer(appointment).data)


def _reason(request: Request) -> str:
    """The optional `{"cancellationReason"}` of a cancel; anything but a string is refused (400)."""
    reason = request.data.get("cancellationReason", "") if isinstance(request.data, dict) else ""
    if not isinstance(reason, str):
        raise ReasonInvalid("A cancellation reason is text.")
    return reason


APPOINTMENT_ID_PARAM = OpenApiParameter(
    "appointmentId",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="the appointment's _id (24 hex) or appointmentId",
)


def _transition_schema(summary: str) -> Any:
    return extend_schema(
        request=None,
        parameters=[APPOINTMENT_ID_PARAM],
        responses={
            200: AppointmentSerializer,
            404: OpenApiResponse(description="not yours or unknown"),
            409: CONFLICT_RESPONSE,
        },
        tags=["doctor"],
        summary=summary,
    )


class DoctorAppointmentConfirmApi(_AppointmentTransitionApi):
    action = "confirm"

    @_transition_schema("PENDING_CONFIRMATION -> CONFIRMED (sets confirmedAt)")
    def post(self, request: Request, appointmentId: str) -> Response:
        return super().post(request, appointmentId)


class DoctorAppointmentCompleteApi(_AppointmentTransitionApi):
    action = "complete"

    @_transition_schema("CONFIRMED -> COMPLETED")
    def post(self, request: Request, appointmentId: str) -> Response:
        return super().post(request, appointmentId)


class DoctorAppointmentCancelApi(_AppointmentTransitionApi):
    action = "cancel"

    @_transition_schema("PENDING_CONFIRMATION or CONFIRMED -> CANCELLED (frees the time)")
    def post(self, request: Request, appointmentId: str) -> Response:
        return super().post(request, appointmentId)


class DoctorAppointmentRescheduleApi(_AppointmentTransitionApi):
    @extend_schema(
        request=AppointmentRescheduleSerializer,
        examples=RESCHEDULE_EXAMPLES,
        parameters=[APPOINTMENT_ID_PARAM],
        responses={
            200: AppointmentSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="the same rules and messages as booking"),
            404: OpenApiResponse(DetailSerializer, description="not yours or unknown"),
            409: OpenApiResponse(DetailSerializer, description="the current state does not allow it: {detail}"),
        },
        tags=["doctor"],
        summary="Move an own PENDING_CONFIRMATION or CONFIRMED appointment to another time (keeps its status)",
    )
    def post(self, request: Request, appointmentId: str) -> Response:
        doctor = cast(Doctor, request.user)  # DoctorApiMixin signs in doctors only
        appointment = appointment_get_for_doctor(doctor=doctor, appointment_id=appointmentId)
        body = AppointmentRescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        appointment = appointment_reschedule(appointment=appointment, by=Actor.DOCTOR, **body.service_arguments())
        return Response(AppointmentSerializer(appointment).data)

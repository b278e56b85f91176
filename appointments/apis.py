"""Member API: availability, booking, and the member's own appointments."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.models import Actor
from appointments.selectors import (
    appointment_get_for_member,
    appointment_list_for_member,
    availability_days,
)
from appointments.serializers import (
    RESCHEDULE_EXAMPLES,
    AppointmentBookSerializer,
    AppointmentListParamsSerializer,
    AppointmentRescheduleSerializer,
    AppointmentSerializer,
    AvailabilityParamsSerializer,
    AvailabilitySerializer,
)
from appointments.services.booking import appointment_book, appointment_cancel_by_member, appointment_reschedule
from appointments.services.workflow import ReasonInvalid
from appointments.video_rooms import appointment_fill_video_rooms
from core.api_docs import error_responses
from doctors.discovery.apis import DOCTOR_ID_PARAM
from doctors.discovery.selectors import doctor_get
from users.permissions import IsMember

APPOINTMENT_ID_PARAM = OpenApiParameter(
    "appointmentId",
    str,
    OpenApiParameter.PATH,
    description="The `appointmentId` (e.g. APT-3F9A...) or the appointment's `_id` (24 hex characters).",
)


class DoctorAvailabilityApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="Bookable times of a doctor, for one day or up to 31 days",
        description=(
            "Ask for one day with `date`, or a range with `from` and `to` (up to 31 days, e.g. a month "
            "calendar). Times come from the doctor's weekly schedule, cut into steps of the slot's length; "
            "in-clinic times stay inside the clinic's opening hours; a time is listed while places are left "
            "(`remaining`), never inside the doctor's minimum booking notice (2 hours by default) nor in the "
            "past (clinic-local time). `type=ONLINE` also lists times that serve BOTH. Days can be booked "
            "from today up to the booking horizon (the doctor's own, 90 days by default): in a range, days "
            "outside it are listed with no times."
        ),
        tags=["booking"],
        parameters=[DOCTOR_ID_PARAM, AvailabilityParamsSerializer],
        responses={200: AvailabilitySerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request, doctorId: str) -> Response:
        doctor = doctor_get(doctor_id=doctorId)
        params = AvailabilityParamsSerializer(data=request.query_params, context={"doctor": doctor})
        params.is_valid(raise_exception=True)
        data = params.validated_data
        days = availability_days(
            doctor=doctor,
            start=data["from"],
            end=data["to"],
            consultation_type=data.get("type"),
            clinic_id=data.get("clinicId"),
        )
        body: dict = {"doctorId": doctor.doctor_id, "days": [{"date": day, "slots": slots} for day, slots in days]}
        if "date" in data:
            body["date"], body["slots"] = days[0]
        return Response(AvailabilitySerializer(body).data)


class AppointmentListApi(ListAPIView):
    permission_classes = [IsMember]
    serializer_class = AppointmentSerializer

    @extend_schema(
        summary="My appointments",
        description=(
            "Newest date first, or with `when=upcoming` the coming ones soonest first. Each ONLINE appointment "
            "says whether its video room is open (`videoRoomOpen`) and, once the doctor has started the call, "
            "its `consultationId`, so an app can show a Join button without asking for the consultation."
        ),
        tags=["booking"],
        parameters=[AppointmentListParamsSerializer],
        responses={200: AppointmentSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        params = AppointmentListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        when = params.validated_data.get("when")
        appointments = appointment_list_for_member(
            user=request.user, status=params.validated_data.get("status"), when=when
        )
        page = self.paginate_queryset(appointments) or []
        appointment_fill_video_rooms(page)
        return self.get_paginated_response(AppointmentSerializer(page, many=True).data)

    @extend_schema(
        summary="Book a time",
        description=(
            "The time must be one that availability offers for this type (and clinic). IN_CLINIC needs "
            "`clinicId`; ONLINE needs `contactNumber` and `callPreference`. 409 when the time was taken "
            "meanwhile, or the member already holds this time with this doctor."
        ),
        tags=["booking"],
        request=AppointmentBookSerializer,
        responses={201: AppointmentSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        body = AppointmentBookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        appointment = appointment_book(
            user=request.user,
            doctor_id=data["doctorId"],
            appointment_type=data["appointmentType"],
            appointment_date=data["appointmentDate"],
            time_slot=data["timeSlot"],
            clinic_id=data.get("clinicId") or None,
            contact_number=data.get("contactNumber") or None,
            call_preference=data.get("callPreference") or None,
        )
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentDetailApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="One of my appointments",
        tags=["booking"],
        parameters=[APPOINTMENT_ID_PARAM],
        responses={200: AppointmentSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, appointmentId: str) -> Response:
        appointment = appointment_get_for_member(user=request.user, appointment_id=appointmentId)
        appointment_fill_video_rooms([appointment])
        return Response(AppointmentSerializer(appointment).data)


class AppointmentCancelApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="Cancel one of my appointments",
        description=(
            "Only a PENDING_CONFIRMATION or CONFIRMED appointment, up to the doctor's cut-off before its time "
            "(2 hours by default; 409 naming the limit after it); an ONLINE one also after its time when the "
            "doctor has not opened the video room 10 minutes (by default) after the start (the reason "
            'recorded is then "The doctor did not join the video call."). Frees the time.'
        ),
        tags=["booking"],
        parameters=[APPOINTMENT_ID_PARAM],
        request=None,
        responses={200: AppointmentSerializer, **error_responses(401, 403, 404, 409)},
    )
    def post(self, request: Request, appointmentId: str) -> Response:
        appointment = appointment_get_for_member(user=request.user, appointment_id=appointmentId)
        reason = request.data.get("cancellationReason", "") if isinstance(request.data, dict) else ""
        if not isinstance(reason, str):
            raise ReasonInvalid("A cancellation reason is text.")
        appointment = appointment_cancel_by_member(appointment=appointment, reason=reason)
        return Response(AppointmentSerializer(appointment).data)


class AppointmentRescheduleApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="Move one of my appointments to another time",
        description=(
            "Only a PENDING_CONFIRMATION or CONFIRMED appointment, before its time. The new time must be one "
            "availability offers (the same rules and messages as booking: 400). Type, clinic, contact number "
            "and call preference stay the appointment's own unless given. One write takes the new place and "
            "frees the old one: on any refusal the appointment stays where it was. It keeps its `_id`, "
            "`appointmentId` and `appointmentNumber` and records `rescheduledFrom`, `rescheduledAt`, "
            "`rescheduledBy` and `rescheduleCount`. A CONFIRMED appointment of a doctor who confirms bookings "
            "goes back to PENDING_CONFIRMATION. 409 when the new time is full, the member already holds it, "
            "or the appointment can no longer be changed."
        ),
        tags=["booking"],
        parameters=[APPOINTMENT_ID_PARAM],
        request=AppointmentRescheduleSerializer,
        examples=RESCHEDULE_EXAMPLES,
        responses={200: AppointmentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, appointmentId: str) -> Response:
        appointment = appointment_get_for_member(user=request.user, appointment_id=appointmentId)
        body = AppointmentRescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        appointment = appointment_reschedule(appointment=appointment, by=Actor.MEMBER, **body.service_arguments())
        return Response(AppointmentSerializer(appointment).data)

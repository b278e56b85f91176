"""The doctor API for time off and extra hours (/api/v1/doctor/time-off, /api/v1/doctor/extra-hours): the
signed-in doctor's own. Another doctor's record is 404, never 403. Refusals are answered by core/api.py: 400
keyed by field, 409 `{"detail", "appointments": [...]}` when live appointments fall inside a time off and
`affectedAppointments` is absent (nothing saved). docs/api.md has the contract.
"""

from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.models import Actor
from appointments.services.time_off import (
    Actorship,
    extra_hours_add,
    extra_hours_delete,
    time_off_add,
    time_off_delete,
)
from appointments.time_off_serializers import (
    ExtraHoursInputSerializer,
    ExtraHoursSerializer,
    TimeOffConflictSerializer,
    TimeOffInputSerializer,
    TimeOffSerializer,
)
from core.api_docs import DetailSerializer
from core.pagination import StandardPagination, paginated_response
from doctors.auth.sessions import DoctorApiMixin
from doctors.models import Doctor, ScheduleExceptionKind
from doctors.schedule.apis import API_FIELD_NAMES as SLOT_FIELD_NAMES
from doctors.schedule.selectors import schedule_exception_get, schedule_exception_list

API_FIELD_NAMES = {**SLOT_FIELD_NAMES, "start_date": "startDate", "end_date": "endDate"}
TIME_OFF, EXTRA_HOURS = ScheduleExceptionKind.TIME_OFF, ScheduleExceptionKind.EXTRA_HOURS
ID_PARAMETER = OpenApiParameter(
    "exceptionId", OpenApiTypes.STR, OpenApiParameter.PATH, description="The time off's or extra hours' 24-hex `_id`."
)

TIME_OFF_EXAMPLES = [
    OpenApiExample(
        "Leave for a week",
        value={"startDate": "2031-01-06", "endDate": "2031-01-12", "reason": "Annual leave"},
        request_only=True,
    ),
    OpenApiExample(
        "An afternoon at one clinic, cancelling what is booked",
        value={
            "startDate": "2031-01-07",
            "endDate": "2031-01-07",
            "startTime": "02:00 PM",
            "endTime": "05:00 PM",
            "clinicId": "CLINIC001",
            "reason": "Conference",
            "affectedAppointments": "cancel",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Saved",
        value={
            "_id": "6790a1b2c3d4e5f601234567",
            "doctorId": "DOC001",
            "startDate": "2031-01-07",
            "endDate": "2031-01-07",
            "startTime": "02:00 PM",
            "endTime": "05:00 PM",
            "clinicId": "CLINIC001",
            "reason": "Conference",
            "affectedAppointments": "cancel",
            "keptAppointmentIds": [],
            "cancelledAppointmentIds": ["6790a1b2c3d4e5f601234999"],
            "createdByRole": "DOCTOR",
            "createdById": "DOC001",
            "createdAt": "2031-01-05T09:30:00Z",
        },
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "Appointments fall inside",
        value={
            "detail": "1 booked appointment(s) fall inside this time off. Choose to keep them or cancel them"
            ' ("affectedAppointments": "keep" or "cancel"); nothing was saved.',
            "appointments": [
                {
                    "_id": "6790a1b2c3d4e5f601234999",
                    "appointmentId": "APT-3F2A9C1B7D4E5F60",
                    "appointmentNumber": "APT20310105001",
                    "patientName": "John Doe",
                    "appointmentType": "IN_CLINIC",
                    "clinicId": "CLINIC001",
                    "appointmentDate": "2031-01-07",
                    "timeSlot": "02:30 PM",
                    "status": "CONFIRMED",
                }
            ],
        },
        response_only=True,
        status_codes=["409"],
    ),
    OpenApiExample(
        "Bad input",
        value={"endDate": ["The end date must be on or after the start date."]},
        response_only=True,
        status_codes=["400"],
    ),
]

EXTRA_HOURS_EXAMPLES = [
    OpenApiExample(
        "A Saturday evening",
        value={
            "date": "2031-01-11",
            "clinicId": "CLINIC001",
            "startTime": "17:00",
            "endTime": "19:00",
            "slotDuration": 20,
            "maxPatients": 1,
            "consultationFee": 800,
            "consultationType": "IN_CLINIC",
            "reason": "Catching up after leave",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Saved",
        value={
            "_id": "6790a1b2c3d4e5f601234568",
            "doctorId": "DOC001",
            "date": "2031-01-11",
            "clinicId": "CLINIC001",
            "startTime": "17:00",
            "endTime": "19:00",
            "slotDuration": 20,
            "maxPatients": 1,
            "consultationFee": 800,
            "consultationType": "IN_CLINIC",
            "reason": "Catching up after leave",
            "createdByRole": "DOCTOR",
            "createdById": "DOC001",
            "createdAt": "2031-01-05T09:30:00Z",
        },
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "Overlapping other extra hours",
        value={"detail": "These hours overlap your extra hours 18:00-20:00 on 2031-01-11."},
        response_only=True,
        status_codes=["409"],
    ),
]


def _doctor(request: Request) -> Doctor:
    """The signed-in doctor (DoctorApiMixin lets no one else in)."""
    return cast(Doctor, request.user)


def _by(doctor: Doctor) -> Actorship:
    return Actorship(actor=Actor.DOCTOR, id=doctor.doctor_id)


class DoctorTimeOffListApi(DoctorApiMixin, APIView):  # type: ignore[misc]  # the mixin narrows APIView's class lists
    pagination_class = StandardPagination  # read by the schema: the list is paginated (see paginated_response)
    service_error_fields = API_FIELD_NAMES

    @extend_schema(
        responses=TimeOffSerializer(many=True),
        tags=["doctor"],
        summary="Own time off not yet over, soonest first",
    )
    def get(self, request: Request) -> Response:
        rows = schedule_exception_list(doctor=_doctor(request), kind=TIME_OFF)
        return paginated_response(request, self, rows, TimeOffSerializer)

    @extend_schema(
        request=TimeOffInputSerializer,
        responses={
            201: TimeOffSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="bad input, keyed by field"),
            409: OpenApiResponse(
                TimeOffConflictSerializer,
                description='live appointments fall inside and "affectedAppointments" is absent; nothing saved',
            ),
        },
        examples=TIME_OFF_EXAMPLES,
        tags=["doctor"],
        summary="Add time off (whole days, a range, or part of a day; one clinic or all)",
    )
    def post(self, request: Request) -> Response:
        data = TimeOffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = time_off_add(doctor=_doctor(request), by=_by(_doctor(request)), **data.validated_data)
        return Response(TimeOffSerializer(record).data, status=status.HTTP_201_CREATED)


class DoctorTimeOffDetailApi(DoctorApiMixin, APIView):  # type: ignore[misc]  # the mixin narrows APIView's class lists
    @extend_schema(
        parameters=[ID_PARAMETER],
        responses={204: None, 404: OpenApiResponse(description="not yours or unknown")},
        tags=["doctor"],
        summary="Remove time off: its times are offered again (appointments it cancelled stay cancelled)",
    )
    def delete(self, request: Request, exceptionId: str) -> Response:
        time_off_delete(
            time_off=schedule_exception_get(doctor=_doctor(request), exception_id=exceptionId, kind=TIME_OFF)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DoctorExtraHoursListApi(DoctorApiMixin, APIView):  # type: ignore[misc]  # the mixin narrows APIView's class lists
    pagination_class = StandardPagination
    service_error_fields = API_FIELD_NAMES

    @extend_schema(
        responses=ExtraHoursSerializer(many=True),
        tags=["doctor"],
        summary="Own one-off extra hours from today on, soonest first",
    )
    def get(self, request: Request) -> Response:
        rows = schedule_exception_list(doctor=_doctor(request), kind=EXTRA_HOURS)
        return paginated_response(request, self, rows, ExtraHoursSerializer)

    @extend_schema(
        request=ExtraHoursInputSerializer,
        responses={
            201: ExtraHoursSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="bad input, keyed by field (the weekly slot's rules)"
            ),
            409: OpenApiResponse(
                DetailSerializer, description="overlaps a weekly slot of that weekday or other extra hours"
            ),
        },
        examples=EXTRA_HOURS_EXAMPLES,
        tags=["doctor"],
        summary="Add one-off hours on a date at a clinic",
    )
    def post(self, request: Request) -> Response:
        data = ExtraHoursInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = extra_hours_add(doctor=_doctor(request), by=_by(_doctor(request)), **data.validated_data)
        return Response(ExtraHoursSerializer(record).data, status=status.HTTP_201_CREATED)


class DoctorExtraHoursDetailApi(DoctorApiMixin, APIView):  # type: ignore[misc]  # the mixin narrows APIView's class lists
    @extend_schema(
        parameters=[ID_PARAMETER],
        responses={
            204: None,
            404: OpenApiResponse(description="not yours or unknown"),
            409: OpenApiResponse(DetailSerializer, description="they hold live appointments"),
        },
        tags=["doctor"],
        summary="Remove extra hours (409 while they hold live appointments)",
    )
    def delete(self, request: Request, exceptionId: str) -> Response:
        extra_hours_delete(
            extra=schedule_exception_get(doctor=_doctor(request), exception_id=exceptionId, kind=EXTRA_HOURS)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

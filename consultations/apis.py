"""Video consultation API. Thin views: resolve (404 for someone else's), call one service, shape the answer."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.selectors import appointment_get_for_doctor
from consultations.models import EndedBy
from consultations.selectors import (
    consultation_get_for_doctor,
    consultation_get_for_member_appointment,
    consultation_get_for_patient,
)
from consultations.serializers import (
    CancelInputSerializer,
    ConsultationSerializer,
    DoctorFeedbackInputSerializer,
    MemberFeedbackInputSerializer,
    NetworkIssueInputSerializer,
    NetworkIssueSerializer,
    ParticipantConsultationSerializer,
)
from consultations.services import (
    consultation_cancel,
    consultation_end,
    consultation_give_feedback,
    consultation_join,
    consultation_mark_no_show,
    consultation_report_network_issue,
    consultation_start,
)
from doctors.auth.sessions import DoctorApiMixin
from users.permissions import IsMember

CONSULTATION_KEY = OpenApiParameter(
    "consultationId",
    str,
    OpenApiParameter.PATH,
    description='The consultation\'s `consultationId` ("VC-" + ten digits) or its 24-hex `_id`.',
)
APPOINTMENT_KEY = OpenApiParameter(
    "appointmentId",
    str,
    OpenApiParameter.PATH,
    description="The appointment's `appointmentId` or its 24-hex `_id`.",
)
ERRORS = {
    404: OpenApiResponse(description="No such consultation, or not yours."),
    409: OpenApiResponse(description="The workflow does not allow this step now (`detail` says why)."),
}


class MemberAppointmentConsultationApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        parameters=[APPOINTMENT_KEY],
        responses={200: ConsultationSerializer, 404: ERRORS[404]},
        tags=["member"],
        summary="The video consultation of my ONLINE appointment, once the doctor has started it",
    )
    def get(self, request: Request, appointmentId: str) -> Response:
        consultation = consultation_get_for_member_appointment(user=request.user, appointment_id=appointmentId)
        return Response(ConsultationSerializer(consultation).data)


class MemberConsultationJoinApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        request=None,
        parameters=[CONSULTATION_KEY],
        responses={200: ParticipantConsultationSerializer, **ERRORS},
        tags=["member"],
        summary="Join the call: sets patientJoinedAt, returns roomUrl and roomPassword",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_patient(user=request.user, key=consultationId)
        consultation = consultation_join(consultation=consultation, participant=EndedBy.PATIENT)
        return Response(ParticipantConsultationSerializer(consultation).data)


class MemberConsultationEndApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        request=None,
        parameters=[CONSULTATION_KEY],
        responses={200: ConsultationSerializer, **ERRORS},
        tags=["member"],
        summary="End the call (endedBy PATIENT)",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_patient(user=request.user, key=consultationId)
        consultation = consultation_end(consultation=consultation, ended_by=EndedBy.PATIENT)
        return Response(ConsultationSerializer(consultation).data)


class MemberConsultationFeedbackApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        request=MemberFeedbackInputSerializer,
        parameters=[CONSULTATION_KEY],
        responses={200: ConsultationSerializer, 400: OpenApiResponse(description="Rating outside 1-5."), **ERRORS},
        tags=["member"],
        summary="Rate the doctor once, after the call is completed",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_patient(user=request.user, key=consultationId)
        data = MemberFeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = consultation_give_feedback(
            consultation=consultation,
            participant=EndedBy.PATIENT,
            rating=data.validated_data["doctorRating"],
            comments=data.validated_data["patientComments"],
        )
        return Response(ConsultationSerializer(consultation).data)


class MemberConsultationNetworkIssueApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        request=NetworkIssueInputSerializer,
        parameters=[CONSULTATION_KEY],
        responses={201: NetworkIssueSerializer, 400: OpenApiResponse(description="Invalid issue."), **ERRORS},
        tags=["member"],
        summary="Report a network issue during the call",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_patient(user=request.user, key=consultationId)
        return network_issue_response(request, consultation)


def network_issue_response(request: Request, consultation: Any) -> Response:
    data = NetworkIssueInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    entry = consultation_report_network_issue(
        consultation=consultation,
        issue=data.validated_data["issue"],
        duration=data.validated_data["duration"],
    )
    return Response(NetworkIssueSerializer(entry).data, status=status.HTTP_201_CREATED)


# --- Doctor API (the `doctor_session` cookie; only the doctor's own records) ------------------------------


class DoctorConsultationStartApi(DoctorApiMixin, APIView):
    @extend_schema(
        request=None,
        parameters=[APPOINTMENT_KEY],
        responses={201: ParticipantConsultationSerializer, 200: ParticipantConsultationSerializer, **ERRORS},
        tags=["doctor"],
        summary="Start the video consultation of my CONFIRMED ONLINE appointment "
        "(201 new; 200 with the one already open)",
    )
    def post(self, request: Request, appointmentId: str) -> Response:
        appointment = appointment_get_for_doctor(doctor=request.user, appointment_id=appointmentId)
        consultation, created = consultation_start(doctor=request.user, appointment=appointment)
        return Response(
            ParticipantConsultationSerializer(consultation).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DoctorConsultationJoinApi(DoctorApiMixin, APIView):
    @extend_schema(
        request=None,
        parameters=[CONSULTATION_KEY],
        responses={200: ParticipantConsultationSerializer, **ERRORS},
        tags=["doctor"],
        summary="Join the call: sets doctorJoinedAt, returns roomUrl and roomPassword",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_doctor(doctor=request.user, key=consultationId)
        consultation = consultation_join(consultation=consultation, participant=EndedBy.DOCTOR)
        return Response(ParticipantConsultationSerializer(consultation).data)


class DoctorConsultationEndApi(DoctorApiMixin, APIView):
    @extend_schema(
        request=None,
        parameters=[CONSULTATION_KEY],
        responses={200: ConsultationSerializer, **ERRORS},
        tags=["doctor"],
        summary="End the call (endedBy DOCTOR); completes the appointment",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_doctor(doctor=request.user, key=consultationId)
        consultation = consultation_end(consultation=consultation, ended_by=EndedBy.DOCTOR)
        return Response(ConsultationSerializer(consultation).data)


class DoctorConsultationCancelApi(DoctorApiMixin, APIView):
    @extend_schema(
        request=CancelInputSerializer,
        parameters=[CONSULTATION_KEY],
        responses={200: ConsultationSerializer, **ERRORS},
        tags=["doctor"],
        summary="Cancel a scheduled or in-progress consultation, with a reason",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_doctor(doctor=request.user, key=consultationId)
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = consultation_cancel(
            consultation=consultation,
            cancelled_by=EndedBy.DOCTOR,
            reason=data.validated_data["cancellationReason"],
        )
        return Response(ConsultationSerializer(consultation).data)


class DoctorConsultationNoShowApi(DoctorApiMixin, APIView):
    @extend_schema(
        request=None,
        parameters=[CONSULTATION_KEY],
        responses={200: ConsultationSerializer, **ERRORS},
        tags=["doctor"],
        summary="Mark a scheduled consultation NO_SHOW (the patient never joined)",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_doctor(doctor=request.user, key=consultationId)
        consultation = consultation_mark_no_show(consultation=consultation)
        return Response(ConsultationSerializer(consultation).data)


class DoctorConsultationFeedbackApi(DoctorApiMixin, APIView):
    @extend_schema(
        request=DoctorFeedbackInputSerializer,
        parameters=[CONSULTATION_KEY],
        responses={200: ConsultationSerializer, 400: OpenApiResponse(description="Rating outside 1-5."), **ERRORS},
        tags=["doctor"],
        summary="Rate the patient once, after the call is completed",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_doctor(doctor=request.user, key=consultationId)
        data = DoctorFeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = consultation_give_feedback(
            consultation=consultation,
            participant=EndedBy.DOCTOR,
            rating=data.validated_data["patientRating"],
            comments=data.validated_data["doctorComments"],
        )
        return Response(ConsultationSerializer(consultation).data)


class DoctorConsultationNetworkIssueApi(DoctorApiMixin, APIView):
    @extend_schema(
        request=NetworkIssueInputSerializer,
        parameters=[CONSULTATION_KEY],
        responses={201: NetworkIssueSerializer, 400: OpenApiResponse(description="Invalid issue."), **ERRORS},
        tags=["doctor"],
        summary="Report a network issue during the call",
    )
    def post(self, request: Request, consultationId: str) -> Response:
        consultation = consultation_get_for_doctor(doctor=request.user, key=consultationId)
        return network_issue_response(request, consultation)

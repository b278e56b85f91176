"""Prescription routes of the doctor API (cookie `doctor_session`): upload, own list, download and replace."""

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.selectors import appointment_get_for_doctor
from core.pagination import StandardPagination
from doctors.auth.sessions import DoctorApiMixin
from prescriptions.access import AuditedListMixin
from prescriptions.apis import FILE_RESPONSES, PRESCRIPTION_KEY, FileDownloadMixin
from prescriptions.downloads import prescription_file_response
from prescriptions.files import FileTooLarge, too_large_message
from prescriptions.models import Prescription
from prescriptions.selectors import prescription_get_for_doctor, prescription_list_for_doctor
from prescriptions.serializers import (
    DoctorPrescriptionSerializer,
    PrescriptionFileInputSerializer,
    PrescriptionUploadInputSerializer,
)
from prescriptions.services import prescription_replace_file, prescription_upload
from prescriptions.uploads import upload_too_large

APPOINTMENT_KEY = OpenApiParameter(
    "appointmentId", str, OpenApiParameter.PATH, description="The `appointmentId` (e.g. APT-001) or its 24-hex `_id`."
)


def _upload_size_guard(request: Request) -> None:
    """The upload handler dropped a file over the limit (prescriptions/uploads.py): answer 413."""
    if upload_too_large(request):
        raise FileTooLarge(too_large_message())


@extend_schema(tags=["doctor"])
class DoctorPrescriptionListApi(AuditedListMixin, DoctorApiMixin, ListAPIView):
    """GET /api/v1/doctor/prescriptions: everything the doctor uploaded, deactivated ones included."""

    serializer_class = DoctorPrescriptionSerializer
    pagination_class = StandardPagination

    def get_queryset(self) -> QuerySet[Prescription]:
        return prescription_list_for_doctor(doctor=self.request.user)


class DoctorPrescriptionUploadApi(DoctorApiMixin, APIView):
    """POST /api/v1/doctor/appointments/{appointmentId}/prescription (multipart) -> 201."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[APPOINTMENT_KEY],
        request={"multipart/form-data": PrescriptionUploadInputSerializer},
        responses={
            201: DoctorPrescriptionSerializer,
            400: OpenApiResponse(description="not a readable PDF, JPEG or PNG; empty; bad diagnosis or notes"),
            404: OpenApiResponse(description="no such appointment of this doctor"),
            409: OpenApiResponse(description="already uploaded, or the appointment is not confirmed or completed"),
            413: OpenApiResponse(description="over the size limit"),
        },
        tags=["doctor"],
    )
    def post(self, request: Request, appointmentId: str) -> Response:
        appointment = appointment_get_for_doctor(doctor=request.user, appointment_id=appointmentId)
        _upload_size_guard(request)
        data = PrescriptionUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription = prescription_upload(
            doctor=request.user,
            appointment=appointment,
            uploaded_file=data.validated_data.get("file"),
            diagnosis=data.validated_data.get("diagnosis"),
            notes=data.validated_data.get("notes"),
        )
        body = DoctorPrescriptionSerializer(prescription, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DoctorPrescriptionFileApi(FileDownloadMixin, DoctorApiMixin, APIView):
    """GET downloads, PUT (multipart `file`) replaces the file of the doctor's own prescription."""

    parser_classes = [MultiPartParser, FormParser]

    def _own(self, request: Request, prescriptionId: str) -> Prescription:
        return prescription_get_for_doctor(doctor=request.user, prescription_id=prescriptionId)

    @extend_schema(parameters=[PRESCRIPTION_KEY], responses=FILE_RESPONSES, tags=["doctor"])
    def get(self, request: Request, prescriptionId: str) -> FileResponse:
        return prescription_file_response(self._own(request, prescriptionId), request=request)

    @extend_schema(
        parameters=[PRESCRIPTION_KEY],
        request={"multipart/form-data": PrescriptionFileInputSerializer},
        responses={
            200: DoctorPrescriptionSerializer,
            400: OpenApiResponse(description="not a readable PDF, JPEG or PNG; empty"),
            404: OpenApiResponse(description="no such prescription of this doctor"),
            409: OpenApiResponse(description="replaced by another request meanwhile"),
            413: OpenApiResponse(description="over the size limit"),
        },
        tags=["doctor"],
    )
    def put(self, request: Request, prescriptionId: str) -> Response:
        prescription = self._own(request, prescriptionId)
        _upload_size_guard(request)
        data = PrescriptionFileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription = prescription_replace_file(
            doctor=request.user, prescription=prescription, uploaded_file=data.validated_data.get("file")
        )
        return Response(DoctorPrescriptionSerializer(prescription, context={"request": request}).data)

"""Prescription routes of the member API, and the pieces the doctor API shares (file responses, the key)."""

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.views import APIView

from core.pagination import StandardPagination
from prescriptions.access import AuditedListMixin
from prescriptions.downloads import prescription_file_response
from prescriptions.models import Prescription
from prescriptions.selectors import prescription_get_for_member, prescription_list_for_member
from prescriptions.serializers import MemberPrescriptionSerializer
from users.permissions import IsMember

FILE_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment"),
    (200, "image/png"): OpenApiTypes.BINARY,
    (200, "image/jpeg"): OpenApiTypes.BINARY,
    404: OpenApiResponse(description="no such prescription of the caller's"),
}
PRESCRIPTION_KEY = OpenApiParameter(
    "prescriptionId",
    str,
    OpenApiParameter.PATH,
    description="The `prescriptionId` (e.g. PRESC-2031-000123) or its 24-hex `_id`.",
)


class FileDownloadMixin:
    """A download answers whatever the client accepts (`Accept: application/pdf` must not be a 406);
    errors fall back to JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        return super().perform_content_negotiation(request, force=True)


@extend_schema(tags=["member"])
class MemberPrescriptionListApi(AuditedListMixin, ListAPIView):
    """GET /api/v1/prescriptions: the member's own active prescriptions, newest first."""

    permission_classes = [IsMember]
    serializer_class = MemberPrescriptionSerializer
    pagination_class = StandardPagination

    def get_queryset(self) -> QuerySet[Prescription]:
        return prescription_list_for_member(user=self.request.user)


class MemberPrescriptionFileApi(FileDownloadMixin, APIView):
    """GET /api/v1/prescriptions/{prescriptionId}/file (or the `_id`): 404 unless it is the member's own and active."""

    permission_classes = [IsMember]

    @extend_schema(parameters=[PRESCRIPTION_KEY], responses=FILE_RESPONSES, tags=["member"])
    def get(self, request: Request, prescriptionId: str) -> FileResponse:
        prescription = prescription_get_for_member(user=request.user, prescription_id=prescriptionId)
        return prescription_file_response(prescription, request=request)

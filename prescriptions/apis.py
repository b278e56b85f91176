"""Prescription routes of the member API (API.md), and the error mapping the doctor API shares."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.views import APIView

from core.api import Conflict
from core.pagination import StandardPagination
from prescriptions.downloads import prescription_file_response
from prescriptions.files import FileRefused
from prescriptions.models import Prescription
from prescriptions.selectors import prescription_get_for_member, prescription_list_for_member
from prescriptions.serializers import MemberPrescriptionSerializer
from prescriptions.services import PrescriptionConflict, StorageFailed
from users.permissions import IsMember

FILE_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment"),
    (200, "image/png"): OpenApiTypes.BINARY,
    (200, "image/jpeg"): OpenApiTypes.BINARY,
    404: OpenApiResponse(description="no such prescription of the caller's"),
}
PRESCRIPTION_KEY = OpenApiParameter(
    "key", str, OpenApiParameter.PATH, description="the prescriptionId (PRESC...) or the _id (24 hex)"
)


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."
    default_code = "too_large"


class StorageUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "storage_unavailable"


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn the prescription services' refusals into API.md's answers."""
    try:
        yield
    except FileRefused as exc:
        if exc.status == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE:
            raise PayloadTooLarge(exc.message) from exc
        raise ValidationError({"file": [exc.message]}) from exc
    except PrescriptionConflict as exc:
        raise Conflict(exc.message) from exc
    except StorageFailed as exc:
        raise StorageUnavailable(exc.message) from exc


class FileDownloadMixin:
    """A download answers whatever the client accepts (`Accept: application/pdf` must not be a 406);
    errors fall back to JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        return super().perform_content_negotiation(request, force=True)


@extend_schema(tags=["member"])
class MemberPrescriptionListApi(ListAPIView):
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
    def get(self, request: Request, key: str) -> FileResponse:
        prescription = prescription_get_for_member(user=request.user, key=key)
        if prescription is None:
            raise Http404
        return prescription_file_response(prescription)

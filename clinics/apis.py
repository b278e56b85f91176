"""Member API: clinics."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.selectors import clinic_get, clinic_list
from clinics.serializers import ClinicListParamsSerializer, ClinicSerializer
from core.api_docs import error_responses
from users.permissions import IsMember

MSG_CLINIC_NOT_FOUND = "No active clinic with this clinicId."


class ClinicListApi(ListAPIView):
    permission_classes = [IsMember]
    serializer_class = ClinicSerializer

    @extend_schema(
        summary="Active clinics",
        tags=["discovery"],
        parameters=[ClinicListParamsSerializer],
        responses={200: ClinicSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        params = ClinicListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(clinic_list(city=params.validated_data.get("city")))
        return self.get_paginated_response(ClinicSerializer(page, many=True).data)


class ClinicDetailApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="One active clinic",
        tags=["discovery"],
        parameters=[
            OpenApiParameter("clinicId", str, OpenApiParameter.PATH, description="The `clinicId`, e.g. CLINIC001.")
        ],
        responses={200: ClinicSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, clinicId: str) -> Response:
        clinic = clinic_get(clinic_id=clinicId)
        if clinic is None:
            raise NotFound(MSG_CLINIC_NOT_FOUND)
        return Response(ClinicSerializer(clinic).data)

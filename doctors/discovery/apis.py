"""Member API: specialties and doctor discovery."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_docs import error_responses
from doctors.discovery.selectors import (
    ORDER_BY_DISTANCE,
    Origin,
    doctor_fill_distances,
    doctor_filter,
    doctor_get,
    doctor_ids_by_distance,
    doctor_order,
    doctors_in_order,
    specialty_list,
)
from doctors.discovery.serializers import DoctorListParamsSerializer, DoctorSerializer, SpecialtySerializer
from doctors.models import Specialty
from users.permissions import IsMember

DOCTOR_ID_PARAM = OpenApiParameter(
    "doctor_id", str, OpenApiParameter.PATH, description="The doctor's `doctorId` string, e.g. DOC001."
)


class SpecialtyListApi(ListAPIView):
    permission_classes = [IsMember]
    serializer_class = SpecialtySerializer

    def get_queryset(self) -> QuerySet[Specialty]:
        return specialty_list()

    @extend_schema(
        summary="Specialty master list",
        tags=["discovery"],
        responses={200: SpecialtySerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class DoctorListApi(ListAPIView):
    permission_classes = [IsMember]
    serializer_class = DoctorSerializer

    @extend_schema(
        summary="Find active doctors",
        description=(
            "Filters combine with AND. `city` matches a practice city exactly; `q` is a case-insensitive "
            "substring of the name, a specialization or the specialty. With `lat` and `lng`, each clinic's "
            "`distanceKm` is filled (great-circle, 2 dp) and `ordering=distance` sorts by the nearest clinic "
            "(doctors with no located clinic last)."
        ),
        tags=["discovery"],
        parameters=[DoctorListParamsSerializer],
        responses={200: DoctorSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        params = DoctorListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        origin = Origin(data["lat"], data["lng"]) if "lat" in data else None
        doctors = doctor_filter(
            specialty_id=data.get("specialtyId"),
            city=data.get("city"),
            consultation_type=data.get("type"),
            q=data.get("q"),
        )
        if data.get("ordering") == ORDER_BY_DISTANCE:
            page = doctors_in_order(self.paginate_queryset(doctor_ids_by_distance(doctors, origin=origin)))
        else:
            page = self.paginate_queryset(doctor_order(doctors, ordering=data.get("ordering")))
        doctor_fill_distances(page, origin=origin)
        return self.get_paginated_response(DoctorSerializer(page, many=True).data)


class DoctorDetailApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="One active doctor",
        tags=["discovery"],
        parameters=[DOCTOR_ID_PARAM],
        responses={200: DoctorSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, doctor_id: str) -> Response:
        doctor = doctor_get(doctor_id=doctor_id)
        doctor_fill_distances([doctor], origin=None)
        return Response(DoctorSerializer(doctor).data)

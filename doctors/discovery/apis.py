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
    ORDER_BY_NEXT_AVAILABLE,
    Origin,
    city_list,
    doctor_fill_distances,
    doctor_fill_next_available,
    doctor_filter,
    doctor_filter_available_on,
    doctor_get,
    doctor_ids_by_distance,
    doctor_order,
    doctors_by_next_available,
    doctors_in_order,
    specialty_list,
)
from doctors.discovery.serializers import (
    CitySerializer,
    DoctorListParamsSerializer,
    DoctorSerializer,
    SpecialtySerializer,
)
from doctors.models import Doctor, Specialty
from users.permissions import IsMember

DOCTOR_ID_PARAM = OpenApiParameter(
    "doctorId", str, OpenApiParameter.PATH, description="The doctor's `doctorId` string, e.g. DOC001."
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
            "Filters combine with AND. With `lat` and `lng`, each clinic's `distanceKm` is filled "
            "(great-circle, 2 dp), `radiusKm` keeps the doctors with a clinic that close, and "
            "`ordering=distance` sorts by the nearest clinic (doctors with no located clinic last). Each doctor "
            "carries `nextAvailable`, the soonest time that can be booked. `ordering=nextAvailable` sorts the "
            "whole result by it before it is cut into pages, so pages never overlap; a booking made between two "
            "page requests can move a doctor across pages, as with any live ordering."
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
        kind = data.get("type")
        doctors = doctor_filter(
            specialty_id=data.get("specialtyId"), city=data.get("city"), consultation_type=kind, q=data.get("q")
        )
        if "availableOn" in data:
            doctors = doctor_filter_available_on(doctors, day=data["availableOn"], consultation_type=kind)
        ordering = data.get("ordering")
        if origin is not None and "radiusKm" in data:
            within = doctor_ids_by_distance(doctors, origin=origin, radius_km=data["radiusKm"])
            if ordering == ORDER_BY_DISTANCE:
                page = doctors_in_order(self.paginate_queryset(within) or [])
                return self._page(page, origin=origin, kind=kind, soonest=data["withNextAvailable"])
            doctors = doctors.filter(pk__in=within)
        if ordering == ORDER_BY_DISTANCE:
            page = doctors_in_order(self.paginate_queryset(doctor_ids_by_distance(doctors, origin=origin)) or [])
        elif ordering == ORDER_BY_NEXT_AVAILABLE:  # nextAvailable is filled while sorting
            page = self.paginate_queryset(doctors_by_next_available(doctors, consultation_type=kind)) or []
            doctor_fill_distances(page, origin=origin)
            if not data["withNextAvailable"]:  # the order follows it; the page does not show it, as asked
                for doctor in page:
                    doctor.next_available = None  # type: ignore[attr-defined]
            return self.get_paginated_response(DoctorSerializer(page, many=True).data)
        else:
            page = self.paginate_queryset(doctor_order(doctors, ordering=ordering))
        return self._page(page, origin=origin, kind=kind, soonest=data["withNextAvailable"])

    def _page(self, page: list[Doctor], *, origin: Origin | None, kind: str | None, soonest: bool) -> Response:
        doctor_fill_distances(page, origin=origin)
        if soonest:
            doctor_fill_next_available(page, consultation_type=kind)
        return self.get_paginated_response(DoctorSerializer(page, many=True).data)


class DoctorDetailApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="One active doctor",
        tags=["discovery"],
        parameters=[DOCTOR_ID_PARAM],
        responses={200: DoctorSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, doctorId: str) -> Response:
        doctor = doctor_get(doctor_id=doctorId)
        doctor_fill_distances([doctor], origin=None)
        doctor_fill_next_available([doctor], consultation_type=None)
        return Response(DoctorSerializer(doctor).data)


class CityListApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="Cities with active doctors",
        description=(
            "Each city once, by its current name (renamed cities and regions in brackets folded together), "
            "with how many active doctors practise there, most first. Any of these names works as `city` in "
            "doctor search."
        ),
        tags=["discovery"],
        responses={200: CitySerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(CitySerializer(city_list(), many=True).data)

"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

from django.urls import path

from doctors.discovery.apis import CityListApi, DoctorDetailApi, DoctorListApi, SpecialtyListApi
from doctors.schedule.apis import DoctorSlotDetailApi, DoctorSlotListApi

urlpatterns: list = [
    # --- member discovery (booking) ---
    path("specialties", SpecialtyListApi.as_view(), name="specialty-list"),
    path("cities", CityListApi.as_view(), name="city-list"),
    path("doctors", DoctorListApi.as_view(), name="doctor-list"),
    path("doctors/<str:doctorId>", DoctorDetailApi.as_view(), name="doctor-detail"),
    # --- the doctor API (cookie doctor_session): weekly slots ---
    path("doctor/slots", DoctorSlotListApi.as_view(), name="doctor-slots"),
    path("doctor/slots/<str:slotId>", DoctorSlotDetailApi.as_view(), name="doctor-slot-detail"),
]

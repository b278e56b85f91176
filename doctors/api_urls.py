"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

from django.urls import path

from doctors.discovery.apis import DoctorDetailApi, DoctorListApi, SpecialtyListApi
from doctors.schedule.apis import DoctorSlotDetailApi, DoctorSlotListApi

urlpatterns: list = [
    # --- member discovery (booking) ---
    path("specialties", SpecialtyListApi.as_view(), name="specialty-list"),
    path("doctors", DoctorListApi.as_view(), name="doctor-list"),
    path("doctors/<str:doctor_id>", DoctorDetailApi.as_view(), name="doctor-detail"),
    # --- the doctor API (cookie doctor_session): weekly slots ---
    path("doctor/slots", DoctorSlotListApi.as_view(), name="doctor-slots"),
    path("doctor/slots/<str:slot_id>", DoctorSlotDetailApi.as_view(), name="doctor-slot-detail"),
]

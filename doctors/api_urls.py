"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

from django.urls import path

from doctors.apis import DoctorDetailApi, DoctorListApi, SpecialtyListApi

urlpatterns: list = [
    # --- member discovery (booking) ---
    path("specialties", SpecialtyListApi.as_view(), name="specialty-list"),
    path("doctors", DoctorListApi.as_view(), name="doctor-list"),
    path("doctors/<str:doctor_id>", DoctorDetailApi.as_view(), name="doctor-detail"),
]

"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

from django.urls import path

from clinics.apis import ClinicDetailApi, ClinicListApi

urlpatterns: list = [
    # --- member discovery (booking) ---
    path("clinics", ClinicListApi.as_view(), name="clinic-list"),
    path("clinics/<str:clinicId>", ClinicDetailApi.as_view(), name="clinic-detail"),
]

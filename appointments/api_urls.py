"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

from django.urls import path

from appointments.apis import (
    AppointmentCancelApi,
    AppointmentDetailApi,
    AppointmentListApi,
    DoctorAvailabilityApi,
)

urlpatterns: list = [
    # --- member booking ---
    path("doctors/<str:doctor_id>/availability", DoctorAvailabilityApi.as_view(), name="doctor-availability"),
    path("appointments", AppointmentListApi.as_view(), name="appointment-list"),
    path("appointments/<str:appointment_id>", AppointmentDetailApi.as_view(), name="appointment-detail"),
    path("appointments/<str:appointment_id>/cancel", AppointmentCancelApi.as_view(), name="appointment-cancel"),
]

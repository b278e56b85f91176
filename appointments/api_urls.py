"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py).

`<appointment_id>` is the appointment's `appointmentId` or its `_id` (24 hex).
"""

from django.urls import path

from appointments.apis import (
    AppointmentCancelApi,
    AppointmentDetailApi,
    AppointmentListApi,
    DoctorAvailabilityApi,
)
from appointments.doctor_apis import (
    DoctorAppointmentCancelApi,
    DoctorAppointmentCompleteApi,
    DoctorAppointmentConfirmApi,
    DoctorAppointmentListApi,
)

urlpatterns: list = [
    # --- member booking ---
    path("doctors/<str:doctorId>/availability", DoctorAvailabilityApi.as_view(), name="doctor-availability"),
    path("appointments", AppointmentListApi.as_view(), name="appointment-list"),
    path("appointments/<str:appointmentId>", AppointmentDetailApi.as_view(), name="appointment-detail"),
    path("appointments/<str:appointmentId>/cancel", AppointmentCancelApi.as_view(), name="appointment-cancel"),
    # --- the doctor API (cookie doctor_session) ---
    path("doctor/appointments", DoctorAppointmentListApi.as_view(), name="doctor-appointments"),
    path(
        "doctor/appointments/<str:appointmentId>/confirm",
        DoctorAppointmentConfirmApi.as_view(),
        name="doctor-appointment-confirm",
    ),
    path(
        "doctor/appointments/<str:appointmentId>/complete",
        DoctorAppointmentCompleteApi.as_view(),
        name="doctor-appointment-complete",
    ),
    path(
        "doctor/appointments/<str:appointmentId>/cancel",
        DoctorAppointmentCancelApi.as_view(),
        name="doctor-appointment-cancel",
    ),
]

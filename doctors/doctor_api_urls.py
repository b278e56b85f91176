"""The doctor API (API.md "Doctor API"), mounted at /api/v1/doctor/ (opd_wallet/urls.py).

Other apps add their doctor endpoints (prescriptions, consultations) in their own api_urls.py under
`doctor/...`; these are the appointment workflow and weekly-slot routes.
"""

from django.urls import path

from doctors.doctor_apis import (
    DoctorAppointmentCancelApi,
    DoctorAppointmentCompleteApi,
    DoctorAppointmentConfirmApi,
    DoctorAppointmentListApi,
    DoctorSlotDetailApi,
    DoctorSlotListApi,
)

urlpatterns = [
    path("appointments", DoctorAppointmentListApi.as_view(), name="doctor-appointments"),
    path(
        "appointments/<str:appointment_ref>/confirm",
        DoctorAppointmentConfirmApi.as_view(),
        name="doctor-appointment-confirm",
    ),
    path(
        "appointments/<str:appointment_ref>/complete",
        DoctorAppointmentCompleteApi.as_view(),
        name="doctor-appointment-complete",
    ),
    path(
        "appointments/<str:appointment_ref>/cancel",
        DoctorAppointmentCancelApi.as_view(),
        name="doctor-appointment-cancel",
    ),
    path("slots", DoctorSlotListApi.as_view(), name="doctor-slots"),
    path("slots/<str:slot_id>", DoctorSlotDetailApi.as_view(), name="doctor-slot-detail"),
]

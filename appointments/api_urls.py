"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py).

`<appointment_id>` is the appointment's `appointmentId` or its `_id` (24 hex).
"""

from django.urls import path

from appointments.apis import (
    AppointmentCancelApi,
    AppointmentDetailApi,
    AppointmentListApi,
    AppointmentRescheduleApi,
    DoctorAvailabilityApi,
)
from appointments.doctor_apis import (
    DoctorAppointmentCancelApi,
    DoctorAppointmentCompleteApi,
    DoctorAppointmentConfirmApi,
    DoctorAppointmentListApi,
    DoctorAppointmentRescheduleApi,
)
from appointments.time_off_apis import (
    DoctorExtraHoursDetailApi,
    DoctorExtraHoursListApi,
    DoctorTimeOffDetailApi,
    DoctorTimeOffListApi,
)

urlpatterns: list = [
    # --- member booking ---
    path("doctors/<str:doctorId>/availability", DoctorAvailabilityApi.as_view(), name="doctor-availability"),
    path("appointments", AppointmentListApi.as_view(), name="appointment-list"),
    path("appointments/<str:appointmentId>", AppointmentDetailApi.as_view(), name="appointment-detail"),
    path("appointments/<str:appointmentId>/cancel", AppointmentCancelApi.as_view(), name="appointment-cancel"),
    path(
        "appointments/<str:appointmentId>/reschedule",
        AppointmentRescheduleApi.as_view(),
        name="appointment-reschedule",
    ),
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
    path(
        "doctor/appointments/<str:appointmentId>/reschedule",
        DoctorAppointmentRescheduleApi.as_view(),
        name="doctor-appointment-reschedule",
    ),
    # --- the doctor API: time off and one-off extra hours ---
    path("doctor/time-off", DoctorTimeOffListApi.as_view(), name="doctor-time-off"),
    path("doctor/time-off/<str:exceptionId>", DoctorTimeOffDetailApi.as_view(), name="doctor-time-off-detail"),
    path("doctor/extra-hours", DoctorExtraHoursListApi.as_view(), name="doctor-extra-hours"),
    path(
        "doctor/extra-hours/<str:exceptionId>",
        DoctorExtraHoursDetailApi.as_view(),
        name="doctor-extra-hours-detail",
    ),
]

"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py).

`<prescription_id>` is a prescription's `prescriptionId` or its `_id`; `<appointment_id>` an appointment's
`appointmentId` or its `_id`.
"""

from django.urls import path

from prescriptions.apis import MemberPrescriptionFileApi, MemberPrescriptionListApi
from prescriptions.doctor_apis import DoctorPrescriptionFileApi, DoctorPrescriptionListApi, DoctorPrescriptionUploadApi

urlpatterns = [
    # member (Bearer)
    path("prescriptions", MemberPrescriptionListApi.as_view(), name="prescription-list"),
    path("prescriptions/<str:prescriptionId>/file", MemberPrescriptionFileApi.as_view(), name="prescription-file"),
    # doctor (cookie doctor_session)
    path("doctor/prescriptions", DoctorPrescriptionListApi.as_view(), name="doctor-prescription-list"),
    path(
        "doctor/prescriptions/<str:prescriptionId>/file",
        DoctorPrescriptionFileApi.as_view(),
        name="doctor-prescription-file",
    ),
    path(
        "doctor/appointments/<str:appointmentId>/prescription",
        DoctorPrescriptionUploadApi.as_view(),
        name="doctor-appointment-prescription",
    ),
]

"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py).

`{key}` is a prescription's `prescriptionId` or its `_id`; an appointment's `appointmentId` or its `_id`.
"""

from django.urls import path

from prescriptions.apis import MemberPrescriptionFileApi, MemberPrescriptionListApi

urlpatterns = [
    path("prescriptions", MemberPrescriptionListApi.as_view(), name="prescription-list"),
    path("prescriptions/<str:key>/file", MemberPrescriptionFileApi.as_view(), name="prescription-file"),
]

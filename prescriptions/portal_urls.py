"""Doctor-portal pages of this app, mounted under /portal/ (see opd_wallet/urls.py).

`<prescription_id>` is a prescription's `prescriptionId` or `_id`; `<appointment_id>` an appointment's
`appointmentId` or `_id`.
"""

from django.urls import path

from prescriptions.portal_views import (
    PrescriptionFileView,
    PrescriptionListView,
    PrescriptionReplaceView,
    PrescriptionUploadView,
)

urlpatterns = [
    path("prescriptions/", PrescriptionListView.as_view(), name="portal-prescriptions"),
    path("prescriptions/<str:prescription_id>/file", PrescriptionFileView.as_view(), name="portal-prescription-file"),
    path(
        "prescriptions/<str:prescription_id>/replace/",
        PrescriptionReplaceView.as_view(),
        name="portal-prescription-replace",
    ),
    path(
        "appointments/<str:appointment_id>/prescription/",
        PrescriptionUploadView.as_view(),
        name="portal-prescription-upload",
    ),
]

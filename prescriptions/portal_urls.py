"""Doctor-portal pages of this app, mounted under /portal/ (see opd_wallet/urls.py).

`<key>` is a prescription's `prescriptionId` or `_id`; an appointment's `appointmentId` or `_id`.
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
    path("prescriptions/<str:key>/file", PrescriptionFileView.as_view(), name="portal-prescription-file"),
    path("prescriptions/<str:key>/replace/", PrescriptionReplaceView.as_view(), name="portal-prescription-replace"),
    path("appointments/<str:key>/prescription/", PrescriptionUploadView.as_view(), name="portal-prescription-upload"),
]

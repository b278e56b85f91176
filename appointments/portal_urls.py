"""Doctor-portal pages of this app, mounted under /portal/ (see opd_wallet/urls.py).

`<appointment_id>` is the appointment's `_id` (24 hex) or its `appointmentId`.
"""

from django.urls import path, re_path

from appointments.portal_views import (
    AppointmentActionView,
    AppointmentDetailView,
    AppointmentListView,
    AppointmentRescheduleView,
    DashboardView,
)

urlpatterns = [
    path("", DashboardView.as_view(), name="portal-dashboard"),
    path("appointments/", AppointmentListView.as_view(), name="portal-appointments"),
    path("appointments/<str:appointment_id>/", AppointmentDetailView.as_view(), name="portal-appointment-detail"),
    path(
        "appointments/<str:appointment_id>/reschedule/",
        AppointmentRescheduleView.as_view(),
        name="portal-appointment-reschedule",
    ),
    # Only these three actions: other apps add /portal/appointments/<id>/<their page>/ routes of their own.
    re_path(
        r"^appointments/(?P<appointment_id>[^/]+)/(?P<action>confirm|complete|cancel)/$",
        AppointmentActionView.as_view(),
        name="portal-appointment-action",
    ),
]

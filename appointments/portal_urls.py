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
    WeekView,
)
from appointments.time_off_portal_views import ExtraHoursAddView, ScheduleExceptionDeleteView, TimeOffView

urlpatterns = [
    path("time-off/", TimeOffView.as_view(), name="portal-time-off"),
    path("time-off/extra-hours/", ExtraHoursAddView.as_view(), name="portal-extra-hours"),
    re_path(
        r"^time-off/(?P<exception_id>[0-9a-fA-F]{24})/delete/$",
        ScheduleExceptionDeleteView.as_view(kind="TIME_OFF"),
        name="portal-time-off-delete",
    ),
    re_path(
        r"^time-off/extra-hours/(?P<exception_id>[0-9a-fA-F]{24})/delete/$",
        ScheduleExceptionDeleteView.as_view(kind="EXTRA_HOURS"),
        name="portal-extra-hours-delete",
    ),
    path("", DashboardView.as_view(), name="portal-dashboard"),
    path("week/", WeekView.as_view(), name="portal-week"),
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

"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

from django.urls import path

from consultations import apis

urlpatterns = [
    path(
        "appointments/<str:appointmentId>/consultation",
        apis.MemberAppointmentConsultationApi.as_view(),
        name="member-appointment-consultation",
    ),
    path(
        "consultations/<str:consultationId>/join",
        apis.MemberConsultationJoinApi.as_view(),
        name="member-consultation-join",
    ),
    path(
        "consultations/<str:consultationId>/end",
        apis.MemberConsultationEndApi.as_view(),
        name="member-consultation-end",
    ),
    path(
        "consultations/<str:consultationId>/feedback",
        apis.MemberConsultationFeedbackApi.as_view(),
        name="member-consultation-feedback",
    ),
    path(
        "consultations/<str:consultationId>/network-issues",
        apis.MemberConsultationNetworkIssueApi.as_view(),
        name="member-consultation-network-issues",
    ),
]

# The doctor side, under /api/v1/doctor/ like the rest of the doctor API (docs/api.md).
DOCTOR_ACTIONS = {
    "join": apis.DoctorConsultationJoinApi,
    "end": apis.DoctorConsultationEndApi,
    "cancel": apis.DoctorConsultationCancelApi,
    "no-show": apis.DoctorConsultationNoShowApi,
    "feedback": apis.DoctorConsultationFeedbackApi,
    "network-issues": apis.DoctorConsultationNetworkIssueApi,
}
urlpatterns += [
    path(
        "doctor/appointments/<str:appointmentId>/consultation",
        apis.DoctorConsultationStartApi.as_view(),
        name="doctor-appointment-consultation",
    ),
    *[
        path(
            f"doctor/consultations/<str:consultationId>/{action}",
            view.as_view(),
            name=f"doctor-consultation-{action}",
        )
        for action, view in DOCTOR_ACTIONS.items()
    ],
]

"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

from django.urls import path

from consultations import apis

urlpatterns = [
    path(
        "appointments/<str:appointment_key>/consultation", apis.MemberAppointmentConsultationApi.as_view(),
        name="member-appointment-consultation",
    ),
    path(
        "consultations/<str:consultation_key>/join", apis.MemberConsultationJoinApi.as_view(),
        name="member-consultation-join",
    ),
    path(
        "consultations/<str:consultation_key>/end", apis.MemberConsultationEndApi.as_view(),
        name="member-consultation-end",
    ),
    path(
        "consultations/<str:consultation_key>/feedback", apis.MemberConsultationFeedbackApi.as_view(),
        name="member-consultation-feedback",
    ),
    path(
        "consultations/<str:consultation_key>/network-issues", apis.MemberConsultationNetworkIssueApi.as_view(),
        name="member-consultation-network-issues",
    ),
]

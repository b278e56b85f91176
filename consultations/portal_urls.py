"""Doctor-portal pages of this app, mounted under /portal/ (see opd_wallet/urls.py)."""

from django.urls import path

from consultations import portal_views as views

urlpatterns = [
    path(
        "consultations/<str:consultation_key>/", views.ConsultationCallView.as_view(), name="portal-consultation-call"
    ),
    path(
        "appointments/<str:appointment_id>/consultation/start/",
        views.ConsultationStartView.as_view(),
        name="portal-consultation-start",
    ),
    path(
        "consultations/<str:consultation_key>/join/",
        views.ConsultationJoinView.as_view(),
        name="portal-consultation-join",
    ),
    path(
        "consultations/<str:consultation_key>/end/", views.ConsultationEndView.as_view(), name="portal-consultation-end"
    ),
    path(
        "consultations/<str:consultation_key>/cancel/",
        views.ConsultationCancelView.as_view(),
        name="portal-consultation-cancel",
    ),
    path(
        "consultations/<str:consultation_key>/no-show/",
        views.ConsultationNoShowView.as_view(),
        name="portal-consultation-no-show",
    ),
]

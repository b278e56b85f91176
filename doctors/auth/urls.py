"""Doctor sign-in routes, mounted at /auth/doctor/ (opd_wallet/urls.py)."""

from django.urls import path

from doctors.auth.views import DoctorProfileApi, doctor_login_view, doctor_logout_view

urlpatterns = [
    path("login", doctor_login_view(), name="doctor-login"),
    path("logout", doctor_logout_view(), name="doctor-logout"),
    path("profile", DoctorProfileApi.as_view(), name="doctor-profile"),
]

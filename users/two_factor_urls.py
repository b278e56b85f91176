from django.urls import path

from users.two_factor import StaffTwoFactorView

urlpatterns = [path("", StaffTwoFactorView.as_view(), name="staff-2fa-enrol")]

from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from opd_wallet.users.apis import MeApi

urlpatterns = [
    path("auth/token", TokenObtainPairView.as_view(), name="member-token"),
    path("auth/token/refresh", TokenRefreshView.as_view(), name="member-token-refresh"),
    path("me", MeApi.as_view(), name="member-me"),
]

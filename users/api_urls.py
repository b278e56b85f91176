from django.urls import path

from users.apis import MeApi, MemberLogoutApi, MemberTokenApi, MemberTokenRefreshApi

urlpatterns = [
    path("auth/token", MemberTokenApi.as_view(), name="member-token"),
    path("auth/token/refresh", MemberTokenRefreshApi.as_view(), name="member-token-refresh"),
    path("auth/logout", MemberLogoutApi.as_view(), name="member-logout"),
    path("me", MeApi.as_view(), name="member-me"),
]

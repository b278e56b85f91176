"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

from django.urls import path

from notifications.apis import NotificationListApi, NotificationReadApi, PreferencesApi

urlpatterns = [
    path("notifications", NotificationListApi.as_view(), name="notification-list"),
    path("notifications/<str:notificationId>/read", NotificationReadApi.as_view(), name="notification-read"),
    path("me/preferences", PreferencesApi.as_view(), name="member-preferences"),
]

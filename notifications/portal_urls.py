"""Doctor-portal pages of this app, mounted under /portal/ (see opd_wallet/urls.py)."""

from django.urls import path

from notifications.portal_views import CalendarFeedRenewView, CalendarFeedRevokeView, calendar_feed

urlpatterns = [
    path("profile/calendar/renew/", CalendarFeedRenewView.as_view(), name="portal-calendar-renew"),
    path("profile/calendar/revoke/", CalendarFeedRevokeView.as_view(), name="portal-calendar-revoke"),
    # The feed itself: the secret token is the only key (docs/notifications.md#the-doctors-calendar-feed).
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
]

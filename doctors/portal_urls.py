"""Doctor-portal pages of this app, mounted under /portal/ (see opd_wallet/urls.py)."""

from django.urls import path, re_path

from doctors.auth.views import ProfileView
from doctors.schedule.portal_views import ScheduleView, SlotActionView, SlotEditView

urlpatterns = [
    path("slots/", ScheduleView.as_view(), name="portal-slots"),
    path("slots/<str:slot_id>/edit/", SlotEditView.as_view(), name="portal-slot-edit"),
    re_path(
        r"^slots/(?P<slot_id>[0-9a-fA-F]{24})/(?P<action>deactivate|activate|delete)/$",
        SlotActionView.as_view(),
        name="portal-slot-action",
    ),
    path("profile/", ProfileView.as_view(), name="portal-profile"),
]

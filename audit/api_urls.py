from django.urls import path

from audit.apis import MemberAccessLogApi

urlpatterns = [path("me/access-log", MemberAccessLogApi.as_view(), name="member-access-log")]

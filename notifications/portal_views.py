"""The doctor's calendar feed: renewed or revoked from the portal's profile page, read by calendar apps."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from doctors.auth.portal import DoctorRequiredMixin
from doctors.models import Doctor
from notifications.calendar import ICS_MIME, feed_ics, sequences_for
from notifications.selectors import calendar_feed_doctor_id, calendar_feed_visits
from notifications.services import calendar_feed_renew, calendar_feed_revoke

MSG_FEED_REVOKED = "Your calendar link no longer works. Calendars subscribed to it stop updating."
MSG_NO_FEED = "You had no calendar link."


def feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("calendar-feed", args=[token]))


class CalendarFeedRenewView(DoctorRequiredMixin, View):
    """POST: a new secret link (the old one stops working), shown once on this page."""

    nav_section = "profile"
    action_label = "Make my calendar link"

    def post(self, request: HttpRequest) -> HttpResponse:
        token = calendar_feed_renew(doctor_id=self.doctor.doctor_id)
        url = feed_url(request, token)
        context = {
            "doctor": self.doctor,
            "nav_section": self.nav_section,
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[-1],
        }
        response = render(request, "notifications/portal/calendar_feed.html", context)
        response["Cache-Control"] = "no-store"
        return response


class CalendarFeedRevokeView(DoctorRequiredMixin, View):
    action_label = "Turn the link off"

    def post(self, request: HttpRequest) -> HttpResponse:
        revoked = calendar_feed_revoke(doctor_id=self.doctor.doctor_id)
        messages.success(request, MSG_FEED_REVOKED if revoked else MSG_NO_FEED)
        return HttpResponseRedirect(reverse("portal-profile"))


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the doctor's upcoming visits as iCalendar, for whoever holds the secret link (no sign-in: calendar
    apps cannot sign in). An unknown, renewed or revoked link is 404."""
    if request.method not in ("GET", "HEAD"):
        raise Http404
    doctor_id = calendar_feed_doctor_id(token=token)
    active = Doctor.objects.filter(doctor_id=doctor_id, is_active=True).only("doctor_id", "name")
    doctor = active.first() if doctor_id else None
    if doctor is None:
        raise Http404
    visits = calendar_feed_visits(doctor_id=doctor.doctor_id)
    body = feed_ics(
        doctor_name=doctor.name, visits=visits, sequences=sequences_for([visit["appointmentId"] for visit in visits])
    )
    response = HttpResponse(body, content_type=f"{ICS_MIME}; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="opd-wallet.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response

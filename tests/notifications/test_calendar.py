"""A doctor's private calendar feed (renewed and revoked from the profile page) and the dashboard's "what is new"."""

import re

import pytest
from django.test import Client
from icalendar import Calendar

from appointments.models import Actor
from appointments.services.booking import appointment_reschedule
from appointments.services.workflow import appointment_cancel
from mongo.raw import collection
from notifications.portal_views import MSG_FEED_REVOKED
from tests.appointments.conftest import NEXT_MONDAY
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorSlotFactory
from tests.notifications.factories import book
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
FEED_URL = re.compile(r'value="(http://testserver/portal/calendar/([^"]+)\.ics)"')


def make_link(client: Client) -> tuple[str, str]:
    page = client.post("/portal/profile/calendar/renew/").content.decode()
    url, token = FEED_URL.search(page).groups()  # type: ignore[union-attr]
    return url, token


def feed(token: str) -> Calendar:
    response = Client().get(f"/portal/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_feed_lists_upcoming_visits_with_first_names_only_and_parses() -> None:
    slot = DoctorSlotFactory(max_patients=3, doctor__name="Dr. Asha Rao")
    kept = book(slot=slot, user=UserFactory(name="Meera Iyer"))
    gone = book(slot=slot, user=UserFactory(name="Ravi Kumar"), time_slot="11:00 AM")
    appointment_cancel(appointment=gone, by=Actor.MEMBER)
    client = doctor_portal_client(slot.doctor)
    _, token = make_link(client)
    assert len(token) >= 43  # 32 random bytes
    calendar = feed(token)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{kept.appointment_id}@opd-wallet"
    assert str(event["SUMMARY"]) == "Visit: Meera"
    assert "Iyer" not in calendar.to_ical().decode()
    assert event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert event["DTSTART"].dt.hour == 10
    assert calendar.walk("VTIMEZONE")


def test_only_the_hash_of_the_token_is_stored() -> None:
    slot = DoctorSlotFactory()
    _, token = make_link(doctor_portal_client(slot.doctor))
    stored = collection("doctor_calendar_feeds").find_one({"doctorId": slot.doctor.doctor_id})
    assert token not in str(stored)
    assert len(stored["tokenHash"]) == 64


def test_a_rescheduled_visit_keeps_its_uid_with_a_higher_sequence() -> None:
    slot = DoctorSlotFactory(max_patients=3)
    appointment = book(slot=slot)
    _, token = make_link(doctor_portal_client(slot.doctor))
    [before] = feed(token).walk("VEVENT")
    appointment_reschedule(appointment=appointment, appointment_date=NEXT_MONDAY, time_slot="11:30 AM", by=Actor.STAFF)
    [after] = feed(token).walk("VEVENT")
    assert str(after["UID"]) == str(before["UID"]) == f"{appointment.appointment_id}@opd-wallet"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert (after["DTSTART"].dt.hour, after["DTSTART"].dt.minute) == (11, 30)


def test_renewing_stops_the_old_link_and_revoking_stops_the_new_one() -> None:
    slot = DoctorSlotFactory()
    client = doctor_portal_client(slot.doctor)
    _, old = make_link(client)
    _, new = make_link(client)
    assert Client().get(f"/portal/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/portal/calendar/{new}.ics").status_code == 200
    response = client.post("/portal/profile/calendar/revoke/", follow=True)
    assert MSG_FEED_REVOKED in response.content.decode()
    assert Client().get(f"/portal/calendar/{new}.ics").status_code == 404


def test_a_made_up_token_is_404() -> None:
    assert Client().get("/portal/calendar/not-a-real-token.ics").status_code == 404


def test_renewing_needs_a_signed_in_doctor_and_csrf() -> None:
    assert Client().post("/portal/profile/calendar/renew/").status_code == 302
    slot = DoctorSlotFactory()
    client = doctor_portal_client(slot.doctor)
    del client.defaults["HTTP_X_CSRFTOKEN"]
    assert client.post("/portal/profile/calendar/renew/").status_code == 403


def test_the_profile_page_offers_the_link() -> None:
    slot = DoctorSlotFactory()
    client = doctor_portal_client(slot.doctor)
    page = client.get("/portal/profile/").content.decode()
    assert "Make my calendar link" in page
    make_link(client)
    page = client.get("/portal/profile/").content.decode()
    assert "Make a new link" in page and "Turn the link off" in page


def test_the_dashboard_shows_requests_waiting_and_recent_cancellations() -> None:
    slot = DoctorSlotFactory(max_patients=3, doctor__requires_confirmation=True)
    book(slot=slot, user=UserFactory(name="Meera Iyer"))
    gone = book(slot=slot, user=UserFactory(name="Ravi Kumar"), time_slot="11:00 AM")
    appointment_cancel(appointment=gone, by=Actor.MEMBER, reason="Feeling better")
    page = doctor_portal_client(slot.doctor).get("/portal/").content.decode()
    news = page[page.index('data-testid="whats-new"') :]
    assert "Waiting for your confirmation" in news and "Meera Iyer" in news
    assert "Recently cancelled" in news and "Ravi Kumar" in news and "Feeling better" in news
    assert "cancelled by member" in news

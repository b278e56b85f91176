"""An expired doctor session: the portal says why it asks for sign-in, goes back to the page after it, and an
action posted without a session is reported as not done on the page where it can be done again
(doctors/auth/portal.py, docs/portal.md#when-the-session-expires)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from appointments.models import AppointmentStatus
from doctors.auth.portal import (
    MSG_ACTION_NOT_DONE,
    MSG_SESSION_ENDED,
    MSG_SESSION_EXPIRED,
    NOT_DONE_PARAM,
    not_done_message,
    not_done_token,
)
from doctors.auth.sessions import COOKIE_NAME, HINT_COOKIE_NAME, SessionLoss, token_issue
from doctors.models import DoctorSession
from tests.appointments.factories import AppointmentFactory
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory, DoctorSlotFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/auth/doctor/login"
NOT_DONE_CONFIRM = MSG_ACTION_NOT_DONE.format(action="Confirm", why="your session had expired")


def expired_client(doctor) -> Client:
    """A browser still holding a session cookie whose 8 hours are over (and the hint cookie)."""
    client = Client()
    issued = token_issue(doctor=doctor, now=timezone.now() - timedelta(hours=9))
    client.cookies[COOKIE_NAME] = issued.token
    client.cookies[HINT_COOKIE_NAME] = "1"
    return client


def hint_only_client() -> Client:
    """A browser that dropped the session cookie at its Max-Age (8 hours) but kept the hint."""
    client = Client()
    client.cookies[HINT_COOKIE_NAME] = "1"
    return client


def sign_in(client: Client, doctor, location: str):
    """Follow the redirect to the sign-in page, then send its form as a browser would (hidden fields included)."""
    page = client.get(location)
    assert page.status_code == 200
    context = page.context
    data = {"email": doctor.email, "password": DOCTOR_PASSWORD, "next": context["next"]}
    if context["not_done"]:
        data[NOT_DONE_PARAM] = context["not_done"]
    return page, client.post(LOGIN_URL, data)


def messages_on(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("make_client", [expired_client, lambda doctor: hint_only_client()])
def test_an_expired_session_asks_to_sign_in_with_the_reason_and_returns_to_the_page(make_client) -> None:
    doctor = DoctorFactory()
    client = make_client(doctor)
    response = client.get("/portal/slots/?clinic=CLINIC001")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/portal/slots/%3Fclinic%3DCLINIC001"
    assert response.cookies[COOKIE_NAME].value == ""  # the dead cookie is cleared, the hint kept for other tabs
    assert HINT_COOKIE_NAME not in response.cookies
    page, signed_in = sign_in(client, doctor, response["Location"])
    assert messages_on(page) == [MSG_SESSION_EXPIRED]
    assert MSG_SESSION_EXPIRED in page.content.decode()
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/portal/slots/?clinic=CLINIC001"


def test_a_session_ended_elsewhere_says_so() -> None:
    doctor = DoctorFactory()
    client = doctor_portal_client(doctor)
    DoctorSession.objects.all().delete()  # signed out on another device, or deactivated
    response = client.get("/portal/")
    page = client.get(response["Location"])
    assert messages_on(page) == [MSG_SESSION_ENDED]


def test_a_visitor_who_never_signed_in_gets_no_session_message() -> None:
    response = Client().get("/portal/")
    page = Client().get(response["Location"])
    assert messages_on(page) == []


def test_signing_in_sets_the_hint_and_signing_out_clears_both_cookies() -> None:
    doctor = DoctorFactory()
    client = Client()
    response = client.post(LOGIN_URL, {"email": doctor.email, "password": DOCTOR_PASSWORD})
    assert response.cookies[HINT_COOKIE_NAME].value == "1"
    assert response.cookies[HINT_COOKIE_NAME]["httponly"] is True
    assert response.cookies[HINT_COOKIE_NAME]["max-age"] == 30 * 24 * 60 * 60
    response = client.post("/auth/doctor/logout", {})
    assert response.cookies[COOKIE_NAME].value == ""
    assert response.cookies[HINT_COOKIE_NAME].value == ""
    # signed out on purpose: the next visit is a plain sign-in, with no "expired" message
    page = client.get(client.get("/portal/")["Location"])
    assert MSG_SESSION_EXPIRED not in messages_on(page)


def test_a_confirm_posted_with_an_expired_session_is_not_done_and_can_be_done_again_after_sign_in() -> None:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor, status=AppointmentStatus.PENDING_CONFIRMATION)
    detail = f"/portal/appointments/{appointment.pk}/"
    client = expired_client(doctor)
    response = client.post(f"{detail}confirm/", HTTP_REFERER=f"http://testserver{detail}")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next={detail}&{NOT_DONE_PARAM}=")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PENDING_CONFIRMATION  # not done, and not replayed

    page, signed_in = sign_in(client, doctor, response["Location"])
    assert messages_on(page) == [MSG_SESSION_EXPIRED]
    assert signed_in["Location"] == detail
    landing = client.get(detail)
    assert messages_on(landing) == [NOT_DONE_CONFIRM]
    html = landing.content.decode()
    assert NOT_DONE_CONFIRM in html
    assert "Confirm appointment" in html  # the button to do it again is on this page
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PENDING_CONFIRMATION


def test_a_lost_quick_confirm_returns_to_its_next_page() -> None:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor, status=AppointmentStatus.PENDING_CONFIRMATION)
    response = expired_client(doctor).post(f"/portal/appointments/{appointment.pk}/confirm/", {"next": "/portal/"})
    assert response["Location"].startswith(f"{LOGIN_URL}?next=/portal/&")


@pytest.mark.parametrize(
    "next_url, referer",
    [
        ("https://evil.example/phish", "https://evil.example/phish"),
        ("//evil.example/", "javascript:alert(1)"),
        (None, "http://testserver/auth/doctor/login?next=/portal/"),  # never back to the sign-in page
    ],
)
def test_a_lost_action_never_returns_to_an_outside_page(next_url, referer) -> None:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor, status=AppointmentStatus.PENDING_CONFIRMATION)
    data = {"next": next_url} if next_url else {}
    response = expired_client(doctor).post(f"/portal/appointments/{appointment.pk}/cancel/", data, HTTP_REFERER=referer)
    # the appointment's own page (action_return_url), the place to do it again
    assert response["Location"].startswith(f"{LOGIN_URL}?next=/portal/appointments/{appointment.pk}/&")


def test_a_lost_slot_action_names_the_button() -> None:
    doctor = DoctorFactory()
    slot = DoctorSlotFactory(doctor=doctor)
    client = expired_client(doctor)
    response = client.post(f"/portal/slots/{slot.pk}/delete/", HTTP_REFERER="http://testserver/portal/slots/")
    _page, signed_in = sign_in(client, doctor, response["Location"])
    assert signed_in["Location"] == "/portal/slots/"
    expected = MSG_ACTION_NOT_DONE.format(action="Remove", why="your session had expired")
    assert messages_on(client.get("/portal/slots/")) == [expected]
    slot.refresh_from_db()  # still there


def test_a_forged_or_stale_not_done_note_is_ignored() -> None:
    assert not_done_message("forged") is None
    assert not_done_message(not_done_token(action="Confirm", loss=SessionLoss.EXPIRED)) == NOT_DONE_CONFIRM
    doctor = DoctorFactory()
    client = Client()
    data = {"email": doctor.email, "password": DOCTOR_PASSWORD, NOT_DONE_PARAM: "Your bank called"}
    client.post(LOGIN_URL, data)
    assert messages_on(client.get("/portal/")) == []


def test_every_open_tab_is_told_the_session_expired() -> None:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor, status=AppointmentStatus.PENDING_CONFIRMATION)
    client = expired_client(doctor)
    first = client.get(client.get("/portal/")["Location"])  # the first tab: told, the dead session cookie cleared
    assert messages_on(first) == [MSG_SESSION_EXPIRED]
    assert COOKIE_NAME not in client.cookies or client.cookies[COOKIE_NAME].value == ""
    response = client.post(f"/portal/appointments/{appointment.pk}/confirm/")  # the second tab
    page, _signed_in = sign_in(client, doctor, response["Location"])
    assert messages_on(page) == [MSG_SESSION_EXPIRED]
    assert messages_on(client.get(f"/portal/appointments/{appointment.pk}/")) == [NOT_DONE_CONFIRM]

"""A doctor starts a video call from the portal in a real Chromium. No outside network: requests to the
Jitsi domain are intercepted, so these tests check the page (script source, room, display name, password
handling), never a meeting."""

import pytest
from playwright.sync_api import Page, Route, expect

from consultations.models import ConsultationStatus, VideoConsultation
from consultations.portal_views import appointment_url
from tests.browser_fixtures import save_screenshot
from tests.consultations.factories import BegunOnlineAppointmentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DOMAIN = "meet.example.test"

# A stand-in for Jitsi's external_api.js that records how the page drives it.
FAKE_EXTERNAL_API = """
window.jitsiCalls = {commands: [], listeners: {}};
window.JitsiMeetExternalAPI = function (domain, options) {
  window.jitsiCalls.domain = domain;
  window.jitsiCalls.roomName = options.roomName;
  window.jitsiCalls.displayName = options.userInfo.displayName;
  window.jitsiCalls.parentId = options.parentNode.id;
  this.addEventListener = function (name, handler) { window.jitsiCalls.listeners[name] = handler; };
  this.executeCommand = function (name, arg) { window.jitsiCalls.commands.push([name, arg]); };
};
"""


def start_call_from_the_appointment_page(
    page: Page, sign_in_doctor: object, screenshot: str | None = None
) -> VideoConsultation:
    appointment = BegunOnlineAppointmentFactory(patient_name="Asha Verma")
    sign_in_doctor(page, appointment.doctor)
    page.goto(appointment_url(appointment))
    if screenshot:
        save_screenshot(page, screenshot)
    page.get_by_role("button", name="Start video consultation").click()
    page.wait_for_url("**/portal/consultations/VC-*/")
    return VideoConsultation.objects.get(appointment=appointment)


def test_doctor_starts_a_call_and_the_call_page_points_at_the_configured_jitsi_domain(
    page: Page, sign_in_doctor: object, settings: object
) -> None:
    settings.JITSI_DOMAIN = DOMAIN
    page.route(f"https://{DOMAIN}/**", lambda route: route.abort())  # the meeting server is never reached
    consultation = start_call_from_the_appointment_page(page, sign_in_doctor, "consultation-panel-1280")

    assert consultation.status == ConsultationStatus.SCHEDULED
    assert consultation.doctor_joined_at is not None
    assert page.url.endswith(f"/portal/consultations/{consultation.consultation_id}/")
    script = page.locator(f'script[src="https://{DOMAIN}/external_api.js"]')
    expect(script).to_have_count(1)
    meeting = page.locator("#jitsi-meet")
    expect(meeting).to_have_attribute("data-domain", DOMAIN)
    expect(meeting).to_have_attribute("data-room", consultation.room_id)
    expect(meeting).to_have_attribute("data-display-name", consultation.doctor_name)
    expect(page.get_by_test_id("room-name")).to_have_text(consultation.room_name)
    # With the Jitsi script unreachable, the page says so instead of failing silently.
    expect(page.locator("#jitsi-status")).to_contain_text(f"could not be loaded from {DOMAIN}")
    expect(page.get_by_role("button", name="End consultation")).to_be_visible()
    expect(page.get_by_role("link", name="Upload the prescription")).to_be_visible()
    save_screenshot(page, "consultation-call-1280")


def test_call_page_creates_the_meeting_with_room_display_name_and_password(
    page: Page, sign_in_doctor: object, settings: object
) -> None:
    settings.JITSI_DOMAIN = DOMAIN

    def fake_jitsi(route: Route) -> None:
        route.fulfill(status=200, content_type="application/javascript", body=FAKE_EXTERNAL_API)

    page.route(f"https://{DOMAIN}/external_api.js", fake_jitsi)
    consultation = start_call_from_the_appointment_page(page, sign_in_doctor)

    page.wait_for_function("window.jitsiCalls && window.jitsiCalls.roomName")
    calls = page.evaluate("window.jitsiCalls")
    assert calls["domain"] == DOMAIN
    assert calls["roomName"] == consultation.room_id
    assert calls["displayName"] == consultation.doctor_name
    assert calls["parentId"] == "jitsi-meet"
    page.evaluate("window.jitsiCalls.listeners.passwordRequired()")
    assert page.evaluate("window.jitsiCalls.commands") == [["password", consultation.room_password]]


def test_doctor_ends_the_call_from_the_call_page(page: Page, sign_in_doctor: object, settings: object) -> None:
    settings.JITSI_DOMAIN = DOMAIN
    page.route(f"https://{DOMAIN}/**", lambda route: route.abort())
    consultation = start_call_from_the_appointment_page(page, sign_in_doctor)
    VideoConsultation.objects.filter(pk=consultation.pk).update(
        status=ConsultationStatus.IN_PROGRESS,
        patient_joined_at=consultation.doctor_joined_at,
        actual_start_time=consultation.doctor_joined_at,
    )
    page.get_by_role("button", name="End consultation").click()
    page.get_by_role("dialog", name="End the consultation?").get_by_role("button", name="End it").click()
    page.wait_for_url(f"**{appointment_url(consultation.appointment)}")
    expect(page.get_by_text("Consultation completed.")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.COMPLETED

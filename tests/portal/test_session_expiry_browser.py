"""An expired session in a real browser: the doctor is told why they must sign in, comes back to the page, and
a Confirm sent with the expired session is reported as not done, on the page where it can be done again. The
pages with these messages pass axe-core too."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from appointments.models import AppointmentStatus
from doctors.auth.portal import MSG_ACTION_NOT_DONE, MSG_SESSION_EXPIRED
from doctors.auth.sessions import COOKIE_NAME, token_issue
from tests.appointments.factories import AppointmentFactory
from tests.browser_fixtures import TIMEOUT_MS
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory
from tests.portal.axe import DESKTOP, axe_violations, describe
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NOT_DONE = MSG_ACTION_NOT_DONE.format(action="Confirm", why="your session had expired")


@pytest.fixture
def context(browser: Browser, live_server: object) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-IN")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def _sign_in_on_this_page(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DOCTOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _assert_axe_clean(page: Page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, "\n".join(describe(where, violations))


def test_an_expired_session_explains_itself_and_a_lost_confirm_can_be_done_again(context: BrowserContext) -> None:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(
        doctor=doctor, user=UserFactory(name="Rohan Gupta"), status=AppointmentStatus.PENDING_CONFIRMATION
    )
    detail = f"/portal/appointments/{appointment.pk}/"
    page = context.new_page()
    page.goto("/auth/doctor/login")
    _sign_in_on_this_page(page, doctor.email)
    page.wait_for_url("**/portal/")
    page.goto(detail)

    # Eight hours later the browser drops the session cookie (its Max-Age); the page is still open.
    context.clear_cookies(name=COOKIE_NAME)
    page.get_by_role("button", name="Confirm appointment").click()
    page.wait_for_url("**/auth/doctor/login?**")
    expect(page.get_by_role("status")).to_have_text(MSG_SESSION_EXPIRED)
    _assert_axe_clean(page, "sign-in page, session expired")
    _sign_in_on_this_page(page, doctor.email)

    page.wait_for_url(f"**{detail}")
    expect(page.get_by_role("alert")).to_have_text(NOT_DONE)
    _assert_axe_clean(page, "appointment page, action not done")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PENDING_CONFIRMATION
    page.get_by_role("button", name="Confirm appointment").click()  # done again, below the message
    expect(page.get_by_role("status")).to_contain_text("Appointment with Rohan Gupta confirmed.")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_an_expired_session_on_a_page_returns_there_after_sign_in(context: BrowserContext, live_server) -> None:
    doctor = DoctorFactory()
    page = context.new_page()
    page.goto("/auth/doctor/login")
    _sign_in_on_this_page(page, doctor.email)
    page.wait_for_url("**/portal/")
    # The cookie still there, its token past its 8 hours (a browser that kept it, e.g. restored tabs).
    stale = token_issue(doctor=doctor, now=timezone.now() - timedelta(hours=9))
    context.add_cookies([{"name": COOKIE_NAME, "value": stale.token, "url": live_server.url}])
    page.goto("/portal/slots/")
    page.wait_for_url("**/auth/doctor/login?next=/portal/slots/")
    expect(page.get_by_role("status")).to_have_text(MSG_SESSION_EXPIRED)
    _sign_in_on_this_page(page, doctor.email)
    page.wait_for_url("**/portal/slots/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly schedule")

"""axe-core's WCAG 2.1 A and AA rules on every doctor-portal page, at desktop (1280x800) and phone (390x844)
widths, with no rule switched off. The pages come from the URL patterns (tests/portal/pages.py), so a page
added later is checked without touching this file. One sign-in, one browser context for every page."""

import re
from collections.abc import Iterator

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser_fixtures import TIMEOUT_MS
from tests.doctors.factories import DOCTOR_PASSWORD
from tests.portal.axe import PHONE, WIDTHS, axe_violations, describe
from tests.portal.pages import PortalWorld, portal_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

OUTSIDE = re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])")  # e.g. the Jitsi script: never fetched


@pytest.fixture
def world() -> PortalWorld:
    return portal_world()


@pytest.fixture
def context(browser: Browser, live_server: object) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=WIDTHS["desktop 1280"], base_url=live_server.url, locale="en-IN")
    context.set_default_timeout(TIMEOUT_MS)
    context.route(OUTSIDE, lambda route: route.abort())
    yield context
    context.close()


def _scan(page: Page, label: str, problems: list[str]) -> None:
    for width_name, size in WIDTHS.items():
        page.set_viewport_size(size)
        problems.extend(describe(f"{label} at {width_name}", axe_violations(page)))


def _has_url(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_every_portal_page_passes_axe_wcag_21_aa(context: BrowserContext, world: PortalWorld) -> None:
    page = context.new_page()
    problems: list[str] = []
    pages = world.pages()
    assert len(pages) >= 10, pages

    page.goto("/auth/doctor/login")
    _scan(page, "doctor-login", problems)
    _sign_in(page, world.doctor.email, "not the password")
    page.wait_for_selector(".alert--error")
    _scan(page, "doctor-login [wrong password]", problems)
    _sign_in(page, world.doctor.email, DOCTOR_PASSWORD)
    page.wait_for_url("**/portal/")

    for label, url in pages:
        if label == "doctor-login":
            continue  # signed in, it redirects; scanned above
        response = page.goto(url)
        assert response is not None and response.status == 200, (label, url, response and response.status)
        _scan(page, label, problems)

    # The add-slot form, sent empty: its errors, at both widths.
    page.set_viewport_size(PHONE)
    page.goto("/portal/slots/")
    page.get_by_role("button", name="Add slot").click()
    page.wait_for_selector(".field__error")
    _scan(page, "portal-slots [form errors]", problems)

    # The calendar link page, shown once after a POST from the profile (when the portal has it).
    if _has_url("portal-calendar-renew"):
        page.goto(reverse("portal-profile"))
        page.get_by_role("button", name="Make my calendar link").click()
        page.wait_for_selector("[data-testid=feed-url]")
        _scan(page, "portal-calendar-renew [the new link]", problems)

    # The time off form, sent empty (when the portal has that page).
    if any(label == "portal-time-off" for label, _url in pages):
        page.goto(reverse("portal-time-off"))
        page.get_by_role("button", name="Add time off").click()
        page.wait_for_selector(".field__error, [data-error-summary]")
        _scan(page, "portal-time-off [form errors]", problems)

    assert not problems, "axe-core WCAG 2.1 A/AA violations:\n" + "\n".join(problems)

"""Shared Playwright fixtures for browser tests (loaded from conftest.py via `pytest_plugins`).

Debian's Chromium at /usr/bin/chromium, headless, against pytest-django's `live_server`; no browser download.

    @pytest.mark.browser
    def test_something(page, sign_in_doctor):
        doctor = DoctorFactory()
        sign_in_doctor(page, doctor)              # lands on /portal/
        page.goto("/portal/slots/")               # relative to live_server.url
        save_screenshot(page, "schedule-1280")    # test-artifacts/screenshots/schedule-1280.png

Fixtures: `browser` (session), `browser_context` (1280x900, base_url = live_server.url), `page`,
`sign_in_doctor` (a function). Helpers: `save_screenshot`, `SCREENSHOT_DIR`.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./scripts/ensure-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(browser: Browser, live_server: object) -> Iterator[BrowserContext]:
    # pytest-django turns DEBUG off, so the doctor_session cookie is Secure; Chromium accepts Secure
    # cookies from http://localhost (a secure context), which is what live_server serves.
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-IN")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: BrowserContext) -> Page:
    return browser_context.new_page()


def _sign_in(page: Page, doctor: object, password: str | None = None) -> None:
    from tests.doctors.factories import DOCTOR_PASSWORD

    page.goto("/auth/doctor/login")
    page.get_by_label("Email").fill(doctor.email)
    page.get_by_label("Password").fill(password or DOCTOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/")


@pytest.fixture
def sign_in_doctor() -> Callable[..., None]:
    """`sign_in_doctor(page, doctor, password=None)`: through the real sign-in form, ends on /portal/."""
    return _sign_in


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page PNG under test-artifacts/screenshots/ (git-ignored) for reviewers."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

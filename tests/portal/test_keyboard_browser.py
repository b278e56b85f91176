"""The doctor's day with the keyboard alone (Tab, Shift+Tab, Enter, Space, Escape; no mouse, no clicks): sign
in, skip to the content, confirm, complete, upload a prescription, cancel through the confirmation dialog (and
back out of it with Escape), add a slot (with a form error first), edit a slot, sign out. Every element that
takes the focus on the way shows it (tests/portal/keyboard.py). One sign-in, one page."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from appointments.models import Appointment, AppointmentStatus
from doctors.models import DoctorSlot
from prescriptions.models import Prescription
from tests.appointments.factories import AppointmentFactory, day_from_today
from tests.browser_fixtures import TIMEOUT_MS, save_screenshot
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory, DoctorSlotFactory
from tests.portal.axe import DESKTOP, axe_violations, describe
from tests.portal.keyboard import assert_focus_visible, focused, press_to_navigate, tab_to
from tests.prescriptions.sample_files import pdf_bytes
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def context(browser: Browser, live_server: object) -> Iterator[BrowserContext]:
    # en-GB: 24-hour time inputs (HH then MM), as the slot form's help text says.
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def _status(appointment: Appointment) -> str:
    appointment.refresh_from_db()
    return appointment.status


def _from_the_top(page: Page) -> None:
    """Skip link first (the first Tab of every page), then into the main content."""
    info = tab_to(page, "Skip to main content", exact=True)
    assert info["tag"] == "a"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


def test_the_doctors_day_with_the_keyboard_alone(context: BrowserContext, tmp_path: Path) -> None:
    doctor = DoctorFactory()
    pending = AppointmentFactory(
        doctor=doctor, user=UserFactory(name="Rohan Gupta"), status=AppointmentStatus.PENDING_CONFIRMATION
    )
    # 12:00 AM today: its visit window is open whatever the wall clock says (decision 0032)
    begun = AppointmentFactory(doctor=doctor, user=UserFactory(name="Priya Nair"), time_slot="12:00 AM")
    later = AppointmentFactory(
        doctor=doctor, user=UserFactory(name="Kabir Singh"), appointment_date=day_from_today(1), time_slot="10:00 AM"
    )
    slot = DoctorSlotFactory(doctor=doctor, day_of_week="Monday", start_time="09:00", end_time="12:00")
    scan = tmp_path / "prescription.pdf"
    scan.write_bytes(pdf_bytes())
    page = context.new_page()

    # Sign in.
    page.goto("/auth/doctor/login")
    assert focused(page)["id"] == "id_email"  # the form starts in the email field (autofocus)
    page.keyboard.type(doctor.email)
    tab_to(page, "Password")
    page.keyboard.type(DOCTOR_PASSWORD)
    press_to_navigate(page)
    page.wait_for_url("**/portal/")

    # Confirm from the day's list.
    _from_the_top(page)
    tab_to(page, "Confirm appointment with Rohan Gupta")
    press_to_navigate(page)
    expect(page.get_by_role("status")).to_contain_text("Appointment with Rohan Gupta confirmed.")
    assert _status(pending) == AppointmentStatus.CONFIRMED

    # Open a visit, mark it completed (Space on the button), upload its prescription.
    _from_the_top(page)
    tab_to(page, "Open appointment with Priya Nair")
    press_to_navigate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Nair")
    tab_to(page, "Mark as completed")
    press_to_navigate(page, "Space")
    expect(page.get_by_role("status")).to_contain_text("Appointment with Priya Nair marked as completed.")
    assert _status(begun) == AppointmentStatus.COMPLETED
    _from_the_top(page)
    tab_to(page, "Prescription file")
    _choose_file_with_space(page, scan)
    tab_to(page, "Diagnosis")
    page.keyboard.type("Seasonal flu")
    tab_to(page, "Upload prescription")
    press_to_navigate(page)
    expect(page.get_by_role("status")).to_contain_text("uploaded for Priya Nair")
    assert Prescription.objects.get(appointment=begun).diagnosis == "Seasonal flu"

    # Cancel another visit: the confirmation dialog, first backed out of with Escape.
    tab_to(page, "Appointments", exact=True)  # the nav
    press_to_navigate(page)
    _from_the_top(page)
    tab_to(page, "Open appointment with Kabir Singh")
    press_to_navigate(page)
    tab_to(page, "Cancel appointment")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Cancel this appointment?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Cancel the appointment with Kabir Singh?")
    info = focused(page)
    assert info["name"] == "Keep the appointment" and info["inDialog"]  # the safe answer first
    violations = axe_violations(page)
    assert not violations, "\n".join(describe("appointment page with the dialog open", violations))
    save_screenshot(page, "keyboard-cancel-dialog-1280")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert focused(page)["name"] == "Cancel appointment"  # the focus is back on the button that opened it
    assert _status(later) == AppointmentStatus.CONFIRMED
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # closed and opened again at once: the dialog still works
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    info = tab_to(page, "Yes, cancel it", backwards=True)
    assert info["inDialog"]
    press_to_navigate(page)
    expect(page.get_by_role("status")).to_contain_text("Appointment with Kabir Singh cancelled.")
    assert _status(later) == AppointmentStatus.CANCELLED

    # Add a slot: first sent without its times, the errors take the focus; then filled in.
    tab_to(page, "Schedule", exact=True)
    press_to_navigate(page)
    _from_the_top(page)
    tab_to(page, "Add a slot", exact=True)
    page.keyboard.press("Enter")  # to the form (#add-slot)
    tab_to(page, "Day")
    page.keyboard.type("Tuesday")
    tab_to(page, "Add slot", exact=True)
    press_to_navigate(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    save_screenshot(page, "keyboard-slot-form-errors-1280")
    expect(summary).to_have_attribute("role", "alert")
    starts = page.get_by_label("Starts")
    expect(starts).to_have_attribute("aria-invalid", "true")
    described_by = starts.get_attribute("aria-describedby") or ""
    assert "id_start_time_error" in described_by.split()
    expect(page.locator("#id_start_time_error")).to_have_text("This field is required.")
    tab_to(page, "Starts: This field is required.")  # the summary's link to the field
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_start_time"
    page.keyboard.type("1400")
    tab_to(page, "Ends")
    page.keyboard.type("1700")
    assert page.locator("#id_day_of_week").input_value() == "Tuesday"
    tab_to(page, "Add slot", exact=True)
    press_to_navigate(page)
    expect(page.get_by_role("status")).to_contain_text("Added Tuesday 14:00-17:00.")
    assert DoctorSlot.objects.filter(doctor=doctor, day_of_week="Tuesday", start_time="14:00").exists()

    # Edit the Monday slot's fee; Enter in a field sends the form.
    _from_the_top(page)
    tab_to(page, "Edit Monday 09:00 to 12:00")
    press_to_navigate(page)
    tab_to(page, "Fee")
    page.keyboard.press("Control+A")
    page.keyboard.type("900")
    press_to_navigate(page)
    expect(page.get_by_role("status")).to_contain_text("Saved Monday 09:00-12:00.")
    slot.refresh_from_db()
    assert slot.consultation_fee == 900

    # Sign out: back up from the content with Shift+Tab.
    _from_the_top(page)
    tab_to(page, "Sign out", backwards=True, exact=True)
    assert_focus_visible(focused(page))
    press_to_navigate(page)
    page.wait_for_url("**/auth/doctor/login")
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")


def _choose_file_with_space(page: Page, path: Path) -> None:
    """Space on the focused file input opens the chooser. On a loaded machine Chromium has once let the key
    press pass without opening it (a full CI run, never alone), so the press is given three tries, each with
    the focus checked to still be on the file input: the keyboard alone does it every time."""
    for attempt in range(3):
        assert (focused(page) or {}).get("name", "").startswith("Prescription file"), focused(page)
        try:
            with page.expect_file_chooser(timeout=TIMEOUT_MS // 3) as chooser:
                page.keyboard.press("Space")
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            continue
        chooser.value.set_files(str(path))
        return

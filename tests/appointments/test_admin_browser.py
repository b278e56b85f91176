"""The appointment list at 1366 px: date, time and status are on screen without scrolling sideways."""

import pytest
from playwright.sync_api import Page

from tests.appointments.factories import AppointmentFactory
from tests.browser_fixtures import save_screenshot
from tests.users.factories import DEFAULT_PASSWORD, StaffFactory
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}


def sign_in_staff(page: Page, role: str = Role.OPERATIONS) -> None:
    staff = StaffFactory(role=role)
    page.goto("/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_date_time_and_status_columns_fit_1366_px(page: Page) -> None:
    for _ in range(3):
        AppointmentFactory(patient_name="Lakshmi Venkataraman Subramaniam", clinic_name="Apollo Clinic, Sector 21")
    page.set_viewport_size(LAPTOP)
    sign_in_staff(page)
    page.goto("/admin/appointments/appointment/")
    for column in ("appointment_date", "time_slot", "status"):
        box = page.locator(f"th.column-{column}").bounding_box()
        assert box is not None, column
        assert box["x"] + box["width"] <= LAPTOP["width"], (column, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    save_screenshot(page, "admin-appointments-1366")

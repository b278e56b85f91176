"""The operations dashboard in a browser: the charts are drawn from the vendored Chart.js; a screenshot."""

from datetime import date

import pytest
from playwright.sync_api import Page

from appointments.models import Actor, AppointmentStatus
from tests.appointments.factories import AppointmentFactory
from tests.appointments.test_admin_browser import LAPTOP, sign_in_staff
from tests.browser_fixtures import save_screenshot
from tests.doctors.factories import DoctorSlotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_its_charts(page: Page) -> None:
    slot = DoctorSlotFactory(day_of_week="Monday")
    for day, status in [
        (6, AppointmentStatus.CONFIRMED),
        (6, AppointmentStatus.COMPLETED),
        (8, AppointmentStatus.CANCELLED),
    ]:
        AppointmentFactory(
            doctor=slot.doctor,
            appointment_date=date(2031, 1, day).isoformat(),
            status=status,
            cancelled_by=Actor.MEMBER if status == AppointmentStatus.CANCELLED else None,
            time_slot=f"{day + 2:02d}:00 AM",
        )
    page.set_viewport_size(LAPTOP)
    sign_in_staff(page)
    page.goto("/admin/")
    page.get_by_role("link", name="Operations dashboard").click()
    page.fill("#id_start", "2031-01-06")
    page.fill("#id_end", "2031-01-12")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("html[data-charts-drawn='true']")
    assert page.locator("#table-bookings_per_day tbody tr").count() == 7
    for chart in ("chart-bookings", "chart-cancellations", "chart-calls"):
        box = page.locator(f"#{chart}").bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, chart
    save_screenshot(page, "operations-dashboard")

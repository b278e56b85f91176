"""Adding time off in the portal, in a real browser (Chromium via Playwright): the booked visit inside it is
listed, the doctor cancels it, and it is gone from the confirmed visits. Saves a screenshot of each step."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from appointments.models import Actor, Appointment
from tests.appointments.conftest import TUESDAY
from tests.appointments.factories import AppointmentFactory
from tests.browser_fixtures import save_screenshot
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_doctor_adds_time_off_over_a_booking_and_cancels_it(page: Page, sign_in_doctor) -> None:
    day = date.fromisoformat(TUESDAY)  # the clock is frozen on Monday 2031-01-06 (tests/appointments/conftest.py)
    doctor = DoctorFactory(name="Dr. Vikas Mittal")
    DoctorSlotFactory(doctor=doctor, day_of_week=day.strftime("%A"))
    booked = AppointmentFactory(
        doctor=doctor,
        user=UserFactory(name="Priya Nair"),
        appointment_date=day.isoformat(),
        time_slot="10:00 AM",
    )
    sign_in_doctor(page, doctor)

    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Time off").click()
    page.wait_for_url("**/portal/time-off/")
    form = page.locator("#add-time-off")
    form.locator("#id_start_date").fill(day.isoformat())
    form.locator("#id_end_date").fill(day.isoformat())
    form.locator("#id_reason").fill("Medical conference")
    form.get_by_role("button", name="Add time off").click()

    affected = page.locator("#affected")
    expect(affected).to_contain_text("1 booked appointment falls inside this time off")
    expect(affected).to_contain_text("Priya Nair")
    save_screenshot(page, "time-off-affected-1280")
    affected.get_by_label("Cancel them all").check()
    page.get_by_role("button", name="Save time off").click()

    expect(page.get_by_role("status")).to_contain_text("1 appointment(s) cancelled")
    expect(page.locator("#time-off-list")).to_contain_text("Medical conference")
    save_screenshot(page, "time-off-saved-1280")
    cancelled = Appointment.objects.get(pk=booked.pk)
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancellation_reason) == (
        "CANCELLED",
        Actor.DOCTOR,
        "Medical conference",
    )

    page.goto(f"/portal/appointments/?status=CONFIRMED&date={day.isoformat()}")
    expect(page.locator("main")).not_to_contain_text("Priya Nair")

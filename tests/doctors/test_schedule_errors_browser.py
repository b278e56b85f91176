"""In a real browser: after a refused action on the schedule page, the reason is in the viewport, next to the
form the doctor used (the page is long: a full week of slots, the add form at the bottom)."""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core import clock
from doctors.schedule.services import MSG_SLOT_HAS_APPOINTMENTS
from tests.appointments.factories import AppointmentFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _full_week():
    doctor = DoctorFactory(name="Dr. Vikas Mittal")
    slots = {}
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        for start, end in (("09:00", "10:00"), ("11:00", "12:00"), ("14:00", "15:00")):
            slots[(day, start)] = DoctorSlotFactory(doctor=doctor, day_of_week=day, start_time=start, end_time=end)
    return doctor, slots


def test_a_refused_removal_and_an_overlap_show_in_view_next_to_their_form(
    page: Page, sign_in_doctor, tmp_path: Path
) -> None:
    doctor, slots = _full_week()
    held = slots[("Saturday", "14:00")]
    today = clock.local_today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    AppointmentFactory(doctor=doctor, slot_id=held.pk, appointment_date=saturday.isoformat(), time_slot="02:00 PM")
    sign_in_doctor(page, doctor)

    page.goto("/portal/slots/")
    page.get_by_role("button", name="Remove Saturday 14:00 to 15:00").click()
    page.get_by_role("dialog", name="Remove this slot?").get_by_role("button", name="Remove it").click()
    page.wait_for_url(f"**/portal/slots/#slot-{held.pk}")
    refusal = page.locator(f"#slot-{held.pk}").get_by_role("alert")
    expect(refusal).to_have_text(MSG_SLOT_HAS_APPOINTMENTS)
    expect(refusal).to_be_in_viewport()
    expect(
        page.locator(f"#slot-{held.pk}").get_by_role("button", name="Remove Saturday 14:00 to 15:00")
    ).to_be_in_viewport()
    page.screenshot(path=str(tmp_path / "schedule-refused-removal.png"))

    page.goto("/portal/slots/")
    form = page.locator("#add-slot")
    form.get_by_label("Day").select_option("Tuesday")
    form.get_by_label("Starts").fill("09:30")
    form.get_by_label("Ends").fill("10:30")
    form.get_by_label("Fee (₹)").fill("700")
    form.get_by_role("button", name="Add slot").click()
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("This time overlaps your active Tuesday slot 09:00-10:00")
    expect(alert).to_be_in_viewport()
    expect(form.get_by_role("button", name="Add slot")).to_be_in_viewport()
    page.screenshot(path=str(tmp_path / "schedule-overlap.png"))

"""The week view in a real browser: the whole week at desktop width, one day at a time on a phone (chosen with
the day switcher, no script), a visit opened from it. Screenshots go to the test's tmp dir."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from appointments.models import Actor, AppointmentStatus
from appointments.services.time_off import Actorship, time_off_add
from core import clock
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.browser_fixtures import DESKTOP
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


def _doctor_with_a_week():
    doctor = DoctorFactory(name="Dr. Vikas Mittal")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        DoctorSlotFactory(doctor=doctor, day_of_week=day, start_time="09:00", end_time="12:00", max_patients=2)
    monday = clock.local_today() - timedelta(days=clock.local_today().weekday())
    tuesday, thursday = monday + timedelta(days=1), monday + timedelta(days=3)
    AppointmentFactory(
        doctor=doctor, user=UserFactory(name="Aarav Sharma"), appointment_date=tuesday.isoformat(), time_slot="10:00 AM"
    )
    OnlineAppointmentFactory(
        doctor=doctor,
        user=UserFactory(name="Meera Iyer"),
        appointment_date=thursday.isoformat(),
        time_slot="11:30 AM",
        status=AppointmentStatus.PENDING_CONFIRMATION,
    )
    time_off_add(
        doctor=doctor,
        by=Actorship(actor=Actor.DOCTOR, id=doctor.doctor_id),
        start_date=(monday + timedelta(days=2)).isoformat(),
        end_date=(monday + timedelta(days=2)).isoformat(),
        start_time="10:00 AM",
        end_time="11:00 AM",
        reason="Hospital rounds",
    )
    return doctor, monday


def test_the_week_at_desktop_and_phone_widths(page: Page, sign_in_doctor: Callable, tmp_path: Path) -> None:
    doctor, monday = _doctor_with_a_week()
    tuesday = monday + timedelta(days=1)
    sign_in_doctor(page, doctor)

    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Week", exact=True).click()
    page.wait_for_url("**/portal/week/")
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_count(8)  # the time column and seven days
    expect(table.get_by_role("link", name="Aarav Sharma", exact=True)).to_be_visible()
    expect(table.get_by_role("link", name="Meera Iyer", exact=True)).to_be_visible()
    expect(table.get_by_text("Pending confirmation")).to_be_visible()  # status in words, not colour alone
    expect(table.get_by_text("Hospital rounds")).to_be_visible()
    expect(table.get_by_text("Time off", exact=True).nth(1)).to_be_visible()  # a covered cell says so
    for name in ("Monday", "Friday", "Sunday"):
        expect(table.get_by_role("columnheader", name=name)).to_be_visible()
    page.screenshot(path=str(tmp_path / "week-desktop.png"), full_page=True)

    friday = (monday + timedelta(days=4)).isoformat()
    page.get_by_role("link", name="Add time off on Friday").click()
    page.wait_for_url(f"**/portal/time-off/?date={friday}#add-time-off")
    expect(page.locator("#id_start_date")).to_have_value(friday)
    page.go_back()

    page.get_by_role("link", name="Next week →").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week of")
    expect(page.get_by_role("link", name="Aarav Sharma", exact=True)).to_have_count(0)
    page.get_by_role("link", name="This week").click()
    expect(page.get_by_role("link", name="Aarav Sharma", exact=True)).to_be_visible()

    page.set_viewport_size(PHONE)
    page.goto(f"/portal/week/?week={monday.isoformat()}&day={tuesday.isoformat()}")
    expect(page.get_by_role("link", name="Aarav Sharma", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Meera Iyer", exact=True)).to_be_hidden()  # Thursday's column is not shown
    expect(page.get_by_role("columnheader", name="Monday")).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(tmp_path / "week-phone-tuesday.png"), full_page=True)

    days = page.get_by_role("navigation", name="Days of this week")
    days.get_by_role("link", name=f"Thu {(monday + timedelta(days=3)).day}").click()
    expect(page.get_by_role("link", name="Meera Iyer", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Aarav Sharma", exact=True)).to_be_hidden()
    page.screenshot(path=str(tmp_path / "week-phone-thursday.png"), full_page=True)

    page.get_by_role("link", name="Meera Iyer", exact=True).click()
    page.wait_for_url("**/portal/appointments/*/")
    expect(page.get_by_text("Meera Iyer").first).to_be_visible()

    page.go_back()
    page.get_by_role("link", name="Reschedule the visit of Meera Iyer", exact=False).click()
    page.wait_for_url("**/portal/appointments/*/reschedule/")
    assert list(tmp_path.glob("week-*.png"))

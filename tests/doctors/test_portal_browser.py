"""The doctor portal in a real browser (Chromium via Playwright): sign in, the day, confirm, add a slot,
wrong password, sign out. Also saves screenshots of the dashboard and schedule at 1280 and 768 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from appointments.models import AppointmentStatus
from doctors.auth.services import MSG_INVALID_CREDENTIALS
from doctors.auth.sessions import COOKIE_NAME
from doctors.models import DoctorSlot
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.browser_fixtures import DESKTOP, TABLET, save_screenshot
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

P, C, D, X = (
    AppointmentStatus.PENDING_CONFIRMATION,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.CANCELLED,
)


def _day(offset: int) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def _patient(name: str, member_id: str) -> object:
    return UserFactory(name=name, member_id=member_id)


def _busy_doctor():
    """A doctor with a realistic day, two weeks ahead and a weekly schedule at two clinics."""
    first = ClinicFactory(name="Max Healthcare, Saket", city="Delhi (NCR)")
    second = ClinicFactory(name="Apollo Clinic, Dwarka", city="Delhi (NCR)")
    doctor = DoctorFactory(
        name="Dr. Vikas Mittal",
        email="dr.vikas@example.com",
        specialty="General Physician",
        clinics=[clinic_entry(first, 1000), clinic_entry(second, 800)],
    )
    day = [
        ("09:30 AM", "Aarav Sharma", "USR001", D, True, None),
        ("10:00 AM", "Priya Nair", "USR002", C, False, None),
        ("11:30 AM", "Rohan Gupta", "USR003", P, False, None),
        ("12:30 PM", "Meera Iyer", "USR004", C, False, "online"),
        ("04:00 PM", "Kabir Singh", "USR005", X, False, None),
    ]
    for time_slot, name, member_id, status, has_rx, kind in day:
        factory = OnlineAppointmentFactory if kind == "online" else AppointmentFactory
        factory(
            doctor=doctor,
            user=_patient(name, member_id),
            appointment_date=_day(0),
            time_slot=time_slot,
            status=status,
            has_prescription=has_rx,
        )
    for offset, time_slot, name, member_id, status in [
        (1, "10:30 AM", "Ananya Reddy", "USR006", P),
        (2, "09:00 AM", "Vihaan Kapoor", "USR007", C),
        (4, "05:30 PM", "Isha Verma", "USR008", C),
    ]:
        AppointmentFactory(
            doctor=doctor,
            user=_patient(name, member_id),
            appointment_date=_day(offset),
            time_slot=time_slot,
            status=status,
        )
    clinic_a, clinic_b = first, second
    for day_name, start, end, clinic, kind in [
        ("Monday", "09:00", "13:00", clinic_a, "IN_CLINIC"),
        ("Monday", "17:00", "19:00", clinic_b, "BOTH"),
        ("Tuesday", "10:00", "12:00", clinic_a, "ONLINE"),
        ("Wednesday", "09:00", "13:00", clinic_a, "IN_CLINIC"),
        ("Thursday", "15:00", "18:00", clinic_b, "BOTH"),
        ("Friday", "09:00", "12:00", clinic_a, "IN_CLINIC"),
        ("Saturday", "10:00", "13:00", clinic_b, "ONLINE"),
    ]:
        DoctorSlotFactory(
            doctor=doctor,
            clinic=clinic,
            day_of_week=day_name,
            start_time=start,
            end_time=end,
            consultation_type=kind,
            consultation_fee=1000 if clinic is clinic_a else 800,
        )
    DoctorSlotFactory(
        doctor=doctor,
        clinic=clinic_b,
        day_of_week="Friday",
        start_time="16:00",
        end_time="18:00",
        consultation_type="IN_CLINIC",
        consultation_fee=800,
        is_active=False,
    )
    return doctor


def test_doctor_signs_in_and_sees_the_days_appointments(page: Page, sign_in_doctor) -> None:
    doctor = DoctorFactory()
    AppointmentFactory(doctor=doctor, user=_patient("Priya Nair", "USR002"), time_slot="10:00 AM")
    AppointmentFactory(user=_patient("Not Mine", "USR099"))  # another doctor's
    sign_in_doctor(page, doctor)
    today = page.get_by_role("region", name="Today")
    expect(today.get_by_role("link", name="Priya Nair", exact=True)).to_be_visible()
    expect(today.get_by_text("10:00 AM")).to_be_visible()
    expect(page.get_by_text("Not Mine")).to_have_count(0)
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"


def test_doctor_confirms_an_appointment(page: Page, sign_in_doctor) -> None:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor, user=_patient("Rohan Gupta", "USR003"), status=P)
    sign_in_doctor(page, doctor)
    page.get_by_role("link", name="Rohan Gupta", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rohan Gupta")
    expect(page.get_by_role("button", name="Mark as completed")).to_have_count(0)
    page.get_by_role("button", name="Confirm appointment").click()
    expect(page.get_by_role("status")).to_contain_text("Appointment with Rohan Gupta confirmed.")
    expect(page.locator(".page-subtitle .badge")).to_have_text("Status: Confirmed")  # "Status: " for screen readers
    expect(page.get_by_role("button", name="Confirm appointment")).to_have_count(0)
    appointment.refresh_from_db()
    assert appointment.status == C


def test_doctor_adds_a_weekly_slot(page: Page, sign_in_doctor) -> None:
    doctor = DoctorFactory()
    sign_in_doctor(page, doctor)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Schedule").click()
    expect(page.get_by_text("Your week is empty")).to_be_visible()
    form = page.locator("#add-slot")
    form.get_by_label("Day").select_option("Thursday")
    form.get_by_label("Clinic").select_option(doctor.clinics[0].clinic_id)
    form.get_by_label("Starts").fill("14:00")
    form.get_by_label("Ends").fill("17:30")
    form.get_by_label("Consultation type").select_option("ONLINE")
    form.get_by_label("Fee").fill("750")
    form.get_by_role("button", name="Add slot").click()
    expect(page.get_by_role("status")).to_contain_text("Added Thursday 14:00-17:30.")
    thursday = page.locator("#day-Thursday")
    expect(thursday).to_contain_text("14:00\u201317:30")
    expect(thursday).to_contain_text("Online")
    slot = DoctorSlot.objects.get(doctor_id=doctor.doctor_id)
    assert (slot.day_of_week, slot.start_time, slot.end_time) == ("Thursday", "14:00", "17:30")
    assert slot.consultation_fee == 750


def test_overlapping_slot_is_refused_in_the_browser(page: Page, sign_in_doctor) -> None:
    doctor = DoctorFactory()
    DoctorSlotFactory(doctor=doctor, day_of_week="Monday", start_time="09:00", end_time="12:00")
    sign_in_doctor(page, doctor)
    page.goto("/portal/slots/")
    form = page.locator("#add-slot")
    form.get_by_label("Day").select_option("Monday")
    form.get_by_label("Starts").fill("11:00")
    form.get_by_label("Ends").fill("13:00")
    form.get_by_role("button", name="Add slot").click()
    expect(page.get_by_role("alert")).to_contain_text("This time overlaps your active Monday slot 09:00-12:00")
    assert DoctorSlot.objects.filter(doctor_id=doctor.doctor_id).count() == 1


def test_wrong_password_is_refused(page: Page) -> None:
    doctor = DoctorFactory()
    page.goto("/auth/doctor/login")
    page.get_by_label("Email").fill(doctor.email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(MSG_INVALID_CREDENTIALS)
    save_screenshot(page, "sign-in-refused-1280")
    assert "/auth/doctor/login" in page.url
    assert not [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    page.goto("/portal/")
    expect(page).to_have_url(f"{page.url.split('/auth')[0]}/auth/doctor/login?next=/portal/")


def test_portal_is_closed_after_sign_out(page: Page, sign_in_doctor, browser) -> None:
    doctor = DoctorFactory()
    sign_in_doctor(page, doctor)
    copied = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/portal/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # Someone who copied the cookie before sign-out gets nowhere either.
    thief = browser.new_context(base_url=page.url.split("/auth")[0])
    thief.add_cookies(copied)
    thief_page = thief.new_page()
    thief_page.goto("/portal/")
    expect(thief_page.get_by_role("heading", name="Sign in")).to_be_visible()
    thief.close()


def test_sign_in_form_is_keyboard_friendly(page: Page) -> None:
    doctor = DoctorFactory()
    page.goto("/auth/doctor/login")
    expect(page.get_by_label("Email")).to_be_focused()  # autofocus
    page.keyboard.type(doctor.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("doctor-portal-pass")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/")


def test_screenshots_of_the_dashboard_and_schedule(page: Page, sign_in_doctor) -> None:
    doctor = _busy_doctor()
    sign_in_doctor(page, doctor)
    for label, viewport in (("1280", DESKTOP), ("768", TABLET)):
        page.set_viewport_size(viewport)
        page.goto("/portal/")
        expect(page.get_by_role("link", name="Priya Nair", exact=True)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scroll
        save_screenshot(page, f"dashboard-{label}")
        page.goto("/portal/slots/")
        expect(page.locator("#day-Monday")).to_contain_text("09:00\u201313:00")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        save_screenshot(page, f"schedule-{label}")
        page.goto("/portal/appointments/")
        save_screenshot(page, f"appointments-{label}")
        page.get_by_role("link", name="Rohan Gupta", exact=True).first.click()
        save_screenshot(page, f"appointment-{label}")
    page.goto("/portal/profile/")
    save_screenshot(page, "profile-768")

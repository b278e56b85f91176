"""In a real browser: the dashboard's "what is new", and a doctor making their calendar link and subscribing to it."""

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from appointments.models import Actor
from appointments.services.workflow import appointment_cancel
from tests.appointments.conftest import NEXT_MONDAY
from tests.browser_fixtures import save_screenshot
from tests.doctors.factories import DoctorSlotFactory
from tests.notifications.factories import book
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_doctor_sees_what_is_new_and_subscribes_to_the_calendar(page: Page, sign_in_doctor: object) -> None:
    slot = DoctorSlotFactory(max_patients=3, doctor__requires_confirmation=True, doctor__name="Dr. Asha Rao")
    day = NEXT_MONDAY  # the clock is frozen on the Monday before (tests/notifications/conftest.py)
    book(slot=slot, user=UserFactory(name="Meera Iyer"), day=day)
    gone = book(slot=slot, user=UserFactory(name="Ravi Kumar"), day=day, time_slot="11:00 AM")
    appointment_cancel(appointment=gone, by=Actor.MEMBER, reason="Feeling better")

    sign_in_doctor(page, slot.doctor)  # type: ignore[operator]
    news = page.get_by_test_id("whats-new")
    expect(news.get_by_role("link", name="Meera Iyer")).to_be_visible()
    expect(news).to_contain_text("Ravi Kumar")
    expect(news).to_contain_text("Feeling better")
    save_screenshot(page, "dashboard-whats-new-1280")

    page.goto("/portal/profile/")
    card = page.get_by_test_id("calendar-feed")
    card.get_by_role("button", name="Make my calendar link").click()
    url = page.get_by_test_id("feed-url").input_value()
    save_screenshot(page, "calendar-link-1280")
    answer = page.request.get(url)
    assert answer.status == 200
    events = Calendar.from_ical(answer.body()).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Visit: Meera (to confirm)"]

    page.goto("/portal/profile/")
    page.get_by_test_id("calendar-feed").get_by_role("button", name="Turn the link off").click()
    expect(page.get_by_role("status")).to_contain_text("no longer works")
    assert page.request.get(url).status == 404

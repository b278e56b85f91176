"""The portal schedule shows each outcome next to what the doctor just used (core/portal_errors.py, anchored
messages): a refused removal on its slot, an overlap on the add form, a success on its day."""

from datetime import timedelta

import pytest
from django.test import Client

from core import clock
from doctors.models import Doctor
from doctors.schedule.portal_views import MSG_SLOT_ADDED, MSG_SLOT_REMOVED
from doctors.schedule.services import MSG_SLOT_HAS_APPOINTMENTS, MSG_SLOT_OVERLAP
from tests.appointments.factories import AppointmentFactory
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor() -> Doctor:
    return DoctorFactory()


@pytest.fixture
def client(doctor: Doctor) -> Client:
    return doctor_portal_client(doctor)


def _section(html: str, element_id: str) -> str:
    """The markup from the element with `element_id` to the end of its list item or section."""
    start = html.index(f'id="{element_id}"')
    return html[start : start + 6000]


def test_a_refused_removal_lands_on_its_slot_with_the_reason_there(doctor: Doctor, client: Client) -> None:
    slot = DoctorSlotFactory(doctor=doctor, day_of_week="Sunday", start_time="10:00", end_time="11:00")
    sunday = clock.local_today() + timedelta(days=(6 - clock.local_today().weekday()) % 7 or 7)
    AppointmentFactory(doctor=doctor, slot_id=slot.pk, appointment_date=sunday.isoformat(), time_slot="10:00 AM")
    response = client.post(f"/portal/slots/{slot.pk}/delete/")
    assert response["Location"] == f"/portal/slots/#slot-{slot.pk}"
    html = client.get("/portal/slots/").content.decode()
    top = html.split('<div class="page-header">', 1)[0]
    assert MSG_SLOT_HAS_APPOINTMENTS not in top  # not at the top of the page, out of sight
    slot_markup = _section(html, f"slot-{slot.pk}").split("</li>", 1)[0]
    assert f'role="alert">{MSG_SLOT_HAS_APPOINTMENTS}' in slot_markup.replace("&#x27;", "'")


def test_a_removal_s_success_shows_on_its_day(doctor: Doctor, client: Client) -> None:
    slot = DoctorSlotFactory(doctor=doctor, day_of_week="Friday", start_time="16:00", end_time="17:00")
    response = client.post(f"/portal/slots/{slot.pk}/delete/")
    assert response["Location"] == "/portal/slots/#day-Friday"
    html = client.get("/portal/slots/").content.decode()
    day = _section(html, "day-Friday").split("</section>", 1)[0]
    assert MSG_SLOT_REMOVED.format(day="Friday", start="16:00", end="17:00") in day


def test_an_added_slot_s_success_shows_on_its_day(doctor: Doctor, client: Client) -> None:
    form = {
        "clinic_id": doctor.clinics[0].clinic_id,
        "day_of_week": "Wednesday",
        "start_time": "10:00",
        "end_time": "11:00",
        "slot_duration": 30,
        "max_patients": 1,
        "consultation_fee": 700,
        "consultation_type": "BOTH",
        "is_active": "on",
    }
    response = client.post("/portal/slots/", form)
    assert response["Location"] == "/portal/slots/#day-Wednesday"
    html = client.get("/portal/slots/").content.decode()
    day = _section(html, "day-Wednesday").split("</section>", 1)[0]
    assert MSG_SLOT_ADDED.format(day="Wednesday", start="10:00", end="11:00") in day


def test_an_overlap_shows_on_the_add_form_which_the_page_opens_at(doctor: Doctor, client: Client) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Wednesday", start_time="10:00", end_time="12:00")
    html = client.get("/portal/slots/").content.decode()
    assert 'action="/portal/slots/#add-slot"' in html  # the answer opens scrolled to the form
    form = {
        "clinic_id": doctor.clinics[0].clinic_id,
        "day_of_week": "Wednesday",
        "start_time": "11:00",
        "end_time": "13:00",
        "slot_duration": 30,
        "max_patients": 1,
        "consultation_fee": 700,
        "consultation_type": "BOTH",
        "is_active": "on",
    }
    response = client.post("/portal/slots/", form)
    assert response.status_code == 409
    form_markup = _section(response.content.decode(), "add-slot")
    overlap = MSG_SLOT_OVERLAP.format(day="Wednesday", start="10:00", end="12:00", clinic=doctor.clinics[0].name)
    assert overlap in form_markup.split("</form>", 1)[0]

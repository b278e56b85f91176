"""The portal's reschedule page (portal-appointment-reschedule): the date's free times, the move, and the
refusals shown on the form."""

import pytest
from django.test import Client
from django.urls import reverse

from appointments.models import Actor, Appointment
from appointments.selectors import MSG_DATE_IN_PAST
from appointments.services.booking import MSG_SLOT_FULL, appointment_book
from tests.appointments.conftest import MONDAY
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(doctor) -> Appointment:
    slot = DoctorSlotFactory(doctor=doctor, start_time="09:00", end_time="11:00")
    return appointment_book(
        user=UserFactory(name="Asha Rao"),
        doctor_id=doctor.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=MONDAY,
        time_slot="09:00 AM",
        clinic_id=slot.clinic_id,
    )


@pytest.fixture
def client(doctor) -> Client:
    return doctor_portal_client(doctor)


def url(appointment: Appointment) -> str:
    return reverse("portal-appointment-reschedule", args=[appointment.pk])


def test_the_detail_page_links_to_the_reschedule_page(client, visit) -> None:
    html = client.get(reverse("portal-appointment-detail", args=[visit.pk])).content.decode()
    assert url(visit) in html


def test_the_page_lists_the_dates_free_times(client, visit, doctor) -> None:
    appointment_book(
        user=UserFactory(),
        doctor_id=doctor.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=MONDAY,
        time_slot="10:00 AM",
        clinic_id=visit.clinic_id,
    )
    html = client.get(url(visit), {"date": MONDAY}).content.decode()
    assert '<option value="09:30 AM">' in html and '<option value="10:30 AM">' in html
    assert '<option value="10:00 AM">' not in html  # taken


def test_the_doctor_moves_the_visit(client, visit) -> None:
    response = client.post(url(visit), {"date": MONDAY, "time_slot": "10:30 AM"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal-appointment-detail", args=[visit.pk])
    visit.refresh_from_db()
    assert (visit.time_slot, visit.rescheduled_by, visit.rescheduled_from.time_slot) == (
        "10:30 AM",
        Actor.DOCTOR,
        "09:00 AM",
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Moved from" in detail and "moved to 2031-01-06 at 10:30 AM" in detail


def test_a_full_time_is_refused_on_the_form(client, visit, doctor) -> None:
    appointment_book(
        user=UserFactory(),
        doctor_id=doctor.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=MONDAY,
        time_slot="10:00 AM",
        clinic_id=visit.clinic_id,
    )
    response = client.post(url(visit), {"date": MONDAY, "time_slot": "10:00 AM"})
    assert response.status_code == 409
    assert MSG_SLOT_FULL in response.content.decode()
    assert 'id="reschedule-form"' in response.content.decode()
    visit.refresh_from_db()
    assert (visit.time_slot, visit.place_number) == ("09:00 AM", 1)


def test_a_past_date_is_refused_next_to_the_date(client, visit) -> None:
    response = client.post(url(visit), {"date": "2031-01-05", "time_slot": "10:00 AM"})
    assert response.status_code == 400
    html = response.content.decode()
    assert MSG_DATE_IN_PAST in html and 'id="id_date_error"' in html


def test_another_doctors_visit_is_404(visit) -> None:
    other = doctor_portal_client(DoctorFactory())
    assert other.get(url(visit)).status_code == 404
    assert other.post(url(visit), {"date": MONDAY, "time_slot": "10:30 AM"}).status_code == 404

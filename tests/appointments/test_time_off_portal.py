"""The portal's time off page (docs/portal.md, Time off and extra hours)."""

import pytest
from django.test import Client
from django.urls import reverse

from appointments.models import Actor, Appointment
from doctors.models import DoctorSlot, ScheduleException
from tests.appointments.conftest import TUESDAY
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory

pytestmark = pytest.mark.django_db

URL = "/portal/time-off/"


@pytest.fixture
def slot() -> DoctorSlot:
    doctor = DoctorFactory(doctor_id="DOC001", name="Dr. Vikas Mittal")
    return DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday")


@pytest.fixture
def portal(slot: DoctorSlot) -> Client:
    return doctor_portal_client(slot.doctor)


def form(**more: str) -> dict:
    return {"start_date": TUESDAY, "end_date": TUESDAY, "reason": "Conference", **more}


def test_the_page_is_named_in_the_nav_and_prefills_from_date(portal: Client) -> None:
    assert reverse("portal-time-off") == URL
    page = portal.get(URL, {"date": TUESDAY}).content.decode()
    assert f'href="{URL}" aria-current="page">Time off' in page
    assert f'name="start_date" value="{TUESDAY}"' in page
    assert f'name="end_date" value="{TUESDAY}"' in page
    assert 'value="not-a-date"' not in portal.get(URL, {"date": "not-a-date"}).content.decode()


def test_add_time_off_without_bookings_saves_it(portal: Client, slot: DoctorSlot) -> None:
    response = portal.post(URL, form(start_time="14:00", end_time="17:00", clinic_id=slot.clinic_id))
    assert response.status_code == 302
    saved = ScheduleException.objects.get()
    assert (saved.start_time, saved.end_time, saved.clinic_id, saved.created_by_role) == (
        "02:00 PM",
        "05:00 PM",
        slot.clinic_id,
        "DOCTOR",
    )
    page = portal.get(URL).content.decode()
    assert "Time off saved: 2031-01-07, 02:00 PM-05:00 PM." in page
    assert f'data-time-off="{saved.pk}"' in page


def test_covered_bookings_show_a_second_step_listing_them(portal: Client, slot: DoctorSlot) -> None:
    appointment = AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, patient_name="Asha Rao")
    response = portal.post(URL, form())
    assert response.status_code == 409
    page = response.content.decode()
    assert f'data-affected="{appointment.pk}"' in page
    assert "Asha Rao" in page
    assert f'name="choice_{appointment.pk}"' in page
    assert not ScheduleException.objects.exists()


def test_second_step_per_appointment_choices(portal: Client, slot: DoctorSlot) -> None:
    keep = AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="10:00 AM")
    cancel = OnlineAppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="11:00 AM")
    choices = {"affected": "each", f"choice_{keep.pk}": "keep", f"choice_{cancel.pk}": "cancel"}
    response = portal.post(URL, form(**choices))
    assert response.status_code == 302
    saved = ScheduleException.objects.get()
    assert (saved.affected_decision, saved.kept_appointment_ids) == ("each", [keep.pk])
    cancelled = Appointment.objects.get(pk=cancel.pk)
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancellation_reason) == (
        "CANCELLED",
        Actor.DOCTOR,
        "Conference",
    )
    assert Appointment.objects.get(pk=keep.pk).status == "CONFIRMED"
    assert "1 appointment(s) cancelled" in portal.get(URL).content.decode()


def test_second_step_cancel_all(portal: Client, slot: DoctorSlot) -> None:
    AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="10:00 AM")
    assert portal.post(URL, form(affected="cancel")).status_code == 302
    assert set(Appointment.objects.values_list("status", flat=True)) == {"CANCELLED"}


def test_errors_are_shown_next_to_the_form(portal: Client) -> None:
    response = portal.post(URL, form(end_date="2031-01-06", reason=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page  # reason: the form's own check
    response = portal.post(URL, form(end_date="2031-01-06"))
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    assert 'action="/portal/time-off/#add-time-off"' in response.content.decode()


def test_extra_hours_add_and_remove(portal: Client, slot: DoctorSlot) -> None:
    fields = {
        "date": "2031-01-08",
        "clinic_id": slot.clinic_id,
        "start_time": "17:00",
        "end_time": "18:00",
        "consultation_type": "IN_CLINIC",
        "consultation_fee": "800",
        "slot_duration": "30",
        "max_patients": "1",
    }
    assert portal.post(reverse("portal-extra-hours"), fields).status_code == 302
    extra = ScheduleException.objects.get(kind="EXTRA_HOURS")
    assert 'data-extra-hours="' in portal.get(URL).content.decode()
    refused = portal.post(reverse("portal-extra-hours"), {**fields, "end_time": "16:00"})
    assert refused.status_code == 400
    assert "End time must be after start time." in refused.content.decode()
    assert portal.post(reverse("portal-extra-hours-delete", args=[extra.pk])).status_code == 302
    assert not ScheduleException.objects.exists()


def test_delete_time_off_and_another_doctors_is_404(portal: Client, slot: DoctorSlot) -> None:
    portal.post(URL, form())
    mine = ScheduleException.objects.get()
    theirs = ScheduleException.objects.create(
        doctor=DoctorFactory(),
        kind="TIME_OFF",
        start_date=TUESDAY,
        end_date=TUESDAY,
        reason="Leave",
        created_by_role="DOCTOR",
        created_by_id="x",
    )
    assert portal.post(reverse("portal-time-off-delete", args=[theirs.pk])).status_code == 404
    assert portal.post(reverse("portal-time-off-delete", args=[mine.pk])).status_code == 302
    assert list(ScheduleException.objects.values_list("pk", flat=True)) == [theirs.pk]

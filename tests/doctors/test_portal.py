"""Doctor portal: the weekly schedule (add, edit, deactivate, activate, remove) and the profile page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from appointments.models import AppointmentStatus
from doctors.models import MSG_END_AFTER_START, DoctorSlot
from doctors.schedule.portal_views import MSG_SLOT_ADDED, MSG_SLOT_DEACTIVATED, MSG_SLOT_REMOVED
from doctors.schedule.services import MSG_SLOT_HAS_APPOINTMENTS, MSG_SLOT_OVERLAP
from tests.appointments.factories import AppointmentFactory
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor():
    return DoctorFactory()


@pytest.fixture
def client(doctor) -> Client:
    return doctor_portal_client(doctor)


def _form(doctor, **overrides) -> dict:
    return {
        "clinic_id": doctor.clinics[0].clinic_id,
        "day_of_week": "Wednesday",
        "start_time": "10:00",
        "end_time": "13:00",
        "slot_duration": 15,
        "max_patients": 1,
        "consultation_fee": 700,
        "consultation_type": "BOTH",
        "is_active": "on",
        **overrides,
    }


def test_schedule_shows_the_week_with_each_slot(doctor, client) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Friday", start_time="16:00", end_time="18:00")
    html = client.get("/portal/slots/").content.decode()
    for day in ("Monday", "Sunday"):
        assert f'id="day-{day}"' in html
    assert "16:00\u201318:00" in html  # en dash


def test_schedule_has_an_empty_state(client) -> None:
    assert "Your week is empty" in client.get("/portal/slots/").content.decode()


def test_schedule_form_has_labels_for_every_field(client) -> None:
    html = client.get("/portal/slots/").content.decode()
    for name in ("clinic_id", "day_of_week", "start_time", "end_time", "consultation_type", "consultation_fee"):
        assert f'<label for="id_{name}">' in html


def test_add_slot_from_the_form(doctor, client) -> None:
    response = client.post("/portal/slots/", _form(doctor), follow=True)
    slot = DoctorSlot.objects.get(doctor_id=doctor.doctor_id)
    assert (slot.day_of_week, slot.start_time, slot.end_time, slot.slot_duration) == ("Wednesday", "10:00", "13:00", 15)
    assert MSG_SLOT_ADDED.format(day="Wednesday", start="10:00", end="13:00") in response.content.decode()


def test_add_slot_with_end_before_start_shows_the_field_error(doctor, client) -> None:
    response = client.post("/portal/slots/", _form(doctor, start_time="13:00", end_time="10:00"))
    assert response.status_code == 400
    assert MSG_END_AFTER_START in response.content.decode()
    assert not DoctorSlot.objects.exists()


def test_add_overlapping_slot_shows_the_conflict(doctor, client) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Wednesday", start_time="09:00", end_time="11:00")
    response = client.post("/portal/slots/", _form(doctor))
    assert response.status_code == 409
    message = MSG_SLOT_OVERLAP.format(day="Wednesday", start="09:00", end="11:00", clinic=doctor.clinics[0].name)
    assert message in response.content.decode()
    assert DoctorSlot.objects.count() == 1


def test_add_slot_at_a_clinic_not_on_the_profile_is_refused(doctor, client) -> None:
    response = client.post("/portal/slots/", _form(doctor, clinic_id="CLINIC999"))
    assert response.status_code == 400
    assert not DoctorSlot.objects.exists()


def test_edit_slot(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    assert client.get(f"/portal/slots/{slot.pk}/edit/").status_code == 200
    response = client.post(f"/portal/slots/{slot.pk}/edit/", _form(doctor, day_of_week="Thursday"))
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.day_of_week == "Thursday"


def test_deactivate_and_activate_slot(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    response = client.post(f"/portal/slots/{slot.pk}/deactivate/", follow=True)
    slot.refresh_from_db()
    assert slot.is_active is False
    assert MSG_SLOT_DEACTIVATED.format(day=slot.day_of_week, start=slot.start_time, end=slot.end_time) in (
        response.content.decode()
    )
    client.post(f"/portal/slots/{slot.pk}/activate/")
    slot.refresh_from_db()
    assert slot.is_active is True


def test_remove_slot(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    response = client.post(f"/portal/slots/{slot.pk}/delete/", follow=True)
    assert not DoctorSlot.objects.filter(pk=slot.pk).exists()
    assert MSG_SLOT_REMOVED.format(day=slot.day_of_week, start=slot.start_time, end=slot.end_time) in (
        response.content.decode()
    )


def test_remove_slot_with_upcoming_appointments_is_refused_with_the_message(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    AppointmentFactory(
        doctor=doctor, slot=slot, appointment_date=tomorrow, status=AppointmentStatus.PENDING_CONFIRMATION
    )
    response = client.post(f"/portal/slots/{slot.pk}/delete/", follow=True)
    assert DoctorSlot.objects.filter(pk=slot.pk).exists()
    assert MSG_SLOT_HAS_APPOINTMENTS in response.content.decode()


def test_another_doctors_slot_is_404_everywhere(client) -> None:
    theirs = DoctorSlotFactory()
    assert client.get(f"/portal/slots/{theirs.pk}/edit/").status_code == 404
    for action in ("deactivate", "activate", "delete"):
        assert client.post(f"/portal/slots/{theirs.pk}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_slot_actions_need_the_csrf_token(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    del client.defaults["HTTP_X_CSRFTOKEN"]
    assert client.post(f"/portal/slots/{slot.pk}/delete/").status_code == 403
    assert DoctorSlot.objects.filter(pk=slot.pk).exists()


def test_profile_shows_the_doctor_and_clinics(doctor, client) -> None:
    html = client.get("/portal/profile/").content.decode()
    assert doctor.email in html
    assert doctor.clinics[0].name in html


def test_expired_session_redirects_to_sign_in_and_clears_the_cookie(doctor, client) -> None:
    from doctors.models import DoctorSession

    DoctorSession.objects.all().delete()
    response = client.get("/portal/slots/")
    assert response.status_code == 302
    assert response["Location"] == "/auth/doctor/login?next=/portal/slots/"
    assert response.cookies["doctor_session"].value == ""

"""Doctor-portal pages of video consultations: the call page, its buttons and the appointment page's panel."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from appointments.models import AppointmentStatus, AppointmentType
from consultations.models import ConsultationStatus, EndedBy, VideoConsultation
from consultations.portal_views import MSG_CANCELLED, MSG_ENDED, MSG_NO_SHOW, appointment_url, call_url
from consultations.services import MSG_CANNOT_END, MSG_NOT_CONFIRMED
from tests.appointments.factories import AppointmentFactory
from tests.consultations.factories import BegunOnlineAppointmentFactory, VideoConsultationFactory
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
IN_CALL = {"doctor_joined_at": T0, "patient_joined_at": T0, "actual_start_time": T0}


def portal(owner: object) -> Client:
    return doctor_portal_client(owner.doctor)


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_start_button_opens_the_room_joins_the_doctor_and_shows_the_call_page(settings: object) -> None:
    settings.JITSI_DOMAIN = "meet.example.test"
    appointment = BegunOnlineAppointmentFactory()
    client = portal(appointment)
    response = client.post(f"/portal/appointments/{appointment.appointment_id}/consultation/start/")
    consultation = VideoConsultation.objects.get(appointment=appointment)
    assert response.status_code == 302
    assert response["Location"] == call_url(consultation)
    assert consultation.doctor_joined_at is not None
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="https://meet.example.test/external_api.js"' in html
    assert f'data-room="{consultation.room_id}"' in html
    assert 'data-domain="meet.example.test"' in html
    assert f'data-display-name="{appointment.doctor.name}"' in html
    assert "End consultation" in html
    assert appointment_url(appointment) in html  # the prescription upload link
    assert "no-cache" in page["Cache-Control"]


def test_start_refused_for_an_appointment_that_is_not_confirmed() -> None:
    appointment = BegunOnlineAppointmentFactory(status=AppointmentStatus.PENDING_CONFIRMATION)
    response = portal(appointment).post(
        f"/portal/appointments/{appointment.appointment_id}/consultation/start/", follow=True
    )
    assert MSG_NOT_CONFIRMED in messages_of(response)
    assert not VideoConsultation.objects.exists()


def test_end_button_completes_the_call_and_returns_to_the_appointment() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    response = portal(consultation).post(f"/portal/consultations/{consultation.consultation_id}/end/")
    assert response.status_code == 302
    assert response["Location"] == appointment_url(consultation.appointment)
    consultation.refresh_from_db()
    assert (consultation.status, consultation.ended_by) == (ConsultationStatus.COMPLETED, EndedBy.DOCTOR)
    consultation.appointment.refresh_from_db()
    assert consultation.appointment.status == AppointmentStatus.COMPLETED


def test_end_button_success_message() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    client = portal(consultation)
    response = client.post(f"/portal/consultations/{consultation.consultation_id}/end/", follow=True)
    assert MSG_ENDED in messages_of(response)


def test_ending_a_call_nobody_joined_shows_the_workflow_message() -> None:
    consultation = VideoConsultationFactory()
    response = portal(consultation).post(f"/portal/consultations/{consultation.consultation_id}/end/", follow=True)
    assert response.redirect_chain[-1][0] == call_url(consultation)
    assert MSG_CANNOT_END in messages_of(response)


def test_cancel_button_records_the_reason() -> None:
    consultation = VideoConsultationFactory()
    response = portal(consultation).post(
        f"/portal/consultations/{consultation.consultation_id}/cancel/",
        {"cancellation_reason": "Doctor unavailable"},
        follow=True,
    )
    assert MSG_CANCELLED in messages_of(response)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
    assert consultation.cancellation_reason == "Doctor unavailable"


def test_no_show_button() -> None:
    consultation = VideoConsultationFactory(scheduled_start_time=T0)
    response = portal(consultation).post(f"/portal/consultations/{consultation.consultation_id}/no-show/", follow=True)
    assert MSG_NO_SHOW in messages_of(response)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.NO_SHOW


def test_join_button_returns_to_the_call_page() -> None:
    consultation = VideoConsultationFactory(patient_joined_at=T0)
    response = portal(consultation).post(f"/portal/consultations/{consultation.consultation_id}/join/")
    assert response["Location"] == call_url(consultation)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.IN_PROGRESS


def test_a_finished_call_page_shows_the_summary_and_no_meeting() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, duration=15, **IN_CALL)
    html = portal(consultation).get(call_url(consultation)).content.decode()
    assert "external_api.js" not in html
    assert consultation.room_password not in html
    assert "15 min" in html


def test_another_doctor_gets_404_on_every_consultation_page() -> None:
    consultation = VideoConsultationFactory(scheduled_start_time=T0)
    other = doctor_portal_client(DoctorFactory())
    key = consultation.consultation_id
    assert other.get(f"/portal/consultations/{key}/").status_code == 404
    for action in ("join", "end", "cancel", "no-show"):
        assert other.post(f"/portal/consultations/{key}/{action}/").status_code == 404, action
    start = f"/portal/appointments/{consultation.appointment.appointment_id}/consultation/start/"
    assert other.post(start).status_code == 404
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.SCHEDULED


def test_not_signed_in_is_redirected_to_the_login_page() -> None:
    consultation = VideoConsultationFactory()
    response = Client().get(call_url(consultation))
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/doctor/login")


def test_buttons_need_the_csrf_token() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    client = portal(consultation)
    client.defaults.pop("HTTP_X_CSRFTOKEN")
    assert client.post(f"/portal/consultations/{consultation.consultation_id}/end/").status_code == 403


# --- the appointment page's panel -----------------------------------------------------------------------


def test_appointment_page_offers_to_start_a_confirmed_online_appointment() -> None:
    appointment = BegunOnlineAppointmentFactory()
    html = portal(appointment).get(appointment_url(appointment)).content.decode()
    assert "Start video consultation" in html
    assert f"/portal/appointments/{appointment.pk}/consultation/start/" in html


def test_appointment_page_offers_to_join_an_open_call() -> None:
    consultation = VideoConsultationFactory()
    html = portal(consultation).get(appointment_url(consultation.appointment)).content.decode()
    assert "Join call" in html
    assert "Start video consultation" not in html


def test_appointment_page_has_no_call_for_an_in_clinic_appointment() -> None:
    appointment = AppointmentFactory(appointment_type=AppointmentType.IN_CLINIC)
    html = portal(appointment).get(appointment_url(appointment)).content.decode()
    assert "Start video consultation" not in html
    assert "Join call" not in html


def test_appointment_page_does_not_offer_to_start_before_confirmation() -> None:
    appointment = BegunOnlineAppointmentFactory(status=AppointmentStatus.PENDING_CONFIRMATION)
    html = portal(appointment).get(appointment_url(appointment)).content.decode()
    assert "Start video consultation" not in html

"""Doctor API of video consultations (the `doctor_session` cookie, CSRF enforced)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appointments.models import AppointmentStatus, AppointmentType
from consultations.models import ConsultationStatus, EndedBy, VideoConsultation
from consultations.serializers import MSG_RATING_RANGE
from consultations.services import (
    DEFAULT_CANCELLATION_REASON,
    MSG_CANNOT_CANCEL,
    MSG_CANNOT_END,
    MSG_CANNOT_JOIN,
    MSG_CANNOT_MARK_NO_SHOW,
    MSG_CANNOT_REPORT_ISSUE,
    MSG_FEEDBACK_ALREADY_GIVEN,
    MSG_FEEDBACK_NOT_COMPLETED,
    MSG_NOT_CONFIRMED,
    MSG_NOT_ONLINE,
    MSG_PATIENT_HAS_JOINED,
)
from tests.appointments.factories import AppointmentFactory
from tests.consultations.factories import BegunOnlineAppointmentFactory, VideoConsultationFactory
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DoctorFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
IN_CALL = {"doctor_joined_at": T0, "patient_joined_at": T0, "actual_start_time": T0}
PAST = {"scheduled_start_time": T0}

DOCTOR_POSTS = [
    ("join", None),
    ("end", None),
    ("cancel", {"cancellationReason": "x"}),
    ("no-show", None),
    ("feedback", {"patientRating": 5}),
    ("network-issues", {"issue": "lag", "duration": 1}),
]


def start_url(appointment_id: object) -> str:
    return f"/api/v1/doctor/appointments/{appointment_id}/consultation"


def url(consultation: VideoConsultation, action: str) -> str:
    return f"/api/v1/doctor/consultations/{consultation.consultation_id}/{action}"


def as_doctor(consultation_or_appointment: object) -> APIClient:
    return doctor_api_client(consultation_or_appointment.doctor)


# --- start ----------------------------------------------------------------------------------------------


def test_doctor_starts_the_consultation_201_then_200_with_the_same_room(settings: object) -> None:
    settings.JITSI_DOMAIN = "meet.example.test"
    appointment = BegunOnlineAppointmentFactory()
    client = as_doctor(appointment)
    first = client.post(start_url(appointment.appointment_id))
    assert first.status_code == 201
    body = first.json()
    assert body["consultationId"].startswith("VC-")
    assert body["roomUrl"] == f"https://meet.example.test/{body['roomId']}"
    assert body["roomPassword"]
    assert body["doctorId"] == str(appointment.doctor.pk)
    again = client.post(start_url(appointment.pk))
    assert again.status_code == 200
    assert again.json()["_id"] == body["_id"]
    assert VideoConsultation.objects.filter(appointment=appointment).count() == 1


def test_starting_an_in_clinic_appointment_is_refused() -> None:
    appointment = AppointmentFactory(appointment_type=AppointmentType.IN_CLINIC)
    response = as_doctor(appointment).post(start_url(appointment.appointment_id))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_NOT_ONLINE}


@pytest.mark.parametrize("status", [s for s in AppointmentStatus if s != AppointmentStatus.CONFIRMED])
def test_starting_an_appointment_that_is_not_confirmed_is_refused(status: str) -> None:
    appointment = BegunOnlineAppointmentFactory(status=status)
    response = as_doctor(appointment).post(start_url(appointment.appointment_id))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_NOT_CONFIRMED}


def test_another_doctors_appointment_cannot_be_started() -> None:
    appointment = BegunOnlineAppointmentFactory()
    client = doctor_api_client(DoctorFactory())
    assert client.post(start_url(appointment.appointment_id)).status_code == 404
    assert client.post(start_url(appointment.pk)).status_code == 404
    assert not VideoConsultation.objects.exists()


def test_start_without_the_csrf_token_is_refused() -> None:
    appointment = BegunOnlineAppointmentFactory()
    client = as_doctor(appointment)
    client.credentials()  # drop X-CSRFToken
    assert client.post(start_url(appointment.appointment_id)).status_code == 403


def test_a_member_token_is_refused_on_doctor_routes() -> None:
    appointment = BegunOnlineAppointmentFactory()
    client = APIClient()
    client.force_authenticate(appointment.user)
    assert client.post(start_url(appointment.appointment_id)).status_code == 403


def test_doctor_routes_need_a_session() -> None:
    consultation = VideoConsultationFactory()
    assert APIClient().post(url(consultation, "join")).status_code == 401


# --- workflow -------------------------------------------------------------------------------------------


def test_doctor_joins_and_gets_the_room() -> None:
    consultation = VideoConsultationFactory()
    response = as_doctor(consultation).post(url(consultation, "join"))
    assert response.status_code == 200
    body = response.json()
    assert body["roomPassword"] == consultation.room_password
    assert body["doctorJoinedAt"] is not None
    assert body["status"] == ConsultationStatus.SCHEDULED


def test_doctor_joining_after_the_patient_starts_the_call() -> None:
    consultation = VideoConsultationFactory(patient_joined_at=timezone.now() - timedelta(minutes=1))
    body = as_doctor(consultation).post(url(consultation, "join")).json()
    assert body["status"] == ConsultationStatus.IN_PROGRESS
    assert body["actualStartTime"] == body["doctorJoinedAt"]


@pytest.mark.parametrize(
    "status", [ConsultationStatus.COMPLETED, ConsultationStatus.CANCELLED, ConsultationStatus.NO_SHOW]
)
def test_doctor_cannot_join_a_finished_consultation(status: str) -> None:
    consultation = VideoConsultationFactory(status=status, **IN_CALL)
    response = as_doctor(consultation).post(url(consultation, "join"))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_CANNOT_JOIN}


def test_doctor_ends_the_call_and_the_appointment_is_completed() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    response = as_doctor(consultation).post(url(consultation, "end"))
    assert response.status_code == 200
    assert response.json()["status"] == ConsultationStatus.COMPLETED
    assert response.json()["endedBy"] == EndedBy.DOCTOR
    assert "roomPassword" not in response.json()
    consultation.appointment.refresh_from_db()
    assert consultation.appointment.status == AppointmentStatus.COMPLETED


@pytest.mark.parametrize("status", [s for s in ConsultationStatus if s != ConsultationStatus.IN_PROGRESS])
def test_doctor_can_end_only_a_call_in_progress(status: str) -> None:
    consultation = VideoConsultationFactory(status=status)
    response = as_doctor(consultation).post(url(consultation, "end"))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_CANNOT_END}


@pytest.mark.parametrize("status", [ConsultationStatus.SCHEDULED, ConsultationStatus.IN_PROGRESS])
def test_doctor_cancels_an_open_consultation_with_a_reason(status: str) -> None:
    consultation = VideoConsultationFactory(status=status, **IN_CALL)
    response = as_doctor(consultation).post(
        url(consultation, "cancel"), {"cancellationReason": "Emergency"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == ConsultationStatus.CANCELLED
    assert response.json()["cancellationReason"] == "Emergency"


def test_cancel_without_a_reason_records_the_default() -> None:
    consultation = VideoConsultationFactory()
    response = as_doctor(consultation).post(url(consultation, "cancel"))
    assert response.json()["cancellationReason"] == DEFAULT_CANCELLATION_REASON


@pytest.mark.parametrize(
    "status", [ConsultationStatus.COMPLETED, ConsultationStatus.CANCELLED, ConsultationStatus.NO_SHOW]
)
def test_doctor_cannot_cancel_a_finished_consultation(status: str) -> None:
    consultation = VideoConsultationFactory(status=status)
    response = as_doctor(consultation).post(url(consultation, "cancel"))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_CANNOT_CANCEL}


def test_doctor_marks_a_no_show() -> None:
    consultation = VideoConsultationFactory(**PAST)
    response = as_doctor(consultation).post(url(consultation, "no-show"))
    assert response.status_code == 200
    assert response.json()["status"] == ConsultationStatus.NO_SHOW
    assert response.json()["endedBy"] == EndedBy.DOCTOR


@pytest.mark.parametrize("status", [s for s in ConsultationStatus if s != ConsultationStatus.SCHEDULED])
def test_doctor_can_mark_only_a_scheduled_consultation_no_show(status: str) -> None:
    consultation = VideoConsultationFactory(status=status, **PAST)
    response = as_doctor(consultation).post(url(consultation, "no-show"))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_CANNOT_MARK_NO_SHOW}


def test_no_show_is_refused_when_the_patient_joined() -> None:
    consultation = VideoConsultationFactory(patient_joined_at=T0, **PAST)
    response = as_doctor(consultation).post(url(consultation, "no-show"))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_PATIENT_HAS_JOINED}


def test_doctor_rates_the_patient_once_after_the_call() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    client = as_doctor(consultation)
    response = client.post(
        url(consultation, "feedback"), {"patientRating": 4, "doctorComments": "On time"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["feedback"]["patientRating"] == 4
    assert response.json()["feedback"]["doctorComments"] == "On time"
    again = client.post(url(consultation, "feedback"), {"patientRating": 2}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": MSG_FEEDBACK_ALREADY_GIVEN}


@pytest.mark.parametrize("rating", [0, 6])
def test_doctor_rating_outside_1_to_5_is_refused(rating: int) -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    response = as_doctor(consultation).post(url(consultation, "feedback"), {"patientRating": rating}, format="json")
    assert response.status_code == 400
    assert response.json() == {"patientRating": [MSG_RATING_RANGE]}


def test_doctor_feedback_before_completion_is_refused() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    response = as_doctor(consultation).post(url(consultation, "feedback"), {"patientRating": 4}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_FEEDBACK_NOT_COMPLETED}


def test_doctor_reports_a_network_issue() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    response = as_doctor(consultation).post(
        url(consultation, "network-issues"), {"issue": "lag", "duration": 4}, format="json"
    )
    assert response.status_code == 201
    closed = VideoConsultationFactory(status=ConsultationStatus.NO_SHOW, doctor=consultation.doctor)
    response = as_doctor(closed).post(url(closed, "network-issues"), {"issue": "lag", "duration": 4}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_CANNOT_REPORT_ISSUE}


# --- not yours ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(ConsultationStatus))
def test_a_doctor_who_is_not_the_doctor_gets_404_everywhere(status: str) -> None:
    consultation = VideoConsultationFactory(status=status, **IN_CALL, **PAST)
    other = doctor_api_client(DoctorFactory())
    for action, payload in DOCTOR_POSTS:
        for key in (consultation.consultation_id, consultation.pk):
            response = other.post(f"/api/v1/doctor/consultations/{key}/{action}", payload, format="json")
            assert response.status_code == 404, (action, response.content)
    for key in (consultation.appointment.appointment_id, consultation.appointment_id):
        assert other.post(start_url(key)).status_code == 404
    after = VideoConsultation.objects.get(pk=consultation.pk)
    assert (after.status, after.network_issues, after.feedback) == (status, [], None)


def test_a_member_who_is_the_patient_still_cannot_use_doctor_routes() -> None:
    consultation = VideoConsultationFactory()
    client = APIClient()
    client.force_authenticate(consultation.patient)
    assert client.post(url(consultation, "join")).status_code == 403

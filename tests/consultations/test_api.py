"""Member API of video consultations (JWT, role MEMBER)."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from appointments.models import AppointmentType
from consultations.models import ConsultationStatus, EndedBy, VideoConsultation
from consultations.serializers import MSG_RATING_RANGE
from consultations.services import (
    MSG_CANNOT_END,
    MSG_CANNOT_JOIN,
    MSG_CANNOT_REPORT_ISSUE,
    MSG_FEEDBACK_ALREADY_GIVEN,
    MSG_FEEDBACK_NOT_COMPLETED,
    consultation_join,
    consultation_start,
)
from tests.appointments.factories import AppointmentFactory
from tests.consultations.factories import BegunOnlineAppointmentFactory, VideoConsultationFactory
from tests.users.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from users.models import Role

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
IN_CALL = {"doctor_joined_at": T0, "patient_joined_at": T0, "actual_start_time": T0}


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def started() -> VideoConsultation:
    appointment = BegunOnlineAppointmentFactory()
    consultation, _ = consultation_start(doctor=appointment.doctor, appointment=appointment)
    return consultation


def url(consultation: VideoConsultation, action: str) -> str:
    return f"/api/v1/consultations/{consultation.consultation_id}/{action}"


MEMBER_POSTS = [
    ("join", None),
    ("end", None),
    ("feedback", {"doctorRating": 5}),
    ("network-issues", {"issue": "Video froze", "duration": 3}),
]


def test_member_with_a_real_token_sees_the_consultation_of_the_appointment() -> None:
    consultation = started()
    client = APIClient()
    tokens = client.post(
        "/api/v1/auth/token", {"email": consultation.patient.email, "password": DEFAULT_PASSWORD}, format="json"
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    response = client.get(f"/api/v1/appointments/{consultation.appointment.appointment_id}/consultation")
    assert response.status_code == 200
    body = response.json()
    assert body["consultationId"] == consultation.consultation_id
    assert body["appointmentId"] == str(consultation.appointment_id)
    assert body["doctorId"] == str(consultation.doctor_id)
    assert body["patientId"] == str(consultation.patient_id)
    assert body["roomUrl"] == consultation.room_url
    assert body["status"] == ConsultationStatus.SCHEDULED
    assert body["networkIssues"] == []
    assert "roomPassword" not in body


def test_appointment_consultation_accepts_the_appointment_object_id() -> None:
    consultation = started()
    response = client_for(consultation.patient).get(f"/api/v1/appointments/{consultation.appointment_id}/consultation")
    assert response.status_code == 200
    assert response.json()["_id"] == str(consultation.pk)


def test_appointment_consultation_is_404_before_the_doctor_starts_it() -> None:
    appointment = BegunOnlineAppointmentFactory()
    response = client_for(appointment.user).get(f"/api/v1/appointments/{appointment.appointment_id}/consultation")
    assert response.status_code == 404


def test_an_in_clinic_appointment_has_no_consultation() -> None:
    appointment = AppointmentFactory(appointment_type=AppointmentType.IN_CLINIC)
    response = client_for(appointment.user).get(f"/api/v1/appointments/{appointment.appointment_id}/consultation")
    assert response.status_code == 404


def test_patient_joins_and_gets_the_room_url_and_password() -> None:
    consultation = started()
    response = client_for(consultation.patient).post(url(consultation, "join"))
    assert response.status_code == 200
    body = response.json()
    assert body["roomUrl"] == consultation.room_url
    assert body["roomPassword"] == consultation.room_password
    assert body["patientJoinedAt"] is not None
    assert body["status"] == ConsultationStatus.SCHEDULED


def test_the_second_to_join_starts_the_call() -> None:
    consultation = started()
    consultation_join(consultation=consultation, participant=EndedBy.DOCTOR)
    body = client_for(consultation.patient).post(url(consultation, "join")).json()
    assert body["status"] == ConsultationStatus.IN_PROGRESS
    assert body["actualStartTime"] == body["patientJoinedAt"]


def test_consultation_id_or_object_id_both_name_the_consultation() -> None:
    consultation = started()
    response = client_for(consultation.patient).post(f"/api/v1/consultations/{consultation.pk}/join")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "status", [ConsultationStatus.COMPLETED, ConsultationStatus.CANCELLED, ConsultationStatus.NO_SHOW]
)
def test_a_finished_consultation_cannot_be_joined(status: str) -> None:
    consultation = VideoConsultationFactory(status=status, **IN_CALL)
    response = client_for(consultation.patient).post(url(consultation, "join"))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_CANNOT_JOIN}


def test_room_password_appears_only_in_the_join_answer() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    client = client_for(consultation.patient)
    answers = [
        client.get(f"/api/v1/appointments/{consultation.appointment.appointment_id}/consultation"),
        client.post(url(consultation, "network-issues"), {"issue": "lag", "duration": 2}, format="json"),
        client.post(url(consultation, "end")),
        client.post(url(consultation, "feedback"), {"doctorRating": 4}, format="json"),
    ]
    assert [answer.status_code for answer in answers] == [200, 201, 200, 200]
    for answer in answers:
        assert consultation.room_password not in answer.content.decode()


def test_patient_ends_the_call() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    response = client_for(consultation.patient).post(url(consultation, "end"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == ConsultationStatus.COMPLETED
    assert body["endedBy"] == EndedBy.PATIENT
    assert body["duration"] >= 1


@pytest.mark.parametrize("status", [s for s in ConsultationStatus if s != ConsultationStatus.IN_PROGRESS])
def test_only_a_call_in_progress_can_be_ended(status: str) -> None:
    consultation = VideoConsultationFactory(status=status)
    response = client_for(consultation.patient).post(url(consultation, "end"))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_CANNOT_END}


def test_patient_rates_the_doctor_after_the_call() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    response = client_for(consultation.patient).post(
        url(consultation, "feedback"), {"doctorRating": 5, "patientComments": "Clear advice"}, format="json"
    )
    assert response.status_code == 200
    feedback = response.json()["feedback"]
    assert feedback["doctorRating"] == 5
    assert feedback["patientComments"] == "Clear advice"
    assert feedback["patientRating"] is None


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_feedback_outside_1_to_5_is_refused(rating: int) -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    response = client_for(consultation.patient).post(
        url(consultation, "feedback"), {"doctorRating": rating}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"doctorRating": [MSG_RATING_RANGE]}


def test_feedback_without_a_rating_is_refused() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    response = client_for(consultation.patient).post(url(consultation, "feedback"), {}, format="json")
    assert response.status_code == 400
    assert "doctorRating" in response.json()


def test_feedback_twice_is_refused() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    client = client_for(consultation.patient)
    assert client.post(url(consultation, "feedback"), {"doctorRating": 5}, format="json").status_code == 200
    response = client.post(url(consultation, "feedback"), {"doctorRating": 1}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_FEEDBACK_ALREADY_GIVEN}


def test_feedback_before_the_call_is_completed_is_refused() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    response = client_for(consultation.patient).post(url(consultation, "feedback"), {"doctorRating": 5}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_FEEDBACK_NOT_COMPLETED}


def test_network_issue_is_recorded_during_the_call() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    response = client_for(consultation.patient).post(
        url(consultation, "network-issues"), {"issue": "Audio dropped", "duration": 7}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["issue"] == "Audio dropped"
    consultation.refresh_from_db()
    assert [(i.issue, i.duration) for i in consultation.network_issues] == [("Audio dropped", 7)]


@pytest.mark.parametrize("payload", [{"issue": "lag", "duration": -1}, {"issue": "", "duration": 1}, {"issue": "x"}])
def test_invalid_network_issue_is_refused(payload: dict) -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS, **IN_CALL)
    response = client_for(consultation.patient).post(url(consultation, "network-issues"), payload, format="json")
    assert response.status_code == 400


def test_network_issue_after_the_call_is_refused() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    response = client_for(consultation.patient).post(
        url(consultation, "network-issues"), {"issue": "lag", "duration": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_CANNOT_REPORT_ISSUE}


@pytest.mark.parametrize("status", list(ConsultationStatus))
def test_a_member_who_is_not_the_patient_gets_404_everywhere(status: str) -> None:
    consultation = VideoConsultationFactory(status=status, **IN_CALL)
    stranger = client_for(UserFactory())
    paths = [
        f"/api/v1/appointments/{key}/consultation"
        for key in (consultation.appointment.appointment_id, consultation.appointment_id)
    ]
    assert [stranger.get(path).status_code for path in paths] == [404, 404]
    for action, payload in MEMBER_POSTS:
        for key in (consultation.consultation_id, consultation.pk):
            response = stranger.post(f"/api/v1/consultations/{key}/{action}", payload, format="json")
            assert response.status_code == 404, (action, response.content)
    before = VideoConsultation.objects.get(pk=consultation.pk)
    assert (before.status, before.network_issues, before.feedback) == (status, [], None)


def test_unknown_consultation_is_404() -> None:
    response = client_for(UserFactory()).post("/api/v1/consultations/VC-0000000000/join")
    assert response.status_code == 404


def test_member_routes_need_a_token() -> None:
    consultation = VideoConsultationFactory()
    assert APIClient().post(url(consultation, "join")).status_code == 401


def test_member_routes_are_for_members_only() -> None:
    consultation = VideoConsultationFactory()
    response = client_for(StaffFactory(role=Role.OPERATIONS)).post(url(consultation, "join"))
    assert response.status_code == 403

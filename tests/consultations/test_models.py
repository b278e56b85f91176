"""The seed's validation rules for video consultations, each refused by the model's validation."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations.models import (
    MSG_CONSULTATION_NEEDS_ONLINE,
    MSG_FEEDBACK_RATING,
    MSG_RECORDING_SIZE_NEGATIVE,
    Feedback,
    NetworkIssue,
    VideoConsultation,
)
from tests.appointments.factories import AppointmentFactory
from tests.consultations.factories import VideoConsultationFactory

pytestmark = pytest.mark.django_db


def _refused(consultation: VideoConsultation) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        consultation.full_clean()
    return refused.value.message_dict


def test_a_valid_consultation_passes() -> None:
    VideoConsultationFactory(feedback=Feedback(doctor_rating=1, patient_rating=5), recording_size=0).full_clean()


@pytest.mark.parametrize("rating", [0, 6])
@pytest.mark.parametrize(("field", "name"), [("doctor_rating", "doctorRating"), ("patient_rating", "patientRating")])
def test_feedback_ratings_are_1_to_5(rating: int, field: str, name: str) -> None:
    consultation = VideoConsultationFactory(feedback=Feedback(**{field: rating}))
    assert _refused(consultation) == {"feedback": [f"feedback.{name}: {MSG_FEEDBACK_RATING}"]}


def test_recording_size_is_zero_or_more() -> None:
    consultation = VideoConsultationFactory(recording_size=-0.5)
    assert _refused(consultation) == {"recording_size": [MSG_RECORDING_SIZE_NEGATIVE]}


@pytest.mark.parametrize(("field", "value"), [("ended_by", "NURSE"), ("status", "PAUSED")])
def test_status_and_ended_by_accept_only_their_enums(field: str, value: str) -> None:
    consultation = VideoConsultationFactory(**{field: value})
    assert _refused(consultation) == {field: [f"Value '{value}' is not a valid choice."]}


def test_the_appointment_must_be_online() -> None:
    consultation = VideoConsultationFactory(appointment=AppointmentFactory())
    assert _refused(consultation) == {"appointment": [MSG_CONSULTATION_NEEDS_ONLINE]}


def test_network_issue_durations_are_zero_or_more() -> None:
    issue = NetworkIssue(timestamp=timezone.now(), issue="Audio dropped", duration=-3)
    consultation = VideoConsultationFactory(network_issues=[issue])
    assert _refused(consultation) == {
        "network_issues": ["networkIssues[1].duration: Ensure this value is greater than or equal to 0."]
    }

"""Attacks on rating a doctor after a call: double submits at once, hostile values, another member's call."""

import threading
from typing import Any

import pytest
from django.db import close_old_connections
from rest_framework.test import APIClient

from consultations.models import ConsultationStatus
from mongo.raw import collection
from tests.consultations.factories import VideoConsultationFactory
from tests.consultations.test_api import IN_CALL, client_for, url
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def _doctor(consultation: Any) -> dict[str, Any]:
    return collection("doctors").find_one({"_id": consultation.doctor_id}, {"rating": 1, "reviewCount": 1})


def test_rating_the_same_call_many_times_at_once_counts_once() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    before = _doctor(consultation).get("reviewCount") or 0
    answers: list[int] = []

    def rate(stars: int) -> None:
        try:
            client = client_for(consultation.patient)
            answers.append(
                client.post(url(consultation, "feedback"), {"doctorRating": stars}, format="json").status_code
            )
        finally:
            close_old_connections()

    threads = [threading.Thread(target=rate, args=(1 + n % 5,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] + [409] * 5
    assert (_doctor(consultation).get("reviewCount") or 0) == before + 1


@pytest.mark.parametrize(
    "body",
    [
        {"doctorRating": None},
        {"doctorRating": "five"},
        {"doctorRating": 4.5},
        {"doctorRating": 10**30},
        {"doctorRating": [5]},
        {"doctorRating": {"$gt": 0}},
        {"doctorRating": True},
        {"doctorRating": 5, "patientComments": "x" * 2001},
        {"doctorRating": 5, "patientComments": "nul\x00byte"},
        {"doctorRating": 5, "patientComments": None},
        [{"doctorRating": 5}],
    ],
)
def test_hostile_feedback_is_a_400_and_counts_nothing(body: Any) -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    before = _doctor(consultation)
    response = client_for(consultation.patient).post(url(consultation, "feedback"), body, format="json")
    assert response.status_code == 400
    assert _doctor(consultation) == before
    consultation.refresh_from_db()
    assert not (consultation.feedback and consultation.feedback.doctor_rating)


def test_another_member_cannot_rate_someone_elses_call() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, **IN_CALL)
    before = _doctor(consultation)
    response = client_for(UserFactory()).post(url(consultation, "feedback"), {"doctorRating": 1}, format="json")
    assert response.status_code == 404
    assert _doctor(consultation) == before
    assert APIClient().post(url(consultation, "feedback"), {"doctorRating": 1}, format="json").status_code == 401

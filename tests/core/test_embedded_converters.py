"""Embedded documents are read back through their fields' converters, worked out once per embedded model
(mongo/base.py)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import override_settings

from consultations.models import NetworkIssue, VideoConsultation
from doctors.models import Doctor
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorFactory

pytestmark = pytest.mark.django_db


def test_embedded_datetimes_come_back_aware_on_every_document_read() -> None:
    when = datetime(2025, 10, 1, 9, 30, tzinfo=UTC)
    for seconds in (5, 7):
        VideoConsultationFactory(network_issues=[NetworkIssue(timestamp=when, issue="lag", duration=seconds)])

    read = list(VideoConsultation.objects.order_by("created_at"))

    issues = [consultation.network_issues[0] for consultation in read]
    assert [issue.timestamp for issue in issues] == [when, when]
    assert all(issue.timestamp.tzinfo is not None for issue in issues)
    assert [issue.duration for issue in issues] == [5, 7]


def test_converters_are_worked_out_once_per_embedded_model() -> None:
    VideoConsultationFactory.create_batch(
        3, network_issues=[NetworkIssue(timestamp=datetime(2025, 10, 1, tzinfo=UTC), issue="x", duration=1)]
    )
    cache = connection.ops._embedded_converters
    cache.clear()

    list(VideoConsultation.objects.all())

    entries = cache[NetworkIssue, True]
    assert [field.name for field, _, _ in entries] == [field.name for field in NetworkIssue._meta.fields]
    list(VideoConsultation.objects.all())
    assert cache[NetworkIssue, True] is entries


def test_nested_and_null_embedded_documents_read_back_as_written() -> None:
    doctor = DoctorFactory()
    written = [(c.clinic_id, c.location.latitude, c.location.longitude) for c in doctor.clinics]
    doctor.clinics[-1].location = None
    doctor.save()

    read = Doctor.objects.get(pk=doctor.pk)

    assert [(c.clinic_id, c.location.latitude, c.location.longitude) for c in read.clinics[:-1]] == written[:-1]
    assert read.clinics[-1].clinic_id == written[-1][0]
    assert read.clinics[-1].location is None


def test_the_converters_follow_use_tz() -> None:
    when = datetime(2025, 10, 1, 9, 30, tzinfo=UTC)
    VideoConsultationFactory(network_issues=[NetworkIssue(timestamp=when, issue="lag", duration=1)])
    with override_settings(USE_TZ=False):
        naive = VideoConsultation.objects.get().network_issues[0].timestamp
    aware = VideoConsultation.objects.get().network_issues[0].timestamp

    assert naive.tzinfo is None and naive == when.replace(tzinfo=None)
    assert aware == when and aware.tzinfo is not None

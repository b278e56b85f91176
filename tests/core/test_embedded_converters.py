"""Embedded documents are read back through their fields' converters, worked out once per embedded model
(opd_wallet/mongodb/base.py)."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from consultations.models import NetworkIssue, VideoConsultation
from tests.consultations.factories import VideoConsultationFactory

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

    entries = cache[NetworkIssue]
    assert [field.name for field, _, _ in entries] == [field.name for field in NetworkIssue._meta.fields]
    list(VideoConsultation.objects.all())
    assert cache[NetworkIssue] is entries

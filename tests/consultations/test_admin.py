"""Staff see every consultation with quality metrics; they set recording metadata only, never the status."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from consultations.models import ConsultationStatus, NetworkIssue, VideoConsultation
from tests.consultations.factories import VideoConsultationFactory
from tests.users.factories import StaffFactory
from users.models import Role

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
CHANGELIST = reverse("admin:consultations_videoconsultation_changelist")


def change_url(consultation: VideoConsultation) -> str:
    return reverse("admin:consultations_videoconsultation_change", args=[consultation.pk])


@pytest.fixture
def operations(client: Client) -> Client:
    """Staff who may set recording metadata: ADMIN only since issue 16 (operations change nothing clinical)."""
    client.force_login(StaffFactory(role=Role.ADMIN))
    return client


def test_changelist_shows_quality_metrics(operations: Client) -> None:
    VideoConsultationFactory(
        video_quality="HD",
        audio_quality="Good",
        duration=15,
        status=ConsultationStatus.COMPLETED,
        network_issues=[NetworkIssue(timestamp=T0, issue="lag", duration=3)] * 2,
    )
    response = operations.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Network issues", "HD", "Good", ">15<", ">2<"):
        assert text in html


def test_changelist_filters_by_status_and_date(operations: Client) -> None:
    done = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, scheduled_start_time=T0)
    VideoConsultationFactory(status=ConsultationStatus.SCHEDULED, scheduled_start_time=T0.replace(month=4))
    by_status = operations.get(CHANGELIST, {"status__exact": "COMPLETED"})
    assert by_status.status_code == 200
    assert list(by_status.context["cl"].queryset) == [done]
    by_date = operations.get(CHANGELIST, {"scheduled_start_time__year": "2026", "scheduled_start_time__month": "3"})
    assert by_date.status_code == 200
    assert list(by_date.context["cl"].queryset) == [done]


def test_staff_set_recording_metadata(operations: Client) -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED)
    response = operations.post(
        change_url(consultation),
        {
            "recording_enabled": "on",
            "recording_url": "https://recordings.example.com/vc.mp4",
            "recording_duration": "14",
            "recording_size": "120.5",
            "video_quality": "HD",
            "audio_quality": "Good",
            "status": ConsultationStatus.SCHEDULED,  # not editable: ignored
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation.refresh_from_db()
    assert consultation.recording_enabled
    assert consultation.recording_url == "https://recordings.example.com/vc.mp4"
    assert (consultation.recording_duration, consultation.recording_size) == (14, 120.5)
    assert (consultation.video_quality, consultation.audio_quality) == ("HD", "Good")
    assert consultation.status == ConsultationStatus.COMPLETED


def test_negative_recording_size_is_refused(operations: Client) -> None:
    consultation = VideoConsultationFactory()
    response = operations.post(change_url(consultation), {"recording_size": "-1"})
    assert response.status_code == 200
    assert "Recording size must be 0 or more (MB)." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.recording_size is None


def test_only_recording_and_quality_fields_are_editable(operations: Client) -> None:
    form = operations.get(change_url(VideoConsultationFactory())).context["adminform"].form
    assert set(form.fields) == {
        "recording_enabled",
        "recording_url",
        "recording_duration",
        "recording_size",
        "video_quality",
        "audio_quality",
    }


def test_the_room_password_is_not_shown_to_staff(operations: Client) -> None:
    consultation = VideoConsultationFactory(room_password="s3cret-room-pass")
    assert "s3cret-room-pass" not in operations.get(change_url(consultation)).content.decode()


def test_consultations_cannot_be_added_or_deleted_in_the_admin(client: Client) -> None:
    client.force_login(StaffFactory(role=Role.ADMIN))
    consultation = VideoConsultationFactory()
    assert client.get(reverse("admin:consultations_videoconsultation_add")).status_code == 403
    delete = reverse("admin:consultations_videoconsultation_delete", args=[consultation.pk])
    assert client.get(delete).status_code == 403


def test_operations_cannot_change_a_consultation(client: Client) -> None:
    """Issue 16, point 7: consultation records are clinical; operations staff only view them."""
    consultation = VideoConsultationFactory()
    client.force_login(StaffFactory(role=Role.OPERATIONS))
    page = client.get(change_url(consultation))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url(consultation), {"recording_enabled": "on"}).status_code == 403

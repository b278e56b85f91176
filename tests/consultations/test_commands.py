"""`manage.py mark_no_shows` under a controlled clock (core.clock, moved as tests/appointments/conftest.py does)."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from appointments.models import AppointmentStatus
from consultations.models import ConsultationStatus, EndedBy, VideoConsultation
from core import clock
from tests.consultations.factories import VideoConsultationFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def run(now: datetime, *args: str) -> str:
    out = StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: now)
        call_command("mark_no_shows", *args, stdout=out)
    return out.getvalue()


def status_of(consultation: VideoConsultation) -> str:
    consultation.refresh_from_db()
    return consultation.status


def test_patient_not_joined_within_the_no_show_minutes_becomes_no_show_by_system(settings: object) -> None:
    settings.CONSULTATION_NO_SHOW_MINUTES = 15
    consultation = VideoConsultationFactory(scheduled_start_time=T0, doctor_joined_at=T0)
    assert "0 consultation(s) marked NO_SHOW" in run(T0 + timedelta(minutes=14, seconds=59))
    assert status_of(consultation) == ConsultationStatus.SCHEDULED
    assert "1 consultation(s) marked NO_SHOW" in run(T0 + timedelta(minutes=15))
    assert status_of(consultation) == ConsultationStatus.NO_SHOW
    assert consultation.ended_by == EndedBy.SYSTEM
    assert consultation.end_time == T0 + timedelta(minutes=15)


def test_no_show_minutes_are_settable(settings: object) -> None:
    settings.CONSULTATION_NO_SHOW_MINUTES = 5
    consultation = VideoConsultationFactory(scheduled_start_time=T0)
    run(T0 + timedelta(minutes=5))
    assert status_of(consultation) == ConsultationStatus.NO_SHOW


def test_no_show_minutes_option_overrides_the_setting() -> None:
    consultation = VideoConsultationFactory(scheduled_start_time=T0)
    run(T0 + timedelta(minutes=3), "--no-show-minutes", "2")
    assert status_of(consultation) == ConsultationStatus.NO_SHOW


def test_a_patient_who_joined_is_never_a_no_show() -> None:
    consultation = VideoConsultationFactory(scheduled_start_time=T0, patient_joined_at=T0)
    run(T0 + timedelta(hours=5))
    assert status_of(consultation) == ConsultationStatus.SCHEDULED


@pytest.mark.parametrize(
    "status", [ConsultationStatus.IN_PROGRESS, ConsultationStatus.COMPLETED, ConsultationStatus.CANCELLED]
)
def test_only_scheduled_consultations_become_no_shows(status: str) -> None:
    consultation = VideoConsultationFactory(scheduled_start_time=T0, status=status, actual_start_time=T0)
    run(T0 + timedelta(minutes=30))
    assert status_of(consultation) == status


def test_a_call_left_in_progress_past_the_maximum_is_completed_by_system(settings: object) -> None:
    settings.CONSULTATION_MAX_MINUTES = 120
    consultation = VideoConsultationFactory(
        appointment__appointment_date="2026-03-10",  # the visit is at T0 (14:30 clinic time): its window is open
        appointment__time_slot="02:30 PM",
        scheduled_start_time=T0,
        status=ConsultationStatus.IN_PROGRESS,
        actual_start_time=T0,
        doctor_joined_at=T0,
        patient_joined_at=T0,
    )
    assert "0 overdue call(s) ended" in run(T0 + timedelta(minutes=119))
    assert status_of(consultation) == ConsultationStatus.IN_PROGRESS
    assert "1 overdue call(s) ended" in run(T0 + timedelta(minutes=121))
    assert status_of(consultation) == ConsultationStatus.COMPLETED
    assert consultation.ended_by == EndedBy.SYSTEM
    assert consultation.duration == 121
    consultation.appointment.refresh_from_db()
    assert consultation.appointment.status == AppointmentStatus.COMPLETED


def test_running_the_command_twice_changes_nothing_more() -> None:
    VideoConsultationFactory(scheduled_start_time=T0)
    run(T0 + timedelta(hours=1))
    assert "0 consultation(s) marked NO_SHOW, 0 overdue call(s) ended." in run(T0 + timedelta(hours=2))

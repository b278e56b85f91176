import pytest

from appointments.models import AppointmentStatus
from appointments.selectors import places_taken
from appointments.services.workflow import (
    MSG_CANNOT_CANCEL,
    MSG_CANNOT_COMPLETE,
    MSG_CANNOT_CONFIRM,
    TransitionRefused,
    appointment_cancel,
    appointment_complete,
    appointment_confirm,
)
from tests.appointments.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

ALL = list(AppointmentStatus)


def test_pending_appointment_is_confirmed_with_confirmed_at() -> None:
    appointment = appointment_confirm(appointment=AppointmentFactory(status=AppointmentStatus.PENDING_CONFIRMATION))
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.confirmed_at is not None


@pytest.mark.parametrize("status", [s for s in ALL if s != AppointmentStatus.PENDING_CONFIRMATION])
def test_only_pending_can_be_confirmed(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_CONFIRM):
        appointment_confirm(appointment=AppointmentFactory(status=status))


@pytest.mark.parametrize("status", [s for s in ALL if s != AppointmentStatus.CONFIRMED])
def test_only_confirmed_can_be_completed(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_COMPLETE):
        appointment_complete(appointment=AppointmentFactory(status=status))


@pytest.mark.parametrize("status", [AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED])
def test_finished_appointments_cannot_be_cancelled(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_CANCEL):
        appointment_cancel(appointment=AppointmentFactory(status=status))


def test_cancel_gives_the_time_back() -> None:
    appointment = AppointmentFactory(status=AppointmentStatus.CONFIRMED)
    key = {"doctor_id": appointment.doctor_id, "appointment_date": appointment.appointment_date}
    assert places_taken(**key) == {appointment.time_slot: 1}
    appointment_cancel(appointment=appointment)
    assert places_taken(**key) == {}


def test_cancel_closes_the_open_video_room() -> None:
    from consultations.models import ConsultationStatus, EndedBy
    from consultations.services import MSG_APPOINTMENT_CANCELLED
    from tests.consultations.factories import VideoConsultationFactory

    consultation = VideoConsultationFactory()
    appointment_cancel(appointment=consultation.appointment)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
    assert consultation.ended_by == EndedBy.SYSTEM
    assert consultation.cancellation_reason == MSG_APPOINTMENT_CANCELLED

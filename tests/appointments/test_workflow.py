from datetime import datetime

import pytest

from appointments.events import AppointmentEvent, _listeners, appointment_event_subscribe
from appointments.models import Actor, Appointment, AppointmentStatus
from appointments.selectors import places_taken, request_expires_at
from appointments.services.workflow import (
    MSG_CANNOT_CANCEL,
    MSG_CANNOT_COMPLETE,
    MSG_CANNOT_CONFIRM,
    MSG_COMPLETE_TOO_EARLY,
    ReasonInvalid,
    TransitionRefused,
    appointment_actions,
    appointment_cancel,
    appointment_complete,
    appointment_confirm,
    visit_window_opens_at,
)
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, TUESDAY, local
from tests.appointments.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

ALL = list(AppointmentStatus)


def test_pending_appointment_is_confirmed_with_confirmed_at() -> None:
    appointment = appointment_confirm(
        appointment=AppointmentFactory(status=AppointmentStatus.PENDING_CONFIRMATION), by=Actor.STAFF
    )
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.confirmed_at is not None


@pytest.mark.parametrize("status", [s for s in ALL if s != AppointmentStatus.PENDING_CONFIRMATION])
def test_only_pending_can_be_confirmed(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_CONFIRM):
        appointment_confirm(appointment=AppointmentFactory(status=status), by=Actor.STAFF)


@pytest.mark.parametrize("status", [s for s in ALL if s != AppointmentStatus.CONFIRMED])
def test_only_confirmed_can_be_completed(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_COMPLETE):
        appointment_complete(appointment=AppointmentFactory(status=status), by=Actor.STAFF)


@pytest.mark.parametrize("status", [AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED])
def test_finished_appointments_cannot_be_cancelled(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_CANCEL):
        appointment_cancel(appointment=AppointmentFactory(status=status), by=Actor.STAFF)


def test_cancel_gives_the_time_back() -> None:
    appointment = AppointmentFactory(status=AppointmentStatus.CONFIRMED)
    key = {"doctor_id": appointment.doctor_id, "appointment_date": appointment.appointment_date}
    assert places_taken(**key) == {appointment.time_slot: 1}
    appointment_cancel(appointment=appointment, by=Actor.STAFF)
    assert places_taken(**key) == {}


def test_cancel_closes_the_open_video_room() -> None:
    from consultations.models import ConsultationStatus, EndedBy
    from consultations.services import MSG_APPOINTMENT_CANCELLED
    from tests.consultations.factories import VideoConsultationFactory

    consultation = VideoConsultationFactory()
    appointment_cancel(appointment=consultation.appointment, by=Actor.STAFF)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
    assert consultation.ended_by == EndedBy.SYSTEM
    assert consultation.cancellation_reason == MSG_APPOINTMENT_CANCELLED


# --- the visit's time window (docs/booking.md#time-windows) ----------------------------------------------


def test_a_visit_cannot_be_completed_before_its_window(set_clock) -> None:
    appointment = AppointmentFactory(appointment_date=TUESDAY, time_slot="10:00 AM")  # the clock: Monday 07:00
    with pytest.raises(TransitionRefused) as caught:
        appointment_complete(appointment=appointment, by=Actor.STAFF)
    assert caught.value.message == "This visit can be completed from 09:45 AM on 2031-01-07."
    assert caught.value.message == MSG_COMPLETE_TOO_EARLY.format(opens="09:45 AM on 2031-01-07")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    set_clock(TUESDAY, "09:44")
    with pytest.raises(TransitionRefused, match="from 09:45 AM on 2031-01-07"):
        appointment_complete(appointment=appointment, by=Actor.STAFF)


def test_a_visit_can_be_completed_from_visit_early_minutes_before_its_start(set_clock) -> None:
    appointment = AppointmentFactory(appointment_date=TUESDAY, time_slot="10:00 AM")
    set_clock(TUESDAY, "09:45")
    assert appointment_complete(appointment=appointment, by=Actor.STAFF).status == AppointmentStatus.COMPLETED


def test_the_window_follows_the_visit_early_minutes_setting(set_clock, settings) -> None:
    settings.VISIT_EARLY_MINUTES = 60
    appointment = AppointmentFactory(appointment_date=TUESDAY, time_slot="10:00 AM")
    assert visit_window_opens_at(appointment) == local(TUESDAY, "09:00")
    set_clock(TUESDAY, "08:59")
    with pytest.raises(TransitionRefused, match="from 09:00 AM on 2031-01-07"):
        appointment_complete(appointment=appointment, by=Actor.STAFF)
    set_clock(TUESDAY, "09:00")
    assert appointment_complete(appointment=appointment, by=Actor.STAFF).status == AppointmentStatus.COMPLETED


def test_a_visit_moved_later_meanwhile_is_checked_again_and_refused(set_clock) -> None:
    appointment = AppointmentFactory(appointment_date=TUESDAY, time_slot="10:00 AM")
    set_clock(TUESDAY, "09:50")
    stale = Appointment.objects.get(pk=appointment.pk)
    Appointment.objects.filter(pk=appointment.pk).update(appointment_date=NEXT_MONDAY)  # moved by someone else
    with pytest.raises(TransitionRefused) as caught:
        appointment_complete(appointment=stale, by=Actor.STAFF)
    assert caught.value.message == "This visit can be completed from 09:45 AM on 2031-01-13."
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_the_portal_offers_complete_only_from_the_window(set_clock) -> None:
    appointment = AppointmentFactory(appointment_date=TUESDAY, time_slot="10:00 AM")
    assert appointment_actions(appointment) == ("cancel",)
    set_clock(TUESDAY, "09:45")
    assert appointment_actions(appointment) == ("complete", "cancel")


def test_cancel_records_who_and_why_and_tells_the_subscribers() -> None:
    heard: list[dict[str, object]] = []

    def listener(**event: object) -> None:
        heard.append(event)

    appointment_event_subscribe(AppointmentEvent.CANCELLED, listener)
    try:
        appointment = appointment_cancel(
            appointment=AppointmentFactory(status=AppointmentStatus.CONFIRMED), by=Actor.DOCTOR, reason="  Unwell  "
        )
    finally:
        _listeners[AppointmentEvent.CANCELLED].remove(listener)
    assert (appointment.cancelled_by, appointment.cancellation_reason) == (Actor.DOCTOR, "Unwell")
    assert appointment.cancelled_at is not None
    assert heard == [
        {"event": AppointmentEvent.CANCELLED, "appointment": appointment, "by": Actor.DOCTOR, "reason": "Unwell"}
    ]


def test_a_cancel_reason_over_the_limit_is_refused_with_nothing_written() -> None:
    appointment = AppointmentFactory(status=AppointmentStatus.CONFIRMED)
    with pytest.raises(ReasonInvalid):
        appointment_cancel(appointment=appointment, by=Actor.MEMBER, reason="x" * 501)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize(
    ("requested", "expires"),
    [
        # requested Monday 07:00 for Tuesday 10:00 AM: 24 hours after the request is Tuesday 07:00, two hours
        # before the visit is 08:00; the earlier wins.
        (local(MONDAY, "07:00"), local(TUESDAY, "07:00")),
        # requested Monday 11:00: 24 hours later (Tuesday 11:00) is after the visit's cut (08:00).
        (local(MONDAY, "11:00"), local(TUESDAY, "08:00")),
    ],
)
def test_a_request_expires_after_its_hours_or_before_its_visit_whichever_is_first(
    requested: datetime, expires: datetime
) -> None:
    appointment = AppointmentFactory(
        status=AppointmentStatus.PENDING_CONFIRMATION, appointment_date=TUESDAY, time_slot="10:00 AM"
    )
    appointment.requested_at = requested
    assert request_expires_at(appointment) == expires

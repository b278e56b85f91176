"""Every consultation write is guarded by the state it expects (docs/video.md): the visit's window, a cancel
racing a start, a cancelled appointment's room, and staff edits guarded by the values they read."""

import contextlib
import threading
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from appointments.models import Actor, Appointment, AppointmentStatus
from appointments.services.workflow import appointment_cancel
from consultations.models import OPEN_STATUSES, ConsultationStatus, EndedBy, VideoConsultation
from consultations.portal_views import appointment_url
from consultations.services import (
    MSG_APPOINTMENT_CANCELLED,
    MSG_CANNOT_END,
    MSG_CANNOT_JOIN,
    MSG_METADATA_CHANGED,
    MSG_NOT_CONFIRMED,
    MSG_START_TOO_EARLY,
    MetadataChanged,
    TransitionRefused,
    consultation_can_start,
    consultation_end,
    consultation_join,
    consultation_start,
    consultation_update_metadata,
)
from core import clock
from tests.appointments.factories import OnlineAppointmentFactory
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.clients import doctor_portal_client
from tests.users.factories import StaffFactory
from users.models import Role

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY = "2031-01-06", "2031-01-07"


def local(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ZoneInfo(django_settings.TIME_ZONE))


@pytest.fixture
def set_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Freeze core.clock at a clinic-local day and "HH:MM" (as tests/appointments/conftest.py does)."""

    def freeze(day: str, hhmm: str) -> None:
        instant = local(day, hhmm)
        monkeypatch.setattr(clock, "now", lambda: instant)

    return freeze


def open_rooms(appointment: Appointment) -> int:
    return VideoConsultation.objects.filter(appointment=appointment, status__in=OPEN_STATUSES).count()


# --- the visit's window ------------------------------------------------------------------------------------


def test_a_call_cannot_be_started_before_the_visits_window(set_clock) -> None:
    set_clock(MONDAY, "19:00")  # 14 hours early
    appointment = OnlineAppointmentFactory(appointment_date=TUESDAY, time_slot="09:00 AM")
    with pytest.raises(TransitionRefused) as caught:
        consultation_start(doctor=appointment.doctor, appointment=appointment)
    assert caught.value.message == "This video call can be started from 08:45 AM on 2031-01-07."
    assert caught.value.message == MSG_START_TOO_EARLY.format(opens="08:45 AM on 2031-01-07")
    assert not VideoConsultation.objects.exists()
    assert not consultation_can_start(appointment=appointment)  # the portal's Start button
    set_clock(TUESDAY, "08:44")
    assert not consultation_can_start(appointment=appointment)


def test_a_call_can_be_started_from_the_visits_window(set_clock) -> None:
    appointment = OnlineAppointmentFactory(appointment_date=TUESDAY, time_slot="09:00 AM")
    set_clock(TUESDAY, "08:45")
    assert consultation_can_start(appointment=appointment)
    consultation, created = consultation_start(doctor=appointment.doctor, appointment=appointment)
    assert created
    assert consultation.status == ConsultationStatus.SCHEDULED


def test_a_patient_ending_a_call_before_the_window_does_not_complete_the_appointment(set_clock) -> None:
    # A room opened early (e.g. before this rule existed): the call ends, the visit stays to be completed.
    set_clock(MONDAY, "19:00")
    appointment = OnlineAppointmentFactory(appointment_date=TUESDAY, time_slot="09:00 AM")
    consultation = VideoConsultationFactory(
        appointment=appointment,
        status=ConsultationStatus.IN_PROGRESS,
        doctor_joined_at=local(MONDAY, "18:50"),
        patient_joined_at=local(MONDAY, "18:51"),
        actual_start_time=local(MONDAY, "18:51"),
    )
    consultation = consultation_end(consultation=consultation, ended_by=EndedBy.PATIENT)
    assert consultation.status == ConsultationStatus.COMPLETED
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


# --- a cancel racing a start ---------------------------------------------------------------------------------


def test_a_start_that_read_the_appointment_before_its_cancel_opens_no_room(set_clock) -> None:
    set_clock(TUESDAY, "09:00")
    appointment = OnlineAppointmentFactory(appointment_date=TUESDAY, time_slot="09:00 AM")
    stale = Appointment.objects.get(pk=appointment.pk)  # the start's read, before the cancel
    appointment_cancel(appointment=appointment, by=Actor.STAFF)  # the cancel's follow-up finds no room yet
    with pytest.raises(TransitionRefused) as caught:
        consultation_start(doctor=stale.doctor, appointment=stale)
    assert caught.value.message == MSG_NOT_CONFIRMED
    assert open_rooms(appointment) == 0
    room = VideoConsultation.objects.get(appointment=appointment)
    assert (room.status, room.ended_by, room.cancellation_reason) == (
        ConsultationStatus.CANCELLED,
        EndedBy.SYSTEM,
        MSG_APPOINTMENT_CANCELLED,
    )


def test_a_patient_cannot_join_the_room_of_a_cancelled_appointment() -> None:
    consultation = VideoConsultationFactory()
    # The appointment is cancelled; its follow-up (closing the room) has not run yet.
    Appointment.objects.filter(pk=consultation.appointment_id).update(status=AppointmentStatus.CANCELLED)
    with pytest.raises(TransitionRefused) as caught:
        consultation_join(consultation=consultation, participant=EndedBy.PATIENT)
    assert caught.value.message == MSG_CANNOT_JOIN
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
    assert consultation.patient_joined_at is None


def test_a_call_of_a_cancelled_appointment_cannot_be_ended() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.IN_PROGRESS)
    Appointment.objects.filter(pk=consultation.appointment_id).update(status=AppointmentStatus.CANCELLED)
    with pytest.raises(TransitionRefused) as caught:
        consultation_end(consultation=consultation, ended_by=EndedBy.PATIENT)
    assert caught.value.message == MSG_CANNOT_END
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED


ROUNDS = 64


def _in_thread(barrier: threading.Barrier, errors: list[Exception], body: Callable[[], None]) -> threading.Thread:
    """A thread that waits at the barrier, runs `body`, keeps any error for the test and closes its connection."""

    def run() -> None:
        try:
            barrier.wait()
            body()
        except Exception as exc:  # handed back to the test to assert on
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _race_start_and_cancel(appointment: Appointment) -> tuple[list[Exception], int]:
    """One round: the doctor starts the call, the member cancels, and the patient keeps trying to join, in
    three threads released together. Returns the errors and how many joins begun after the cancel returned
    succeeded."""
    barrier = threading.Barrier(3)
    cancel_returned, finished = threading.Event(), threading.Event()
    errors: list[Exception] = []
    late_joins: list[str] = []

    def start() -> None:
        stale = Appointment.objects.get(pk=appointment.pk)
        with contextlib.suppress(TransitionRefused):
            consultation_start(doctor=stale.doctor, appointment=stale)

    def cancel() -> None:
        appointment_cancel(appointment=Appointment.objects.get(pk=appointment.pk), by=Actor.STAFF)
        cancel_returned.set()

    def join() -> None:
        while not finished.is_set():
            after_cancel = cancel_returned.is_set()
            for room in VideoConsultation.objects.filter(appointment=appointment):
                try:
                    consultation_join(consultation=room, participant=EndedBy.PATIENT)
                except TransitionRefused:
                    continue
                if after_cancel:
                    late_joins.append(room.consultation_id)

    racers = [_in_thread(barrier, errors, start), _in_thread(barrier, errors, cancel)]
    joiner = _in_thread(barrier, errors, join)
    for thread in racers:
        thread.join()
    finished.set()
    joiner.join()
    return errors, len(late_joins)


@pytest.mark.django_db(transaction=True)
def test_a_start_racing_a_cancel_never_leaves_an_open_room_nor_a_late_join(set_clock) -> None:
    set_clock(TUESDAY, "09:00")
    late_joins = 0
    for _ in range(ROUNDS):
        appointment = OnlineAppointmentFactory(appointment_date=TUESDAY, time_slot="09:00 AM")
        errors, late = _race_start_and_cancel(appointment)
        assert errors == []
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CANCELLED
        assert open_rooms(appointment) == 0
        late_joins += late
        # A join tried after the cancel returned is refused, whatever the race left.
        for room in VideoConsultation.objects.filter(appointment=appointment):
            with pytest.raises(TransitionRefused, match=MSG_CANNOT_JOIN):
                consultation_join(consultation=room, participant=EndedBy.PATIENT)
    assert late_joins == 0


# --- staff edits guarded by the values they read -------------------------------------------------------------


def test_a_metadata_update_is_refused_when_the_field_changed_since_it_was_read() -> None:
    consultation = VideoConsultationFactory(video_quality="SD")
    consultation_update_metadata(
        consultation=consultation, changes={"video_quality": "HD"}, read={"video_quality": "SD"}
    )
    with pytest.raises(MetadataChanged) as caught:
        consultation_update_metadata(
            consultation=consultation, changes={"video_quality": "4K"}, read={"video_quality": "SD"}
        )
    assert caught.value.message == MSG_METADATA_CHANGED
    consultation.refresh_from_db()
    assert consultation.video_quality == "HD"


@pytest.fixture
def operations(client: Client) -> Client:
    """Staff who may set recording metadata: ADMIN only since issue 16 (operations change nothing clinical)."""
    client.force_login(StaffFactory(role=Role.ADMIN))
    return client


def _form_data(client: Client, consultation: VideoConsultation) -> dict[str, str]:
    """The change form as the staff member's browser would post it back: the fields and their hidden
    initial values (what the page showed)."""
    url = reverse("admin:consultations_videoconsultation_change", args=[consultation.pk])
    form = client.get(url).context["adminform"].form
    data: dict[str, str] = {}
    for name in form.fields:
        value = form[name].value()
        rendered = "" if value is None else str(value)
        if name == "recording_enabled":
            if value:
                data[name] = "on"
        else:
            data[name] = rendered
        data[form[name].html_initial_name] = rendered
    return data


def test_an_admin_save_racing_another_change_of_the_same_field_writes_nothing(operations: Client) -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED, video_quality="SD")
    data = _form_data(operations, consultation)  # the page, loaded
    VideoConsultation.objects.filter(pk=consultation.pk).update(video_quality="HD")  # someone else's save, meanwhile
    url = reverse("admin:consultations_videoconsultation_change", args=[consultation.pk])
    response = operations.post(url, {**data, "video_quality": "720p", "audio_quality": "Good"}, follow=True)
    assert MSG_METADATA_CHANGED in [str(m) for m in response.context["messages"]]
    assert "was changed successfully" not in response.content.decode()
    consultation.refresh_from_db()
    assert (consultation.video_quality, consultation.audio_quality) == ("HD", None)  # nothing written


def test_an_admin_save_writes_only_the_changed_fields(operations: Client) -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.SCHEDULED, video_quality="SD")
    data = _form_data(operations, consultation)
    # Meanwhile the call moves on and someone else sets the video quality.
    consultation_join(consultation=consultation, participant=EndedBy.PATIENT)
    VideoConsultation.objects.filter(pk=consultation.pk).update(video_quality="HD")
    url = reverse("admin:consultations_videoconsultation_change", args=[consultation.pk])
    response = operations.post(url, {**data, "audio_quality": "Good"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.audio_quality == "Good"
    assert consultation.video_quality == "HD"  # not put back to the page's "SD"
    assert consultation.patient_joined_at is not None  # the join is kept


def test_the_appointment_page_says_from_when_the_call_can_start(set_clock) -> None:
    set_clock(MONDAY, "19:00")
    appointment = OnlineAppointmentFactory(appointment_date=TUESDAY, time_slot="09:00 AM")
    client = doctor_portal_client(appointment.doctor)
    html = client.get(appointment_url(appointment)).content.decode()
    assert "Start video consultation" not in html
    assert "The video consultation can be started from 08:45 AM on 2031-01-07." in html
    set_clock(TUESDAY, "08:45")
    html = client.get(appointment_url(appointment)).content.decode()
    assert "Start video consultation" in html
    assert "can be started from" not in html

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from django.db import connection, connections

from appointments.models import AppointmentStatus, AppointmentType
from consultations.models import ConsultationStatus, EndedBy, VideoConsultation
from consultations.services import (
    DEFAULT_CANCELLATION_REASON,
    MAX_NETWORK_ISSUES,
    MSG_CANNOT_CANCEL,
    MSG_CANNOT_END,
    MSG_CANNOT_JOIN,
    MSG_CANNOT_MARK_NO_SHOW,
    MSG_CANNOT_REPORT_ISSUE,
    MSG_FEEDBACK_ALREADY_GIVEN,
    MSG_FEEDBACK_NOT_COMPLETED,
    MSG_NO_SHOW_TOO_EARLY,
    MSG_NOT_CONFIRMED,
    MSG_NOT_ONLINE,
    MSG_PATIENT_HAS_JOINED,
    MSG_TOO_MANY_ISSUES,
    TransitionRefused,
    consultation_cancel,
    consultation_end,
    consultation_give_feedback,
    consultation_join,
    consultation_mark_no_show,
    consultation_report_network_issue,
    consultation_start,
    consultation_update_metadata,
)
from core import clock
from core.errors import NotFound
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.consultations.factories import BegunOnlineAppointmentFactory, VideoConsultationFactory
from tests.doctors.factories import DoctorFactory

pytestmark = pytest.mark.django_db

ALL = list(ConsultationStatus)
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SIDES = (EndedBy.DOCTOR, EndedBy.PATIENT)
T = TypeVar("T")


def at(now: datetime, step: Callable[..., T], **kwargs: Any) -> T:
    """Run a service step with core.clock reading `now` (how tests move time: tests/appointments/conftest.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: now)
        return step(**kwargs)


def in_threads(count: int, target: Callable[[int], object]) -> list[object]:
    """Run `target(i)` in `count` threads released together; each thread closes its own connection."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # handed back to the test to assert on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def started(status: str = ConsultationStatus.SCHEDULED, **kwargs: object) -> VideoConsultation:
    """A consultation in `status`, with the timestamps that status implies."""
    extra: dict[str, object] = {}
    if status != ConsultationStatus.SCHEDULED:
        extra = {"doctor_joined_at": T0, "patient_joined_at": T0, "actual_start_time": T0}
    return VideoConsultationFactory(status=status, scheduled_start_time=T0, **{**extra, **kwargs})


# --- start ----------------------------------------------------------------------------------------------


def test_start_creates_the_room_of_a_confirmed_online_appointment(settings: object) -> None:
    settings.JITSI_DOMAIN = "meet.example.test"
    appointment = OnlineAppointmentFactory(appointment_date="2026-03-10", time_slot="02:30 PM")
    consultation, created = consultation_start(doctor=appointment.doctor, appointment=appointment)
    assert created
    assert re.fullmatch(r"VC-\d{10}", consultation.consultation_id)
    assert re.fullmatch(r"opd-wallet-vc-[0-9a-f]{32}", consultation.room_id)
    assert consultation.room_name == f"{appointment.doctor.name} - {appointment.patient_name} Consultation"
    assert consultation.jitsi_domain == "meet.example.test"
    assert consultation.room_url == f"https://meet.example.test/{consultation.room_id}"
    assert len(consultation.room_password) >= 16
    assert consultation.status == ConsultationStatus.SCHEDULED
    assert consultation.doctor_id == appointment.doctor.pk  # the doctor document's _id (docs/decisions/0012)
    assert consultation.patient_id == appointment.user_id
    assert consultation.doctor_name == appointment.doctor.name
    assert consultation.patient_name == appointment.patient_name


def test_scheduled_start_is_the_appointment_time_in_clinic_time_stored_as_utc() -> None:
    appointment = OnlineAppointmentFactory(appointment_date="2026-03-10", time_slot="02:30 PM")
    consultation, _ = consultation_start(doctor=appointment.doctor, appointment=appointment)
    consultation.refresh_from_db()
    assert consultation.scheduled_start_time == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 14:30 Asia/Kolkata
    stored = connection.get_collection("video_consultations").find_one({"_id": consultation.pk})
    assert stored["scheduledStartTime"] == datetime(2026, 3, 10, 9, 0)  # noqa: DTZ001 - BSON dates are UTC


def test_starting_twice_returns_the_open_consultation() -> None:
    appointment = BegunOnlineAppointmentFactory()
    first, _ = consultation_start(doctor=appointment.doctor, appointment=appointment)
    consultation_join(consultation=first, participant=EndedBy.DOCTOR)
    consultation_join(consultation=first, participant=EndedBy.PATIENT)
    again, created = consultation_start(doctor=appointment.doctor, appointment=appointment)
    assert not created
    assert again.pk == first.pk
    assert again.status == ConsultationStatus.IN_PROGRESS


def test_two_quick_starts_never_make_two_rooms() -> None:
    for _round in range(5):
        appointment = BegunOnlineAppointmentFactory()
        results = in_threads(8, lambda _i, a=appointment: consultation_start(doctor=a.doctor, appointment=a))
        assert all(isinstance(result, tuple) for result in results), results
        assert {result[0].pk for result in results} == {VideoConsultation.objects.get(appointment=appointment).pk}
        assert sum(created for _, created in results) == 1


def test_a_cancelled_consultation_can_be_started_again() -> None:
    appointment = BegunOnlineAppointmentFactory()
    first, _ = consultation_start(doctor=appointment.doctor, appointment=appointment)
    consultation_cancel(consultation=first, cancelled_by=EndedBy.DOCTOR)
    second, created = consultation_start(doctor=appointment.doctor, appointment=appointment)
    assert created
    assert second.pk != first.pk
    assert second.room_id != first.room_id


def test_another_doctors_appointment_is_not_found() -> None:
    appointment = BegunOnlineAppointmentFactory()
    with pytest.raises(NotFound):
        consultation_start(doctor=DoctorFactory(), appointment=appointment)
    assert not VideoConsultation.objects.exists()


def test_only_an_online_appointment_can_be_started() -> None:
    appointment = AppointmentFactory(appointment_type=AppointmentType.IN_CLINIC)
    with pytest.raises(TransitionRefused, match=MSG_NOT_ONLINE):
        consultation_start(doctor=appointment.doctor, appointment=appointment)


@pytest.mark.parametrize("status", [s for s in AppointmentStatus if s != AppointmentStatus.CONFIRMED])
def test_only_a_confirmed_appointment_can_be_started(status: str) -> None:
    appointment = BegunOnlineAppointmentFactory(status=status)
    with pytest.raises(TransitionRefused, match=MSG_NOT_CONFIRMED):
        consultation_start(doctor=appointment.doctor, appointment=appointment)


def _longest_common_substring(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def test_room_ids_are_not_predictable_from_the_consultation_id_or_time() -> None:
    rooms = []
    for _ in range(2):
        appointment = BegunOnlineAppointmentFactory()
        consultation, _ = consultation_start(doctor=appointment.doctor, appointment=appointment)
        rooms.append(consultation)
    for consultation in rooms:
        secret = consultation.room_id.removeprefix("opd-wallet-vc-")
        digits = consultation.consultation_id.removeprefix("VC-")
        created = consultation.created_at
        assert digits not in secret
        for clue in (str(int(created.timestamp())), str(int(created.timestamp() * 1000)), f"{created:%Y%m%d}"):
            assert clue not in secret
        assert consultation.room_password not in consultation.room_url
    a, b = (c.room_id.removeprefix("opd-wallet-vc-") for c in rooms)
    assert _longest_common_substring(a, b) < 8  # two rooms share nothing beyond the prefix
    assert rooms[0].room_password != rooms[1].room_password


# --- join -----------------------------------------------------------------------------------------------


def test_one_participant_joining_keeps_the_consultation_scheduled() -> None:
    consultation = at(T0, consultation_join, consultation=started(), participant=EndedBy.DOCTOR)
    assert consultation.status == ConsultationStatus.SCHEDULED
    assert consultation.doctor_joined_at == T0
    assert consultation.patient_joined_at is None
    assert consultation.actual_start_time is None


def test_both_joined_moves_scheduled_to_in_progress_at_the_second_join() -> None:
    consultation = started()
    at(T0, consultation_join, consultation=consultation, participant=EndedBy.PATIENT)
    later = T0 + timedelta(minutes=2)
    consultation = at(later, consultation_join, consultation=consultation, participant=EndedBy.DOCTOR)
    assert consultation.status == ConsultationStatus.IN_PROGRESS
    assert consultation.patient_joined_at == T0
    assert consultation.doctor_joined_at == T0 + timedelta(minutes=2)
    assert consultation.actual_start_time == T0 + timedelta(minutes=2)


def test_rejoining_keeps_the_first_join_time_and_the_start() -> None:
    consultation = started(ConsultationStatus.IN_PROGRESS)
    consultation = at(T0 + timedelta(5), consultation_join, consultation=consultation, participant=EndedBy.PATIENT)
    assert consultation.status == ConsultationStatus.IN_PROGRESS
    assert consultation.patient_joined_at == T0
    assert consultation.actual_start_time == T0


def test_doctor_and_patient_joining_at_the_same_moment_both_count() -> None:
    for _round in range(10):
        consultation = started()
        results = in_threads(2, lambda i, c=consultation: consultation_join(consultation=c, participant=SIDES[i]))
        assert not [r for r in results if isinstance(r, Exception)], results
        consultation.refresh_from_db()
        assert consultation.status == ConsultationStatus.IN_PROGRESS
        assert consultation.doctor_joined_at and consultation.patient_joined_at
        assert consultation.actual_start_time == max(consultation.doctor_joined_at, consultation.patient_joined_at)


@pytest.mark.parametrize(
    "status", [ConsultationStatus.COMPLETED, ConsultationStatus.CANCELLED, ConsultationStatus.NO_SHOW]
)
@pytest.mark.parametrize("participant", [EndedBy.DOCTOR, EndedBy.PATIENT])
def test_a_finished_consultation_cannot_be_joined(status: str, participant: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_JOIN):
        consultation_join(consultation=started(status), participant=participant)


# --- end ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ended_by", list(EndedBy))
def test_in_progress_ends_as_completed_with_duration_rounded_up(ended_by: str) -> None:
    consultation = started(ConsultationStatus.IN_PROGRESS)
    end = T0 + timedelta(minutes=14, seconds=1)
    consultation = at(end, consultation_end, consultation=consultation, ended_by=ended_by)
    assert consultation.status == ConsultationStatus.COMPLETED
    assert consultation.end_time == end
    assert consultation.duration == 15
    assert consultation.ended_by == ended_by


def test_completing_the_consultation_completes_the_appointment() -> None:
    consultation = started(ConsultationStatus.IN_PROGRESS)
    consultation_end(consultation=consultation, ended_by=EndedBy.DOCTOR)
    consultation.appointment.refresh_from_db()
    assert consultation.appointment.status == AppointmentStatus.COMPLETED


def test_ending_tolerates_an_appointment_already_completed() -> None:
    consultation = started(
        ConsultationStatus.IN_PROGRESS, appointment=BegunOnlineAppointmentFactory(status=AppointmentStatus.COMPLETED)
    )
    consultation = consultation_end(consultation=consultation, ended_by=EndedBy.PATIENT)
    assert consultation.status == ConsultationStatus.COMPLETED


def test_ending_with_a_stale_copy_uses_the_stored_start() -> None:
    consultation = started()
    stale = VideoConsultation.objects.get(pk=consultation.pk)
    at(T0, consultation_join, consultation=consultation, participant=EndedBy.DOCTOR)
    at(T0 + timedelta(minutes=1), consultation_join, consultation=consultation, participant=EndedBy.PATIENT)
    stale = at(T0 + timedelta(minutes=11), consultation_end, consultation=stale, ended_by=EndedBy.DOCTOR)
    assert stale.duration == 10


@pytest.mark.parametrize("status", [s for s in ALL if s != ConsultationStatus.IN_PROGRESS])
def test_only_a_consultation_in_progress_can_be_ended(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_END):
        consultation_end(consultation=started(status), ended_by=EndedBy.DOCTOR)


def test_a_consultation_ends_only_once() -> None:
    consultation = started(ConsultationStatus.IN_PROGRESS)
    results = in_threads(4, lambda _i: consultation_end(consultation=consultation, ended_by=EndedBy.DOCTOR))
    assert sum(isinstance(r, VideoConsultation) for r in results) == 1
    assert all(str(r) == MSG_CANNOT_END for r in results if isinstance(r, Exception))


# --- cancel and no-show ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ConsultationStatus.SCHEDULED, ConsultationStatus.IN_PROGRESS])
def test_an_open_consultation_can_be_cancelled_with_a_reason(status: str) -> None:
    consultation = at(
        T0,
        consultation_cancel,
        consultation=started(status),
        cancelled_by=EndedBy.DOCTOR,
        reason="Patient asked to reschedule",
    )
    assert consultation.status == ConsultationStatus.CANCELLED
    assert consultation.cancellation_reason == "Patient asked to reschedule"
    assert consultation.ended_by == EndedBy.DOCTOR
    assert consultation.end_time == T0


def test_cancelling_without_a_reason_records_the_default_one() -> None:
    consultation = consultation_cancel(consultation=started(), cancelled_by=EndedBy.DOCTOR, reason="  ")
    assert consultation.cancellation_reason == DEFAULT_CANCELLATION_REASON


@pytest.mark.parametrize(
    "status", [ConsultationStatus.COMPLETED, ConsultationStatus.CANCELLED, ConsultationStatus.NO_SHOW]
)
def test_a_finished_consultation_cannot_be_cancelled(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_CANCEL):
        consultation_cancel(consultation=started(status), cancelled_by=EndedBy.DOCTOR)


def test_scheduled_becomes_no_show_after_the_start_when_the_patient_never_joined() -> None:
    consultation = at(T0 + timedelta(1), consultation_mark_no_show, consultation=started(doctor_joined_at=T0))
    assert consultation.status == ConsultationStatus.NO_SHOW
    assert consultation.ended_by == EndedBy.DOCTOR


@pytest.mark.parametrize("status", [s for s in ALL if s != ConsultationStatus.SCHEDULED])
def test_only_a_scheduled_consultation_can_be_a_no_show(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_MARK_NO_SHOW):
        at(T0 + timedelta(hours=1), consultation_mark_no_show, consultation=started(status))


def test_no_show_is_refused_once_the_patient_has_joined() -> None:
    with pytest.raises(TransitionRefused, match=MSG_PATIENT_HAS_JOINED):
        at(T0 + timedelta(hours=1), consultation_mark_no_show, consultation=started(patient_joined_at=T0))


def test_no_show_is_refused_before_the_scheduled_start() -> None:
    with pytest.raises(TransitionRefused, match=MSG_NO_SHOW_TOO_EARLY):
        at(T0 - timedelta(minutes=1), consultation_mark_no_show, consultation=started())


# --- feedback -------------------------------------------------------------------------------------------


def test_each_side_gives_feedback_once_and_both_are_kept() -> None:
    consultation = started(ConsultationStatus.COMPLETED)
    consultation_give_feedback(
        consultation=consultation,
        participant=EndedBy.PATIENT,
        rating=5,
        comments="Very helpful, $set {not an operator}",
    )
    consultation = consultation_give_feedback(consultation=consultation, participant=EndedBy.DOCTOR, rating=4)
    assert consultation.feedback.doctor_rating == 5
    assert consultation.feedback.patient_comments == "Very helpful, $set {not an operator}"
    assert consultation.feedback.patient_rating == 4
    assert consultation.feedback.doctor_comments is None


@pytest.mark.parametrize("participant", [EndedBy.DOCTOR, EndedBy.PATIENT])
def test_feedback_twice_is_refused(participant: str) -> None:
    consultation = started(ConsultationStatus.COMPLETED)
    consultation_give_feedback(consultation=consultation, participant=participant, rating=5)
    with pytest.raises(TransitionRefused, match=MSG_FEEDBACK_ALREADY_GIVEN):
        consultation_give_feedback(consultation=consultation, participant=participant, rating=1)
    consultation.refresh_from_db()
    feedback = consultation.feedback
    assert (feedback.doctor_rating if participant == EndedBy.PATIENT else feedback.patient_rating) == 5


def test_simultaneous_feedback_is_taken_once() -> None:
    consultation = started(ConsultationStatus.COMPLETED)
    results = in_threads(
        4,
        lambda i: consultation_give_feedback(
            consultation=VideoConsultation.objects.get(pk=consultation.pk), participant=EndedBy.PATIENT, rating=i + 1
        ),
    )
    assert sum(isinstance(r, VideoConsultation) for r in results) == 1


@pytest.mark.parametrize("status", [s for s in ALL if s != ConsultationStatus.COMPLETED])
def test_feedback_only_after_completion(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_FEEDBACK_NOT_COMPLETED):
        consultation_give_feedback(consultation=started(status), participant=EndedBy.PATIENT, rating=5)


# --- network issues -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ConsultationStatus.SCHEDULED, ConsultationStatus.IN_PROGRESS])
def test_network_issues_are_appended_during_the_call(status: str) -> None:
    consultation = started(status)
    at(T0, consultation_report_network_issue, consultation=consultation, issue="Video froze", duration=12)
    consultation.refresh_from_db()
    assert [(i.timestamp, i.issue, i.duration) for i in consultation.network_issues] == [(T0, "Video froze", 12)]


def test_simultaneous_network_issues_are_all_kept() -> None:
    consultation = started(ConsultationStatus.IN_PROGRESS)
    in_threads(
        10, lambda i: consultation_report_network_issue(consultation=consultation, issue=f"drop {i}", duration=i)
    )
    consultation.refresh_from_db()
    assert sorted(issue.issue for issue in consultation.network_issues) == sorted(f"drop {i}" for i in range(10))


@pytest.mark.parametrize(
    "status", [ConsultationStatus.COMPLETED, ConsultationStatus.CANCELLED, ConsultationStatus.NO_SHOW]
)
def test_network_issues_only_while_the_call_is_open(status: str) -> None:
    with pytest.raises(TransitionRefused, match=MSG_CANNOT_REPORT_ISSUE):
        consultation_report_network_issue(consultation=started(status), issue="lag", duration=1)


def test_network_issues_are_bounded() -> None:
    consultation = started(ConsultationStatus.IN_PROGRESS)
    connection.get_collection("video_consultations").update_one(
        {"_id": consultation.pk},
        {"$set": {"networkIssues": [{"timestamp": T0, "issue": "x", "duration": 1}] * MAX_NETWORK_ISSUES}},
    )
    with pytest.raises(TransitionRefused, match=MSG_TOO_MANY_ISSUES):
        consultation_report_network_issue(consultation=consultation, issue="one more", duration=1)


# --- staff metadata -------------------------------------------------------------------------------------


def test_staff_metadata_update_never_overwrites_the_status() -> None:
    consultation = started()
    stale = VideoConsultation.objects.get(pk=consultation.pk)
    consultation_cancel(consultation=consultation, cancelled_by=EndedBy.DOCTOR)
    changes = {"recording_enabled": True, "recording_size": 12.5}
    read = {"recording_enabled": stale.recording_enabled, "recording_size": stale.recording_size}
    stale = consultation_update_metadata(consultation=stale, changes=changes, read=read)
    assert stale.status == ConsultationStatus.CANCELLED
    assert stale.recording_enabled
    assert stale.recording_size == 12.5


def test_staff_cannot_change_workflow_fields_through_metadata() -> None:
    with pytest.raises(ValueError, match="status"):
        consultation_update_metadata(
            consultation=started(), changes={"status": ConsultationStatus.COMPLETED}, read={"status": "SCHEDULED"}
        )

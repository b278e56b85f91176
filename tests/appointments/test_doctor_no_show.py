"""A doctor who does not show: an ONLINE CONFIRMED visit whose video room the doctor has not opened
DOCTOR_NO_SHOW_MINUTES (10) after its start is flagged for operations in the admin, and its member may cancel
it at once whatever the cut-off (docs/booking.md#a-doctor-who-does-not-show)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from appointments.events import AppointmentEvent, _listeners
from appointments.models import Actor, Appointment
from appointments.selectors import appointment_doctor_late, doctor_late_appointment_ids
from appointments.services.booking import MSG_CANNOT_CANCEL_STARTED, MSG_DOCTOR_DID_NOT_JOIN, appointment_reschedule
from consultations.integrity import PROBLEM_OPENING_NOT_RECORDED, PROBLEM_ROOM_FOR_OLD_TIME
from consultations.models import ConsultationStatus, VideoConsultation
from consultations.services import MSG_APPOINTMENT_RESCHEDULED, consultation_start
from core.integrity import integrity_audit
from devtools.query_plans import query_plans
from tests.appointments.conftest import MONDAY
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory, P
from tests.doctors.factories import DoctorSlotFactory
from tests.users.factories import StaffFactory
from users.models import Role

pytestmark = pytest.mark.django_db

Clock = Callable[[str, str], None]


@pytest.fixture
def visit(member) -> Appointment:
    """John Doe's video call, Monday 09:00, confirmed, with a place held."""
    return OnlineAppointmentFactory(user=member, appointment_date=MONDAY, time_slot="09:00 AM", place_number=1)


def fresh(appointment: Appointment) -> Appointment:
    return Appointment.objects.get(pk=appointment.pk)


def test_the_doctor_is_late_from_ten_minutes_after_the_start(visit, set_clock: Clock) -> None:
    set_clock(MONDAY, "09:09")
    assert not appointment_doctor_late(visit)
    assert doctor_late_appointment_ids() == []
    set_clock(MONDAY, "09:10")
    assert appointment_doctor_late(visit)
    assert doctor_late_appointment_ids() == [visit.pk]


def test_the_minutes_are_a_setting(visit, set_clock: Clock, settings) -> None:
    settings.DOCTOR_NO_SHOW_MINUTES = 30
    set_clock(MONDAY, "09:29")
    assert not appointment_doctor_late(visit)
    set_clock(MONDAY, "09:30")
    assert appointment_doctor_late(visit)


def test_a_doctor_who_opened_the_room_is_not_late(visit, set_clock: Clock) -> None:
    set_clock(MONDAY, "08:50")
    consultation_start(doctor=visit.doctor, appointment=visit)
    set_clock(MONDAY, "09:30")
    assert fresh(visit).video_opened_at is not None
    assert not appointment_doctor_late(fresh(visit))
    assert doctor_late_appointment_ids() == []


def test_only_confirmed_online_visits_can_have_a_late_doctor(member, set_clock: Clock) -> None:
    AppointmentFactory(user=member, appointment_date=MONDAY, time_slot="09:00 AM")  # in the clinic
    OnlineAppointmentFactory(user=member, appointment_date=MONDAY, time_slot="09:00 AM", status=P)
    set_clock(MONDAY, "10:00")
    assert doctor_late_appointment_ids() == []


def test_the_member_may_cancel_at_once_when_the_doctor_did_not_show(
    visit, api, set_clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[dict] = []
    monkeypatch.setitem(_listeners, AppointmentEvent.CANCELLED, [lambda **event: heard.append(event)])
    url = f"/api/v1/appointments/{visit.appointment_id}/cancel"
    set_clock(MONDAY, "09:09")
    assert (api.post(url).status_code, api.post(url).json()) == (409, {"detail": MSG_CANNOT_CANCEL_STARTED})

    set_clock(MONDAY, "09:10")
    response = api.post(url, {"cancellationReason": "no one came"}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["cancelledBy"], response.json()["cancellationReason"]) == (
        "MEMBER",
        MSG_DOCTOR_DID_NOT_JOIN,
    )
    assert "placeNumber" not in connection.get_collection("appointments").find_one({"_id": visit.pk})
    assert [(event["by"], event["doctor_no_show"]) for event in heard] == [(Actor.MEMBER, True)]


def test_the_admin_flags_visits_whose_doctor_did_not_show(visit, set_clock: Clock) -> None:
    other = OnlineAppointmentFactory(appointment_date=MONDAY, time_slot="11:00 AM")  # not yet late
    set_clock(MONDAY, "09:15")
    admin = Client()
    admin.force_login(StaffFactory(role=Role.OPERATIONS))
    changelist = reverse("admin:appointments_appointment_changelist")

    flagged = admin.get(changelist, {"doctor_no_show": "yes"})

    assert flagged.status_code == 200
    html = flagged.content.decode()
    assert visit.appointment_id in html and other.appointment_id not in html
    assert "Doctor did not show" in html
    assert admin.get(changelist).status_code == 200


def test_a_reschedule_closes_the_old_times_room_and_forgets_it_was_opened(visit, set_clock: Clock) -> None:
    DoctorSlotFactory(doctor=visit.doctor, start_time="09:00", end_time="12:00")
    set_clock(MONDAY, "08:50")
    consultation, _ = consultation_start(doctor=visit.doctor, appointment=visit)
    moved = appointment_reschedule(
        appointment=fresh(visit), appointment_date=MONDAY, time_slot="11:00 AM", by=Actor.DOCTOR
    )
    assert moved.video_opened_at is None
    assert "videoOpenedAt" not in connection.get_collection("appointments").find_one({"_id": visit.pk})
    room = VideoConsultation.objects.get(pk=consultation.pk)
    assert (room.status, room.cancellation_reason) == (ConsultationStatus.CANCELLED, MSG_APPOINTMENT_RESCHEDULED)


# --- audit_integrity: a crash between the two apps' writes ----------------------------------------------------


def problems() -> list[str]:
    return [finding.problem for _, finding in integrity_audit(since=MONDAY).problems]


def test_a_room_opened_without_its_record_is_found_and_repaired(visit, set_clock: Clock) -> None:
    set_clock(MONDAY, "08:50")
    consultation_start(doctor=visit.doctor, appointment=visit)
    appointments = connection.get_collection("appointments")
    appointments.update_one({"_id": visit.pk}, {"$unset": {"videoOpenedAt": ""}})  # killed before that write

    assert problems() == [PROBLEM_OPENING_NOT_RECORDED]
    integrity_audit(since=MONDAY, repair=True)
    assert appointments.find_one({"_id": visit.pk})["videoOpenedAt"] is not None
    assert problems() == []


def test_a_room_left_open_for_the_old_time_is_found_and_closed(visit, set_clock: Clock) -> None:
    DoctorSlotFactory(doctor=visit.doctor, start_time="09:00", end_time="12:00")
    set_clock(MONDAY, "08:50")
    consultation, _ = consultation_start(doctor=visit.doctor, appointment=visit)
    set_clock(MONDAY, "08:55")
    with pytest.MonkeyPatch.context() as patch:  # killed before the listener closed the room
        patch.setitem(_listeners, AppointmentEvent.RESCHEDULED, [])
        appointment_reschedule(appointment=fresh(visit), appointment_date=MONDAY, time_slot="11:00 AM", by=Actor.DOCTOR)

    assert problems() == [PROBLEM_ROOM_FOR_OLD_TIME]
    integrity_audit(since=MONDAY, repair=True)
    room = VideoConsultation.objects.get(pk=consultation.pk)
    assert (room.status, room.cancellation_reason) == (ConsultationStatus.CANCELLED, MSG_APPOINTMENT_RESCHEDULED)
    assert problems() == []


def test_the_admins_filter_is_one_query_on_the_status_index(visit) -> None:
    plans = query_plans(doctor_late_appointment_ids)
    assert [(plan.stage, plan.index) for plan in plans] == [("IXSCAN", "appointments_status_date")]

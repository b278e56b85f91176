"""Notice rules (docs/booking.md#notice-rules): the minimum booking notice, the booking horizon and the member's
cancel/move cut-off, to the minute with the frozen clock; the doctor's own values override the settings."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from appointments.models import AppointmentStatus
from appointments.selectors import MSG_DATE_TOO_FAR
from appointments.services.booking import (
    MSG_CANNOT_CANCEL_STARTED,
    MSG_MEMBER_CHANGE_CUTOFF,
    appointment_member_change_check,
)
from appointments.services.workflow import TransitionRefused
from core import clock
from doctors.models import Doctor
from doctors.schedule.notice import doctor_notice_rules_set, duration_possessive, duration_text, notice_rules
from mongo.raw import collection
from tests.admin_forms import form_errors, staff_client, submit_change
from tests.appointments.conftest import MONDAY, local
from tests.appointments.factories import AppointmentFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from users.models import User

pytestmark = pytest.mark.django_db

NOTICE_2H = "Bookings need at least 2 hours' notice; choose a time from {earliest}."
CUTOFF_2H = "Appointments can be cancelled or moved up to 2 hours before their time."


def times(api: APIClient, doctor: Doctor, day: str = MONDAY) -> list[str]:
    response = api.get(f"/api/v1/doctors/{doctor.doctor_id}/availability", {"date": day})
    assert response.status_code == 200, response.json()
    return [slot["timeSlot"] for slot in response.json()["slots"]]


def book(api: APIClient, doctor: Doctor, time_slot: str, day: str = MONDAY) -> Any:
    return api.post(
        "/api/v1/appointments",
        {
            "doctorId": doctor.doctor_id,
            "appointmentType": "ONLINE",
            "appointmentDate": day,
            "timeSlot": time_slot,
            "contactNumber": "+919876543210",
            "callPreference": "VIDEO",
        },
        format="json",
    )


def freeze_seconds(monkeypatch: pytest.MonkeyPatch, day: str, hhmmss: str) -> None:
    instant = local(day, hhmmss)
    monkeypatch.setattr(clock, "now", lambda: instant)


# --- minimum booking notice ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "first"),
    [
        ("07:00", "09:00 AM"),  # 120 minutes ahead: offered
        ("07:01", "09:30 AM"),  # 119 minutes ahead: hidden
        ("07:30", "09:30 AM"),  # exactly 120 again
    ],
)
def test_availability_hides_times_inside_the_minimum_notice(
    api: APIClient, set_clock: Callable[[str, str], None], now: str, first: str
) -> None:
    slot = DoctorSlotFactory(start_time="09:00", end_time="11:00")
    set_clock(MONDAY, now)
    assert times(api, slot.doctor)[0] == first


def test_notice_counts_whole_minutes_seconds_do_not_count(api: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    slot = DoctorSlotFactory(start_time="09:00", end_time="10:00")
    freeze_seconds(monkeypatch, MONDAY, "07:00:59")
    assert times(api, slot.doctor) == ["09:00 AM", "09:30 AM"]
    assert book(api, slot.doctor, "09:00 AM").status_code == 201


def test_booking_119_minutes_ahead_is_refused_naming_the_limit(
    api: APIClient, set_clock: Callable[[str, str], None]
) -> None:
    slot = DoctorSlotFactory(start_time="09:00", end_time="11:00")
    set_clock(MONDAY, "07:01")
    response = book(api, slot.doctor, "09:00 AM")
    message = NOTICE_2H.format(earliest="09:01 AM today")
    assert (response.status_code, response.json()) == (400, {"timeSlot": [message]})


def test_booking_exactly_the_notice_ahead_is_accepted(api: APIClient, set_clock: Callable[[str, str], None]) -> None:
    slot = DoctorSlotFactory(start_time="09:00", end_time="11:00")
    set_clock(MONDAY, "07:00")
    assert book(api, slot.doctor, "09:00 AM").status_code == 201


def test_notice_reaching_into_tomorrow_names_the_date(api: APIClient, set_clock: Callable[[str, str], None]) -> None:
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="22:00", end_time="23:30")
    set_clock(MONDAY, "22:30")
    assert times(api, slot.doctor) == []
    response = book(api, slot.doctor, "11:00 PM")
    assert response.json()["timeSlot"] == [NOTICE_2H.format(earliest="12:30 AM on 2031-01-07")]


def test_notice_setting_changes_the_default(
    api: APIClient, set_clock: Callable[[str, str], None], settings: Any
) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 90
    slot = DoctorSlotFactory(start_time="09:00", end_time="11:00")
    set_clock(MONDAY, "07:31")
    assert times(api, slot.doctor)[0] == "09:30 AM"
    response = book(api, slot.doctor, "09:00 AM")
    assert response.json()["timeSlot"][0] == (
        "Bookings need at least 90 minutes' notice; choose a time from 09:01 AM today."
    )


def test_a_doctor_s_own_notice_overrides_the_default(api: APIClient, set_clock: Callable[[str, str], None]) -> None:
    slot = DoctorSlotFactory(start_time="09:00", end_time="11:00")
    doctor_notice_rules_set(
        doctor=slot.doctor, booking_min_notice_minutes=60, booking_horizon_days=None, member_change_cutoff_minutes=None
    )
    set_clock(MONDAY, "08:00")
    assert times(api, slot.doctor)[0] == "09:00 AM"
    set_clock(MONDAY, "08:01")
    assert times(api, slot.doctor)[0] == "09:30 AM"
    assert book(api, slot.doctor, "09:00 AM").json()["timeSlot"][0] == (
        "Bookings need at least 1 hour's notice; choose a time from 09:01 AM today."
    )


def test_staff_and_doctor_moves_are_not_held_to_the_members_notice(set_clock: Callable[[str, str], None]) -> None:
    from appointments.models import Actor
    from appointments.services.booking import appointment_reschedule

    slot = DoctorSlotFactory(start_time="09:00", end_time="11:00")
    appointment = AppointmentFactory(doctor=slot.doctor, time_slot="10:30 AM", slot_id=slot.pk)
    set_clock(MONDAY, "08:45")
    for by in (Actor.STAFF, Actor.DOCTOR):
        moved = appointment_reschedule(
            appointment=appointment,
            appointment_date=MONDAY,
            time_slot="09:00 AM" if by == Actor.STAFF else "09:30 AM",
            by=by,
        )
        assert moved.time_slot == ("09:00 AM" if by == Actor.STAFF else "09:30 AM")


# --- booking horizon ------------------------------------------------------------------------------------------


def test_a_doctor_s_own_horizon_overrides_the_default(api: APIClient) -> None:
    slot = DoctorSlotFactory()
    doctor_notice_rules_set(
        doctor=slot.doctor, booking_min_notice_minutes=None, booking_horizon_days=7, member_change_cutoff_minutes=None
    )
    in_week, too_far = (clock.local_today() + timedelta(days=days) for days in (7, 14))
    assert times(api, slot.doctor, in_week.isoformat()) != []
    response = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": too_far.isoformat()})
    assert (response.status_code, response.json()) == (400, {"date": [MSG_DATE_TOO_FAR.format(days=7)]})
    response = book(api, slot.doctor, "09:00 AM", day=too_far.isoformat())
    assert (response.status_code, response.json()["appointmentDate"]) == (400, [MSG_DATE_TOO_FAR.format(days=7)])


# --- the member's cancel/move cut-off ----------------------------------------------------------------------------


@pytest.fixture
def ten_o_clock(member: User) -> Any:
    return AppointmentFactory(user=member, appointment_date=MONDAY, time_slot="10:00 AM")


@pytest.mark.parametrize("now", ["07:00", "08:00"])
def test_member_may_cancel_up_to_the_cut_off_at_the_limit_included(
    api: APIClient, set_clock: Callable[[str, str], None], ten_o_clock: Any, now: str
) -> None:
    set_clock(MONDAY, now)
    response = api.post(f"/api/v1/appointments/{ten_o_clock.appointment_id}/cancel")
    assert (response.status_code, response.json()["status"]) == (200, AppointmentStatus.CANCELLED)


def test_the_limit_minute_lasts_its_whole_minute(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, ten_o_clock: Any
) -> None:
    freeze_seconds(monkeypatch, MONDAY, "08:00:59")
    assert api.post(f"/api/v1/appointments/{ten_o_clock.appointment_id}/cancel").status_code == 200


@pytest.mark.parametrize("now", ["08:01", "09:30", "09:59"])
def test_member_cancel_inside_the_cut_off_is_409_naming_it(
    api: APIClient, set_clock: Callable[[str, str], None], ten_o_clock: Any, now: str
) -> None:
    set_clock(MONDAY, now)
    response = api.post(f"/api/v1/appointments/{ten_o_clock.appointment_id}/cancel")
    assert (response.status_code, response.json()) == (409, {"detail": CUTOFF_2H})
    ten_o_clock.refresh_from_db()
    assert ten_o_clock.status == AppointmentStatus.CONFIRMED


def test_once_begun_the_message_says_so(
    api: APIClient, set_clock: Callable[[str, str], None], ten_o_clock: Any
) -> None:
    set_clock(MONDAY, "10:00")
    response = api.post(f"/api/v1/appointments/{ten_o_clock.appointment_id}/cancel")
    assert (response.status_code, response.json()) == (409, {"detail": MSG_CANNOT_CANCEL_STARTED})


def test_a_doctor_s_own_cut_off_overrides_the_default(set_clock: Callable[[str, str], None], ten_o_clock: Any) -> None:
    doctor_notice_rules_set(
        doctor=ten_o_clock.doctor,
        booking_min_notice_minutes=None,
        booking_horizon_days=None,
        member_change_cutoff_minutes=24 * 60,
    )
    ten_o_clock.refresh_from_db()
    set_clock("2031-01-05", "10:00")
    appointment_member_change_check(appointment=ten_o_clock)  # exactly a day before: allowed
    set_clock("2031-01-05", "10:01")
    with pytest.raises(TransitionRefused) as refused:
        appointment_member_change_check(appointment=ten_o_clock)
    assert refused.value.message == MSG_MEMBER_CHANGE_CUTOFF.format(cutoff="1 day")


def test_cut_off_setting_changes_the_default(
    set_clock: Callable[[str, str], None], settings: Any, ten_o_clock: Any
) -> None:
    settings.MEMBER_CHANGE_CUTOFF_MINUTES = 30
    set_clock(MONDAY, "09:30")
    appointment_member_change_check(appointment=ten_o_clock)
    set_clock(MONDAY, "09:31")
    with pytest.raises(TransitionRefused, match="up to 30 minutes before"):
        appointment_member_change_check(appointment=ten_o_clock)


# --- the doctor's fields ------------------------------------------------------------------------------------------


def _raw(doctor: Doctor) -> dict:
    return collection("doctors").find_one({"_id": doctor.pk}) or {}


def test_rules_are_in_the_document_only_while_set() -> None:
    doctor = DoctorFactory()
    assert "bookingMinNoticeMinutes" not in _raw(doctor)
    doctor_notice_rules_set(
        doctor=doctor, booking_min_notice_minutes=30, booking_horizon_days=14, member_change_cutoff_minutes=0
    )
    raw = _raw(doctor)
    assert (raw["bookingMinNoticeMinutes"], raw["bookingHorizonDays"], raw["memberChangeCutoffMinutes"]) == (30, 14, 0)
    assert notice_rules(Doctor.objects.get(pk=doctor.pk)).change_cutoff_minutes == 0  # 0 is a value, not "unset"
    doctor = Doctor.objects.get(pk=doctor.pk)
    doctor.rating = 4.0
    doctor.save()  # a whole save leaves them alone
    assert _raw(doctor)["bookingHorizonDays"] == 14
    doctor_notice_rules_set(
        doctor=doctor, booking_min_notice_minutes=None, booking_horizon_days=None, member_change_cutoff_minutes=None
    )
    assert not {"bookingMinNoticeMinutes", "bookingHorizonDays", "memberChangeCutoffMinutes"} & set(_raw(doctor))
    assert notice_rules(Doctor.objects.get(pk=doctor.pk)) == notice_rules(None)


def test_the_admin_sets_and_clears_a_doctor_s_rules(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    url = f"/admin/doctors/doctor/{doctor.pk}/change/"
    response = submit_change(admin_client, url, booking_min_notice_minutes="45", member_change_cutoff_minutes="0")
    assert response.status_code == 302
    raw = _raw(doctor)
    assert (raw["bookingMinNoticeMinutes"], raw["memberChangeCutoffMinutes"]) == (45, 0)
    assert "bookingHorizonDays" not in raw
    response = submit_change(admin_client, url, booking_min_notice_minutes="")
    assert response.status_code == 302
    assert "bookingMinNoticeMinutes" not in _raw(doctor)
    assert _raw(doctor)["memberChangeCutoffMinutes"] == 0


def test_the_admin_refuses_rules_out_of_range(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    url = f"/admin/doctors/doctor/{doctor.pk}/change/"
    response = submit_change(admin_client, url, booking_horizon_days="0", booking_min_notice_minutes="20000")
    errors = form_errors(response)
    assert "Ensure this value is greater than or equal to 1." in errors
    assert "Ensure this value is less than or equal to 10080." in errors


@pytest.mark.parametrize(
    ("minutes", "text", "possessive"),
    [
        (120, "2 hours", "2 hours'"),
        (60, "1 hour", "1 hour's"),
        (90, "90 minutes", "90 minutes'"),
        (1, "1 minute", "1 minute's"),
        (2880, "2 days", "2 days'"),
    ],
)
def test_durations_read_naturally(minutes: int, text: str, possessive: str) -> None:
    assert (duration_text(minutes), duration_possessive(minutes)) == (text, possessive)


def test_the_portal_profile_shows_the_rules_in_force() -> None:
    from tests.doctors.clients import doctor_portal_client

    doctor = DoctorFactory()
    doctor_notice_rules_set(
        doctor=doctor, booking_min_notice_minutes=30, booking_horizon_days=None, member_change_cutoff_minutes=1440
    )
    html = doctor_portal_client(doctor).get("/portal/profile/").content.decode()
    assert "Patients book at least 30 minutes ahead" in html
    assert "Up to 90 days ahead" in html
    assert "Patients can cancel or move up to 1 day before the visit" in html


def test_members_see_each_doctor_s_rules_in_force(api: APIClient) -> None:
    own = DoctorFactory()
    doctor_notice_rules_set(
        doctor=own, booking_min_notice_minutes=30, booking_horizon_days=None, member_change_cutoff_minutes=1440
    )
    default = DoctorFactory()
    body = api.get(f"/api/v1/doctors/{own.doctor_id}").json()
    assert body["bookingRules"] == {"minNoticeMinutes": 30, "horizonDays": 90, "changeCutoffMinutes": 1440}
    listed = {d["doctorId"]: d["bookingRules"] for d in api.get("/api/v1/doctors").json()["results"]}
    assert listed[default.doctor_id] == {"minNoticeMinutes": 120, "horizonDays": 90, "changeCutoffMinutes": 120}
    assert "bookingMinNoticeMinutes" not in body  # the doctor's own fields stay internal

"""Attacks on search's stored next free times (appointments/next_free_store.py, decisions 0073 and 0077).

One reusable check, `assert_search_agrees`: for every doctor on a search page, `nextAvailable` must be the
first free time found by walking `GET /api/v1/doctors/{doctorId}/availability` day by day up to the doctor's
horizon (and what `selectors.next_available` works out directly), and the doctor detail must say the same.
Each path that can change what a doctor has free is run after search has stored its answers, and the check
runs right after it: a write made through this app must show in the very next search.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.test import Client
from rest_framework.test import APIClient

from appointments import next_free_store
from appointments.models import Actor, Appointment
from appointments.next_free_store import COLLECTION
from appointments.selectors import booking_horizon_days, next_available, request_expires_at
from appointments.services.booking import appointment_book
from appointments.services.time_off import Actorship, extra_hours_add, time_off_add
from clinics.models import Clinic
from clinics.services import clinic_save
from core import clock
from doctors.models import Doctor, DoctorSlot, ScheduleException
from doctors.schedule.notice import doctor_notice_rules_set
from doctors.schedule.services import slot_update
from mongo.raw import collection
from tests.admin_forms import admin_url, staff_client, submit_change
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, SUNDAY, TUESDAY
from tests.appointments.raw import insert_raw, seed_shaped
from tests.clinics.factories import week_hours
from tests.doctors.clients import doctor_api_client, doctor_portal_client
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

BY_DOCTOR = Actorship(actor=Actor.DOCTOR, id="DOC-TEST")
TYPES = (None, "ONLINE", "IN_CLINIC")


@pytest.fixture(autouse=True)
def _no_notice(settings: Any) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 0
    settings.NEXT_AVAILABLE_MAX_AGE_SECONDS = 60


# --- the reusable check -------------------------------------------------------------------------------------------


Shown = tuple[str, str, str, str]  # date, timeSlot, clinicId, consultationType


def walked(api: APIClient, doctor_id: str, consultation_type: str | None) -> Shown | None:
    """The first free time availability offers, walking month by month from today to the doctor's horizon."""
    doctor = Doctor.objects.get(doctor_id=doctor_id)
    today = clock.local_today()
    last = today + timedelta(days=booking_horizon_days(doctor))
    start = today
    while start <= last:
        end = min(last, start + timedelta(days=30))
        params = {"from": start.isoformat(), "to": end.isoformat()}
        if consultation_type is not None:
            params["type"] = consultation_type
        response = api.get(f"/api/v1/doctors/{doctor_id}/availability", params)
        assert response.status_code == 200, response.content[:300]
        for day in response.json()["days"]:
            if day["slots"]:
                first = day["slots"][0]
                return day["date"], first["timeSlot"], first["clinicId"], first["consultationType"]
        start = end + timedelta(days=1)
    return None


def _pair(value: dict[str, Any] | None) -> Shown | None:
    return (value["date"], value["timeSlot"], value["clinicId"], value["consultationType"]) if value else None


def assert_search_agrees(api: APIClient, **params: object) -> dict[str, Shown | None]:
    """Every doctor on the page shows the first time availability offers (of `type`, if given); the detail and
    `selectors.next_available` agree. Returns what the page showed, by doctorId."""
    consultation_type = params.get("type")
    response = api.get("/api/v1/doctors", {"page_size": 100, **params})
    assert response.status_code == 200, response.content[:300]
    page = {doctor["doctorId"]: _pair(doctor["nextAvailable"]) for doctor in response.json()["results"]}
    for doctor_id, shown in page.items():
        truth = walked(api, doctor_id, consultation_type)  # type: ignore[arg-type]
        assert shown == truth, f"{doctor_id} ({consultation_type}): search shows {shown}, availability {truth}"
        direct = next_available(doctors=[Doctor.objects.get(doctor_id=doctor_id)], consultation_type=consultation_type)
        found = direct[doctor_id]
        assert shown == (
            (found.date.isoformat(), found.time_slot, found.clinic_id, found.consultation_type) if found else None
        )
        detail = api.get(f"/api/v1/doctors/{doctor_id}", {"type": consultation_type} if consultation_type else {})
        assert detail.status_code == 200
        if consultation_type is None:
            assert _pair(detail.json()["nextAvailable"]) == truth, f"{doctor_id}: the detail disagrees"
    return page


def assert_all_agree(api: APIClient) -> None:
    for kind in TYPES:
        assert_search_agrees(api, **({"type": kind} if kind else {}))
    ordered = api.get("/api/v1/doctors", {"page_size": 100, "ordering": "nextAvailable"})
    assert ordered.status_code == 200
    for doctor in ordered.json()["results"]:
        assert _pair(doctor["nextAvailable"]) == walked(api, doctor["doctorId"], None)


# --- the world every action runs in -------------------------------------------------------------------------------


@dataclass
class World:
    api: APIClient
    member: User
    slot: DoctorSlot  # Mondays 09:00-10:00, BOTH, one place per half hour
    other: DoctorSlot  # another doctor, Tuesdays 09:00-10:00, IN_CLINIC, two places
    appointment: Appointment  # the member's booking of slot at Monday 09:00 (PENDING or CONFIRMED)

    @property
    def doctor(self) -> Doctor:
        return Doctor.objects.get(doctor_id=self.slot.doctor_id)


@pytest.fixture
def world(api: APIClient, member: User) -> World:
    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="10:00")
    other = DoctorSlotFactory(
        day_of_week="Tuesday", start_time="09:00", end_time="10:00", consultation_type="IN_CLINIC", max_patients=2
    )
    appointment = appointment_book(
        user=member,
        doctor_id=slot.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=MONDAY,
        time_slot="09:00 AM",
        clinic_id=slot.clinic_id,
    )
    built = World(api=api, member=member, slot=slot, other=other, appointment=appointment)
    assert_all_agree(api)  # stores every answer
    return built


def _admin() -> Client:
    return staff_client(Client())


def _slot_admin_change(world: World, **changes: str | None) -> None:
    response = submit_change(_admin(), admin_url(DoctorSlot, "change", world.slot.pk), **changes)
    assert response.status_code == 302, response.content[:2000]


def _doctor_admin_change(world: World, **changes: str | None) -> None:
    response = submit_change(_admin(), admin_url(Doctor, "change", world.doctor.pk), **changes)
    assert response.status_code == 302, response.content[:2000]


def _clinic_admin_change(world: World, **changes: str | None) -> None:
    clinic = Clinic.objects.get(clinic_id=world.slot.clinic_id)
    response = submit_change(_admin(), admin_url(Clinic, "change", clinic.pk), **changes)
    assert response.status_code == 302, response.content[:2000]


def _admin_delete_selected(model: type, pks: list[Any]) -> None:
    response = _admin().post(
        admin_url(model), {"action": "delete_selected", "_selected_action": [str(pk) for pk in pks], "post": "yes"}
    )
    assert response.status_code == 302, response.content[:2000]


def _doctor_api(world: World) -> APIClient:
    return doctor_api_client(world.doctor)


def _ok(response: Any) -> None:
    assert response.status_code in (200, 201, 204, 302), response.content[:2000]


ACTIONS: dict[str, Callable[[World], object]] = {
    # member
    "member cancels": lambda w: _ok(w.api.post(f"/api/v1/appointments/{w.appointment.appointment_id}/cancel", {})),
    "member reschedules": lambda w: _ok(
        w.api.post(
            f"/api/v1/appointments/{w.appointment.appointment_id}/reschedule",
            {"appointmentDate": MONDAY, "timeSlot": "09:30 AM"},
            format="json",
        )
    ),
    "member books the other doctor": lambda w: _ok(
        w.api.post(
            "/api/v1/appointments",
            {
                "doctorId": w.other.doctor_id,
                "appointmentType": "IN_CLINIC",
                "appointmentDate": TUESDAY,
                "timeSlot": "09:00 AM",
                "clinicId": w.other.clinic_id,
            },
            format="json",
        )
    ),
    # doctor API
    "doctor API cancels": lambda w: _ok(
        _doctor_api(w).post(f"/api/v1/doctor/appointments/{w.appointment.appointment_id}/cancel", {}, format="json")
    ),
    "doctor API reschedules": lambda w: _ok(
        _doctor_api(w).post(
            f"/api/v1/doctor/appointments/{w.appointment.appointment_id}/reschedule",
            {"appointmentDate": NEXT_MONDAY, "timeSlot": "09:00 AM"},
            format="json",
        )
    ),
    "doctor API deactivates the slot": lambda w: _ok(
        _doctor_api(w).patch(f"/api/v1/doctor/slots/{w.slot.pk}", {"isActive": False}, format="json")
    ),
    "doctor API moves the slot earlier": lambda w: _ok(
        _doctor_api(w).patch(f"/api/v1/doctor/slots/{w.slot.pk}", {"startTime": "08:00"}, format="json")
    ),
    "doctor API makes the slot ONLINE": lambda w: _ok(
        _doctor_api(w).patch(f"/api/v1/doctor/slots/{w.slot.pk}", {"consultationType": "ONLINE"}, format="json")
    ),
    "doctor API raises maxPatients": lambda w: _ok(
        _doctor_api(w).patch(f"/api/v1/doctor/slots/{w.slot.pk}", {"maxPatients": 2}, format="json")
    ),
    "doctor API adds time off": lambda w: _ok(
        _doctor_api(w).post(
            "/api/v1/doctor/time-off",
            {"startDate": MONDAY, "endDate": MONDAY, "reason": "Conference", "affectedAppointments": "cancel"},
            format="json",
        )
    ),
    # portal
    "portal cancels": lambda w: _ok(
        doctor_portal_client(w.doctor).post(
            f"/portal/appointments/{w.appointment.appointment_id}/cancel/", {"reason": "Away"}
        )
    ),
    "portal deactivates the slot": lambda w: _ok(
        doctor_portal_client(w.doctor).post(f"/portal/slots/{w.slot.pk}/deactivate/")
    ),
    "portal edits the slot's times": lambda w: _portal_slot_edit(w, start_time="08:00"),
    "portal raises maxPatients": lambda w: _portal_slot_edit(w, max_patients="2"),
    "portal deletes the other doctor's slot (its own)": lambda w: _ok(
        doctor_portal_client(w.other.doctor).post(f"/portal/slots/{w.other.pk}/delete/")
    ),
    # services the portal, the API and the admin share
    "time off kept": lambda w: time_off_add(
        doctor=w.doctor, by=BY_DOCTOR, start_date=MONDAY, end_date=MONDAY, reason="Conference", affected="keep"
    ),
    "extra hours added": lambda w: extra_hours_add(
        doctor=w.doctor,
        by=BY_DOCTOR,
        date=MONDAY,
        clinic_id=w.slot.clinic_id,
        start_time="08:00",
        end_time="08:30",
        consultation_fee=1000,
        consultation_type="BOTH",
    ),
    # admin
    "admin deactivates the slot": lambda w: _slot_admin_change(w, is_active=None),
    "admin changes the slot's times": lambda w: _slot_admin_change(w, start_time="08:00"),
    "admin deletes selected slots": lambda w: _admin_delete_selected(DoctorSlot, [w.slot.pk]),
    "admin switches the doctor's online off": lambda w: _doctor_admin_change(w, available_online=None),
    "admin sets the doctor's notice": lambda w: _doctor_admin_change(w, booking_min_notice_minutes="150"),
    "admin deactivates the clinic": lambda w: _clinic_admin_change(w, is_active=None),
    "model save of a clinic (a command)": lambda w: _clinic_model_save(w),
    "admin phone desk cancels": lambda w: _ok(
        _admin().post(
            admin_url(Appointment),
            {
                "action": "cancel_appointments",
                "_selected_action": [str(w.appointment.pk)],
                "reason": "Called",
                "apply": "1",
            },
        )
    ),
    "admin phone desk moves": lambda w: _ok(
        _admin().post(
            admin_url(Appointment),
            {
                "action": "move_appointment",
                "_selected_action": [str(w.appointment.pk)],
                "appointment_date": MONDAY,
                "time_slot": "09:30 AM",
                "appointment_type": "",
                "clinic_id": "",
                "apply": "1",
            },
        )
    ),
    "admin adds extra hours": lambda w: _admin_add_exception(
        w,
        kind="EXTRA_HOURS",
        start_date=MONDAY,
        start_time="08:00",
        end_time="08:30",
        clinic_id=w.slot.clinic_id,
        slot_duration="30",
        max_patients="1",
        consultation_fee="900",
        consultation_type="BOTH",
    ),
    "admin adds time off, cancelling the booking": lambda w: _admin_add_exception(
        w, kind="TIME_OFF", start_date=MONDAY, end_date=MONDAY, reason="Away", affected_appointments="cancel"
    ),
    "portal reschedules": lambda w: _ok(
        doctor_portal_client(w.doctor).post(
            f"/portal/appointments/{w.appointment.appointment_id}/reschedule/",
            {"date": NEXT_MONDAY, "time_slot": "09:30 AM"},
        )
    ),
    "a request made pending, then the doctor API confirms it": lambda w: _pending_then(
        w, lambda: _doctor_api(w).post(f"/api/v1/doctor/appointments/{w.appointment.appointment_id}/confirm")
    ),
    "a request made pending, then the portal confirms it": lambda w: _pending_then(
        w,
        lambda: doctor_portal_client(w.doctor).post(f"/portal/appointments/{w.appointment.appointment_id}/confirm/"),
    ),
    # commands
    "expire_requests": lambda w: _expire(w),
    "time off written raw, then audit_integrity --repair cancels inside it": lambda w: _audit_repair(w),
    # two steps, checked after each
    "doctor API adds then removes time off": lambda w: _time_off_then_removed(w),
    "doctor API adds then removes extra hours": lambda w: _extra_hours_then_removed(w),
    "admin adds then deletes selected time off": lambda w: _admin_time_off_then_deleted(w),
    "admin adds a slot, then changes its maxPatients and type": lambda w: _admin_slot_added_then_changed(w),
}


def _audit_repair(world: World) -> None:
    """Time off at the clinic written past the services (so nobody decided about the booking inside it); then
    `audit_integrity --repair` cancels that booking, which frees the 09:00 time for ONLINE (a clinic's time
    off leaves ONLINE times bookable)."""
    ScheduleException.objects.create(
        doctor=world.doctor,
        kind="TIME_OFF",
        start_date=MONDAY,
        end_date=MONDAY,
        clinic_id=world.slot.clinic_id,
        reason="Clinic closed",
        created_by_role="STAFF",
        created_by_id="test",
    )
    assert_all_agree(world.api)
    call_command("audit_integrity", "--repair", stdout=StringIO(), stderr=StringIO())
    world.appointment.refresh_from_db()
    assert world.appointment.status == "CANCELLED"


def _time_off_then_removed(world: World) -> None:
    api = _doctor_api(world)
    added = api.post(
        "/api/v1/doctor/time-off",
        {"startDate": MONDAY, "endDate": MONDAY, "reason": "Conference", "affectedAppointments": "keep"},
        format="json",
    )
    _ok(added)
    assert_all_agree(world.api)
    _ok(api.delete(f"/api/v1/doctor/time-off/{added.json()['_id']}"))


def _extra_hours_then_removed(world: World) -> None:
    api = _doctor_api(world)
    added = api.post(
        "/api/v1/doctor/extra-hours",
        {
            "date": MONDAY,
            "clinicId": world.slot.clinic_id,
            "startTime": "08:00",
            "endTime": "08:30",
            "consultationFee": 900,
            "consultationType": "BOTH",
        },
        format="json",
    )
    _ok(added)
    assert_all_agree(world.api)
    _ok(api.delete(f"/api/v1/doctor/extra-hours/{added.json()['_id']}"))


def _admin_time_off_then_deleted(world: World) -> None:
    time_off_add(doctor=world.doctor, by=BY_DOCTOR, start_date=MONDAY, end_date=MONDAY, reason="Away", affected="keep")
    assert_all_agree(world.api)
    _admin_delete_selected(ScheduleException, list(ScheduleException.objects.values_list("pk", flat=True)))


def _admin_slot_added_then_changed(world: World) -> None:
    response = _admin().post(
        admin_url(DoctorSlot, "add"),
        {
            "doctor": world.slot.doctor_id,
            "clinic": world.slot.clinic_id,
            "day_of_week": "Monday",
            "start_time": "10:00",
            "end_time": "10:30",
            "slot_duration": "30",
            "max_patients": "1",
            "consultation_fee": "1000",
            "consultation_type": "ONLINE",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    assert_all_agree(world.api)
    added = DoctorSlot.objects.get(doctor_id=world.slot.doctor_id, start_time="10:00")
    url = admin_url(DoctorSlot, "change", added.pk)
    assert submit_change(_admin(), url, max_patients="3", consultation_type="IN_CLINIC").status_code == 302


def _admin_add_exception(world: World, **fields: str) -> None:
    response = _admin().post(admin_url(ScheduleException, "add"), {"doctor": world.slot.doctor_id, **fields})
    assert response.status_code == 302, response.content[:3000]
    assert ScheduleException.objects.filter(doctor_id=world.slot.doctor_id).exists()


def _pending_then(world: World, act: Callable[[], Any]) -> None:
    """The member's booking as a request not yet confirmed (what availability reads is unchanged), then `act`."""
    collection("appointments").update_one(
        {"_id": world.appointment.pk}, {"$set": {"status": "PENDING_CONFIRMATION", "confirmedAt": None}}
    )
    _ok(act())
    world.appointment.refresh_from_db()
    assert world.appointment.status == "CONFIRMED"


def _portal_slot_edit(world: World, **changes: str) -> None:
    slot = world.slot
    data = {
        "clinic_id": slot.clinic_id,
        "consultation_type": slot.consultation_type,
        "day_of_week": slot.day_of_week,
        "start_time": slot.start_time,
        "end_time": slot.end_time,
        "slot_duration": str(slot.slot_duration),
        "max_patients": str(slot.max_patients),
        "consultation_fee": str(slot.consultation_fee),
        **changes,
    }
    response = doctor_portal_client(world.doctor).post(f"/portal/slots/{slot.pk}/edit/", data)
    assert response.status_code == 302, response.content[:3000]


def _clinic_model_save(world: World) -> None:
    clinic = Clinic.objects.get(clinic_id=world.slot.clinic_id)
    clinic.operating_hours = week_hours(closed=("Monday",))
    clinic.save()


def _expire(world: World) -> None:
    """The member's booking as a request the doctor has not confirmed, then the clock past its expiry."""
    collection("appointments").update_one(
        {"_id": world.appointment.pk}, {"$set": {"status": "PENDING_CONFIRMATION", "confirmedAt": None}}
    )
    world.appointment.refresh_from_db()
    expires = request_expires_at(world.appointment) + timedelta(minutes=1)
    pytest.MonkeyPatch().setattr(clock, "now", lambda: expires)
    call_command("expire_requests", stdout=StringIO())
    world.appointment.refresh_from_db()
    assert world.appointment.status == "CANCELLED"


@pytest.mark.parametrize("action", list(ACTIONS), ids=list(ACTIONS))
def test_search_agrees_with_availability_right_after(world: World, action: str) -> None:
    before = _state()
    ACTIONS[action](world)
    if " then " not in action:  # a round trip ends where it began; its first step was checked on the way
        assert _state() != before, "the action changed nothing: it tests nothing"
    assert_all_agree(world.api)


def _state() -> list[object]:
    """Everything availability reads, to prove each action did write."""
    return [
        sorted(map(str, Appointment.objects.values_list("status", "appointment_date", "time_slot"))),
        sorted(
            map(str, DoctorSlot.objects.values_list("start_time", "max_patients", "consultation_type", "is_active"))
        ),
        ScheduleException.objects.count(),
        sorted(map(str, Doctor.objects.values_list("available_online", "booking_min_notice_minutes"))),
        sorted(map(str, Clinic.objects.values_list("is_active", "operating_hours"))),
    ]


# --- writes made outside the app: late by at most the maximum age ---------------------------------------------------


RAW: dict[str, Callable[[World], object]] = {
    "an appointment inserted": lambda w: insert_raw(
        [seed_shaped(doctor=w.doctor, user=w.member, day=MONDAY, time_slot="09:30 AM")]
    ),
    "an appointment cancelled": lambda w: collection("appointments").update_one(
        {"_id": w.appointment.pk}, {"$set": {"status": "CANCELLED"}}
    ),
    "a slot moved": lambda w: collection("doctor_slots").update_one(
        {"_id": w.slot.pk}, {"$set": {"startTime": "08:00"}}
    ),
    "a slot deleted": lambda w: collection("doctor_slots").delete_one({"_id": w.slot.pk}),
    "a clinic closed": lambda w: collection("clinics").update_one(
        {"clinicId": w.slot.clinic_id}, {"$set": {"isActive": False}}
    ),
    "a doctor's online flag": lambda w: collection("doctors").update_one(
        {"doctorId": w.slot.doctor_id}, {"$set": {"availableOnline": False}}
    ),
}


@pytest.mark.parametrize("write", list(RAW), ids=list(RAW))
def test_the_existing_systems_raw_writes_show_within_the_maximum_age(
    world: World, write: str, set_clock: Callable[[str, str], None]
) -> None:
    RAW[write](world)
    for kind in TYPES:  # may lag, never fail
        assert world.api.get("/api/v1/doctors", {"type": kind} if kind else {}).status_code == 200
    set_clock(MONDAY, "07:01")  # the answers were worked out at 07:00, the maximum age is a minute
    assert_all_agree(world.api)


def test_nothing_free_is_worked_out_again_when_the_horizon_gains_a_day(
    api: APIClient, member: User, set_clock: Callable[[str, str], None], settings: Any
) -> None:
    """A doctor fully booked up to the horizon shows nothing; at midnight a new day enters the horizon and its
    times must show at once (not after the maximum age)."""
    settings.NEXT_AVAILABLE_MAX_AGE_SECONDS = 3600
    slot = DoctorSlotFactory(day_of_week="Tuesday", start_time="09:00", end_time="09:30")
    doctor = slot.doctor
    doctor_notice_rules_set(
        doctor=doctor, booking_min_notice_minutes=None, booking_horizon_days=1, member_change_cutoff_minutes=None
    )
    set_clock(SUNDAY, "23:59")  # the horizon ends on Monday; the doctor works Tuesdays
    assert assert_search_agrees(api)[doctor.doctor_id] is None
    set_clock(NEXT_MONDAY, "00:00")  # Tuesday enters the horizon
    assert (assert_search_agrees(api)[doctor.doctor_id] or ())[:2] == ("2031-01-14", "09:00 AM")


def test_a_stored_time_stops_showing_once_its_notice_begins_whatever_validuntil_says(
    world: World, set_clock: Callable[[str, str], None], settings: Any
) -> None:
    settings.NEXT_AVAILABLE_MAX_AGE_SECONDS = 24 * 3600
    key = f"doctor|ANY|{world.slot.doctor_id}"
    collection(COLLECTION).update_one({"_id": key}, {"$set": {"validUntil": datetime(9999, 1, 1, tzinfo=UTC)}})
    set_clock(MONDAY, "09:31")  # 09:30 has begun
    assert_all_agree(world.api)


# --- a corrupt or hostile store: never a 500, never a wrong answer beyond the maximum age ---------------------------


def _good_next(world: World) -> dict[str, Any]:
    return {
        "date": MONDAY,
        "minutes": 570,
        "timeSlot": "09:30 AM",
        "consultationType": "BOTH",
        "clinicId": world.slot.clinic_id,
    }


HOSTILE: dict[str, Callable[[World], dict[str, Any]]] = {
    "a past time kept for ever": lambda w: {
        "next": {**_good_next(w), "date": "2030-12-30"},
        "validUntil": datetime(9999, 1, 1, tzinfo=UTC),
    },
    "a time beyond the horizon": lambda w: {"next": {**_good_next(w), "date": "2032-06-01"}},
    "timeSlot a number": lambda w: {"next": {**_good_next(w), "timeSlot": 5}},
    "timeSlot of another time than minutes": lambda w: {"next": {**_good_next(w), "timeSlot": "07:30 AM"}},
    "timeSlot garbage": lambda w: {"next": {**_good_next(w), "timeSlot": "9:30 am\u202e"}},
    "minutes huge": lambda w: {"next": {**_good_next(w), "minutes": 2**62}},
    "minutes a string": lambda w: {"next": {**_good_next(w), "minutes": "570"}},
    "minutes a boolean": lambda w: {"next": {**_good_next(w), "minutes": True}},
    "date a datetime": lambda w: {"next": {**_good_next(w), "date": datetime(2031, 1, 6, tzinfo=UTC)}},
    "date in another format": lambda w: {"next": {**_good_next(w), "date": "20310106"}},
    "date the first day of year 1": lambda w: {"next": {**_good_next(w), "date": "0001-01-01"}},
    "date the last day of year 9999": lambda w: {"next": {**_good_next(w), "date": "9999-12-31"}},
    "consultationType unknown": lambda w: {"next": {**_good_next(w), "consultationType": "<script>"}},
    "clinicId a dict": lambda w: {"next": {**_good_next(w), "clinicId": {"$gt": ""}}},
    "next a huge array": lambda w: {"next": list(range(20000))},
    "next a string": lambda w: {"next": "soon"},
    "dirty a string": lambda w: {"dirty": "no"},
    "dirty missing": lambda w: {"dirty": None},
    "computedAt a string": lambda w: {"computedAt": "2031-01-06T07:00:00"},
    "computedAt in the future, validUntil far": lambda w: {
        "computedAt": datetime(2031, 1, 6, 2, 0, tzinfo=UTC),
        "validUntil": datetime(9999, 1, 1, tzinfo=UTC),
    },
    "stamp null": lambda w: {"stamp": None},
    "stamp an operator": lambda w: {"stamp": {"$exists": True}},
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_entry_is_never_shown_wrong_nor_answers_500(
    world: World, case: str, set_clock: Callable[[str, str], None]
) -> None:
    """The entry of the member's doctor is overwritten (as another system might); search must not answer 500,
    must show nothing unbookable at once, and must agree with availability once the maximum age has passed."""
    for kind in ("ANY", "ONLINE", "IN_CLINIC"):
        key = f"doctor|{kind}|{world.slot.doctor_id}"
        changes = HOSTILE[case](world)
        try:
            collection(COLLECTION).update_one({"_id": key}, {"$set": changes})
        except Exception as exc:  # a server refusing the field is no attack
            pytest.skip(f"the server refuses it: {exc}")
    if case not in ("stamp null", "stamp an operator"):
        assert_all_agree(world.api)  # every other corruption is seen on reading
    else:
        for kind in TYPES:
            assert world.api.get("/api/v1/doctors", {"type": kind} if kind else {}).status_code == 200
    set_clock(MONDAY, "07:01")
    assert_all_agree(world.api)
    assert_all_agree(world.api)  # and the answers stored over them read back


def test_odd_documents_beside_the_entries_do_no_harm(world: World) -> None:
    store = collection(COLLECTION)
    store.insert_many(
        [
            {"_id": 12345, "dirty": False},
            {"_id": {"doctor": world.slot.doctor_id}, "next": None},
            {"_id": f"doctor|ANY|{world.slot.doctor_id}|extra", "dirty": False, "next": None},
            {"_id": f"doctor|BOTH|{world.slot.doctor_id}", "dirty": False, "next": None},
        ]
    )
    store.update_one({"_id": "epoch|ANY"}, {"$set": {"epoch": list(range(1000))}}, upsert=True)
    assert_all_agree(world.api)
    store.update_one({"_id": "epoch|ANY"}, {"$set": {"epoch": {"$gt": 1}}})
    assert_all_agree(world.api)
    assert_all_agree(world.api)


# --- management commands ---------------------------------------------------------------------------------------------


def test_load_demo_data_bookings_show_at_once(api: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """`load_demo_data` inserts straight into MongoDB (as the existing system does), but it is this app's own
    command: its bookings must show in the next search, for doctors whose answers were already stored."""
    from demo import services as demo_services

    monkeypatch.setattr(demo_services.timezone, "localdate", clock.local_today)
    call_command("load_demo_data", doctors=3, appointments=0, force=True, progress=False, stdout=StringIO())
    before = assert_search_agrees(api)
    call_command("load_demo_data", doctors=3, appointments=400, force=True, progress=False, stdout=StringIO())
    after = assert_search_agrees(api)
    assert before != after  # the bookings did take times search had stored


# --- races ------------------------------------------------------------------------------------------------------------

MEANWHILE: dict[str, Callable[[World], object]] = {
    "a slot deactivated": lambda w: slot_update(slot=w.slot, doctor=w.doctor, data={"is_active": False}),
    "a slot moved earlier": lambda w: slot_update(slot=w.slot, doctor=w.doctor, data={"start_time": "08:00"}),
    "the clinic closed": lambda w: _clinic_closed(w),
    "the doctor's notice set": lambda w: doctor_notice_rules_set(
        doctor=w.doctor, booking_min_notice_minutes=180, booking_horizon_days=None, member_change_cutoff_minutes=None
    ),
    "time off added": lambda w: time_off_add(
        doctor=w.doctor, by=BY_DOCTOR, start_date=MONDAY, end_date=MONDAY, reason="Away", affected="keep"
    ),
    "the booking cancelled": lambda w: w.api.post(f"/api/v1/appointments/{w.appointment.appointment_id}/cancel", {}),
}


def _clinic_closed(world: World) -> None:
    clinic = Clinic.objects.get(clinic_id=world.slot.clinic_id)
    clinic.operating_hours = week_hours(closed=("Monday",))
    clinic_save(clinic=clinic)


@pytest.mark.parametrize("change", list(MEANWHILE), ids=list(MEANWHILE))
@pytest.mark.parametrize("entry", ["stale entry read", "no entry yet"])
def test_a_change_while_a_page_is_worked_out_is_not_overwritten(
    world: World, change: str, entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page has read its entries and works the answers out from the data before the change; the change
    lands before the page stores them: the next search must show the change."""
    if entry == "no entry yet":
        collection(COLLECTION).delete_many({})
    else:
        next_free_store.next_free_forget([world.slot.doctor_id])

    def changed_meanwhile(**kwargs: Any) -> dict:
        answer = next_available(**kwargs)
        monkeypatch.setattr(next_free_store, "next_available", next_available)
        MEANWHILE[change](world)
        return answer

    monkeypatch.setattr(next_free_store, "next_available", changed_meanwhile)
    world.api.get("/api/v1/doctors", {"page_size": 100})
    assert_all_agree(world.api)


def test_threads_booking_editing_and_searching_end_on_the_true_answers(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    slot = DoctorSlotFactory(day_of_week="Wednesday", start_time="09:00", end_time="12:00", max_patients=1)
    members = UserFactory.create_batch(4)
    times = ["09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM"]
    wednesday = "2031-01-08"

    def searcher(_: int) -> None:
        try:
            client = member_client(members[0])
            for kind in (*TYPES, None, None):
                params = {"page_size": 100, **({"type": kind} if kind else {})}
                assert client.get("/api/v1/doctors", params).status_code == 200
        finally:
            connections.close_all()

    def booker(index: int) -> None:
        try:
            appointment_book(
                user=members[index],
                doctor_id=slot.doctor_id,
                appointment_type="IN_CLINIC",
                appointment_date=wednesday,
                time_slot=times[index],
                clinic_id=slot.clinic_id,
            )
        finally:
            connections.close_all()

    def editor(index: int) -> None:
        try:
            fresh = DoctorSlot.objects.get(pk=slot.pk)
            slot_update(slot=fresh, doctor=fresh.doctor, data={"end_time": ["12:00", "10:00"][index % 2]})
        except Exception:  # noqa: S110 - a refused edit (places held) is fine here
            pass
        finally:
            connections.close_all()

    jobs = [(searcher, i) for i in range(4)] + [(booker, i) for i in range(4)] + [(editor, i) for i in range(3)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        for future in [pool.submit(job, index) for job, index in jobs]:
            future.result()
    assert_all_agree(world.api)


# --- the other ways search asks ---------------------------------------------------------------------------------------


def test_available_on_ordering_and_page_sizes_agree(world: World) -> None:
    for size in (1, 2, 5, 100):
        page = world.api.get("/api/v1/doctors", {"page_size": size, "ordering": "nextAvailable"})
        assert page.status_code == 200
        for doctor in page.json()["results"]:
            assert _pair(doctor["nextAvailable"]) == walked(world.api, doctor["doctorId"], None)
    for day in (MONDAY, TUESDAY, NEXT_MONDAY):
        found = world.api.get("/api/v1/doctors", {"page_size": 100, "availableOn": day}).json()["results"]
        for doctor in found:
            response = world.api.get(f"/api/v1/doctors/{doctor['doctorId']}/availability", {"date": day})
            assert response.json()["slots"], f"{doctor['doctorId']} listed for {day} with nothing free"


@pytest.mark.parametrize("change", ["changed", "added"])
def test_an_admin_save_undone_after_a_search_stored_it_shows_as_undone(
    world: World, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The admin's all-or-nothing save writes the slot, a search stores the answer of the saved slot, then a
    later step fails and the admin puts the slot back as it was (core/admin_base.py, a raw write): the next
    search must show the slot as it is again, not the undone one."""
    from doctors.admin import DoctorSlotAdmin

    def fail_after_a_search(*_args: object, **_kwargs: object) -> None:
        assert_search_agrees(world.api)  # stores the answer of the saved (soon undone) slot
        raise RuntimeError("the log entry could not be written")

    monkeypatch.setattr(DoctorSlotAdmin, "log_change" if change == "changed" else "log_addition", fail_after_a_search)
    client = _admin()
    client.raise_request_exception = False
    if change == "changed":
        response = submit_change(client, admin_url(DoctorSlot, "change", world.slot.pk), start_time="08:00")
    else:
        data = {
            "doctor": world.slot.doctor_id,
            "clinic": world.slot.clinic_id,
            "day_of_week": "Monday",
            "start_time": "08:00",
            "end_time": "08:30",
            "slot_duration": "30",
            "max_patients": "1",
            "consultation_fee": "1000",
            "consultation_type": "BOTH",
            "is_active": "on",
        }
        response = client.post(admin_url(DoctorSlot, "add"), data)
    assert response.status_code == 500
    assert DoctorSlot.objects.filter(doctor_id=world.slot.doctor_id, start_time="08:00").count() == 0  # undone
    assert_all_agree(world.api)


@pytest.mark.parametrize("failure", ["server error", "document too large"])
def test_a_store_that_cannot_be_written_still_answers_search(
    world: World, failure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Storing is an optimisation of a read: a failed write (the server refusing it, an entry another system
    bloated to the document size limit) must not turn a search into a 500."""
    from pymongo.errors import BulkWriteError, OperationFailure

    real = next_free_store.collection

    class Refusing:
        def __init__(self, name: str) -> None:
            self._real = real(name)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._real, name)

        def bulk_write(self, *_args: object, **_kwargs: object) -> None:
            if failure == "server error":
                raise OperationFailure("not writable primary", code=10107)
            raise BulkWriteError({"writeErrors": [{"index": 0, "code": 17419, "errmsg": "too large"}]})

    next_free_store.next_free_forget([world.slot.doctor_id, world.other.doctor_id])
    monkeypatch.setattr(next_free_store, "collection", Refusing)
    assert_all_agree(world.api)


def test_a_migrate_run_renews_every_stored_answer(world: World) -> None:
    """A deploy's data migration rewrites documents raw (no model signals): after `migrate`, search shows
    what the data now says."""
    collection("doctor_slots").update_one({"_id": world.slot.pk}, {"$set": {"startTime": "08:00"}})
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what `migrate` ends with
    assert_all_agree(world.api)


def test_a_doctor_with_two_clinics_and_an_online_only_hour_agrees_for_each_type(
    api: APIClient, member: User, set_clock: Callable[[str, str], None]
) -> None:
    """Overlapping slots at two clinics, an ONLINE-only hour before them, a clinic that opens late: each type's
    answer follows availability through a booking, a clinic closing and the doctor switching online off."""
    from tests.clinics.factories import ClinicFactory
    from tests.doctors.factories import DoctorFactory, clinic_entry

    late = ClinicFactory(operating_hours=week_hours(open_="09:30"))
    doctor = DoctorFactory()
    doctor.clinics = [*doctor.clinics, clinic_entry(late)]
    doctor.save()
    first_clinic = doctor.clinics[0].clinic_id
    DoctorSlotFactory(
        doctor=doctor, day_of_week="Monday", start_time="08:00", end_time="08:30", consultation_type="ONLINE"
    )
    DoctorSlotFactory(
        doctor=doctor, day_of_week="Monday", start_time="09:00", end_time="10:00", consultation_type="BOTH"
    )
    DoctorSlotFactory(
        doctor=doctor,
        clinic=late,
        day_of_week="Monday",
        start_time="10:00",
        end_time="11:00",
        consultation_type="IN_CLINIC",
    )
    assert_all_agree(api)
    appointment_book(
        user=member,
        doctor_id=doctor.doctor_id,
        appointment_type="ONLINE",
        appointment_date=MONDAY,
        time_slot="08:00 AM",
        contact_number="+91-9876543210",
        call_preference="VIDEO",
    )
    assert_all_agree(api)
    clinic = Clinic.objects.get(clinic_id=first_clinic)
    clinic.is_active = False
    clinic_save(clinic=clinic)
    assert_all_agree(api)
    doctor.refresh_from_db()
    doctor.available_online = False
    doctor.save()
    assert_all_agree(api)
    set_clock(MONDAY, "10:05")
    assert_all_agree(api)

"""Attacks on the surfaces of issue 14 (time off, extra hours, reschedule, the week view): hostile input, other
people's ids, replays and double submits. Every refusal is a clear 400/403/404/409 and writes nothing.

The schema-driven fuzzer (tests/core/test_fuzz.py) and the id-guessing test (tests/core/test_object_access.py)
cover the new routes too; these are the attacks they cannot aim: exact values, exact states, exact answers.
"""

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from appointments.models import Appointment
from appointments.services.booking import appointment_book
from doctors.models import DoctorSlot, ScheduleException
from tests.appointments.conftest import MONDAY, TUESDAY
from tests.doctors.clients import doctor_api_client, doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

TIME_OFF = "/api/v1/doctor/time-off"
EXTRA_HOURS = "/api/v1/doctor/extra-hours"
COLLECTIONS = ("appointments", "doctor_schedule_exceptions")
REFUSED = (400, 403, 404, 409)
HUGE = 10**30
ARABIC_DATE = "\u0662\u0660\u0663\u0661-\u0660\u0661-\u0660\u0667"  # 2031-01-07 in Arabic-Indic digits
HOSTILE = [
    None,
    0,
    -1,
    HUGE,
    1e308,
    True,
    [],
    ["2031-01-07"],
    {},
    {"$gt": ""},
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "2031-02-30",
    "2031-13-01",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    ARABIC_DATE,
    "2031-01-07T10:00",
    "13:00 PM",
    "00:00 AM",
    "0\u0669:00 AM",  # an Arabic-Indic 9
    "10:0\u0669 AM",
    "1\u0667:00",
    "17:0\u0669",
    "09:00 am",
    "24:00",
    "23:60",
    "9:00",
    "\u09e7\u09e6:00",  # Bengali digits
    "\u202e10:00 AM",
]


@pytest.fixture
def slot() -> DoctorSlot:
    """Tuesday 09:00-12:00 (a day after the frozen Monday morning), one patient per time, BOTH."""
    return DoctorSlotFactory(day_of_week="Tuesday", consultation_type="BOTH")


@pytest.fixture
def doctor_api(slot: DoctorSlot) -> APIClient:
    return doctor_api_client(slot.doctor)


def _book(slot: DoctorSlot, user: User, time_slot: str = "10:00 AM", day: str = TUESDAY) -> Appointment:
    return appointment_book(
        user=user,
        doctor_id=slot.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=day,
        time_slot=time_slot,
        clinic_id=slot.clinic_id,
    )


def _snapshot() -> list[dict[str, Any]]:
    """Every appointment and schedule exception as stored, raw (to prove a refusal wrote nothing)."""
    database = connection.database
    return [doc for name in COLLECTIONS for doc in database[name].find({}, sort=[("_id", 1)])]


def _assert_unchanged(before: list[dict[str, Any]]) -> None:
    after = _snapshot()
    assert len(after) == len(before), "a refusal added or removed a document"
    changed = [
        {key: (old.get(key), new.get(key)) for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
        for old, new in zip(before, after, strict=True)
    ]
    assert not any(changed), f"a refusal changed stored fields: {changed}"


def _refused(response: Any) -> None:
    assert response.status_code in REFUSED, (response.status_code, response.content[:500])
    if response.get("Content-Type", "").startswith("application/json"):
        assert response.json(), "a refusal says why"


# --- time off: hostile values in every field ----------------------------------------------------------------

TIME_OFF_BODY = {
    "startDate": TUESDAY,
    "endDate": TUESDAY,
    "startTime": "10:00 AM",
    "endTime": "11:00 AM",
    "reason": "Conference",
}


@pytest.mark.parametrize("field", ["startDate", "endDate", "startTime", "endTime", "clinicId", "affectedAppointments"])
@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_time_off_refuses_hostile_values_and_saves_nothing(
    doctor_api: APIClient, slot: DoctorSlot, field: str, value: Any
) -> None:
    _book(slot, UserFactory())
    before = _snapshot()
    response = doctor_api.post(TIME_OFF, {**TIME_OFF_BODY, field: value}, format="json")
    if response.status_code == 201:  # a harmless value (e.g. no clinic, or null times): the record is sane
        assert field in ("clinicId", "affectedAppointments", "startTime", "endTime") and value in (None, "", " ")
        return
    _refused(response)
    _assert_unchanged(before)


@pytest.mark.parametrize(
    "body",
    [
        [TIME_OFF_BODY],
        "startDate=2031-01-07",
        42,
        None,
        {},
        {"startDate": TUESDAY, "endDate": MONDAY, "reason": "Reversed"},
        {"startDate": TUESDAY, "endDate": "2041-01-07", "reason": "Ten years"},
        {**TIME_OFF_BODY, "startTime": "11:00 AM", "endTime": "10:00 AM"},
        {**TIME_OFF_BODY, "startTime": "10:00 AM", "endTime": "10:00 AM"},
        {**TIME_OFF_BODY, "reason": "x" * 501},
        {**TIME_OFF_BODY, "reason": ["Conference"]},
        {**TIME_OFF_BODY, "reason": {"text": "Conference"}},
    ],
    ids=repr,
)
def test_time_off_refuses_malformed_bodies(doctor_api: APIClient, body: Any) -> None:
    response = doctor_api.post(TIME_OFF, body, format="json")
    _refused(response)
    assert not ScheduleException.objects.exists()


def test_time_off_reason_in_any_script_is_kept_as_written(doctor_api: APIClient) -> None:
    reason = "छुट्टी 🏖️ — Urlaub"
    response = doctor_api.post(TIME_OFF, {**TIME_OFF_BODY, "reason": reason}, format="json")
    assert response.status_code == 201
    assert ScheduleException.objects.get().reason == reason


# --- extra hours: hostile values ----------------------------------------------------------------------------

EXTRA_BODY = {
    "date": TUESDAY,
    "clinicId": None,  # set by the fixture
    "startTime": "17:00",
    "endTime": "19:00",
    "slotDuration": 20,
    "maxPatients": 1,
    "consultationFee": 800,
    "consultationType": "IN_CLINIC",
    "reason": "Catching up",
}


@pytest.mark.parametrize(
    "field",
    ["date", "clinicId", "startTime", "endTime", "slotDuration", "maxPatients", "consultationFee", "consultationType"],
)
@pytest.mark.parametrize(
    "value", [*HOSTILE, "NaN", "Infinity", "-Infinity", -0.0, 10**6, 2**63, -(2**63) - 1, "17:00\n"], ids=repr
)
def test_extra_hours_refuse_hostile_values_and_save_nothing(
    doctor_api: APIClient, slot: DoctorSlot, field: str, value: Any
) -> None:
    body = {**EXTRA_BODY, "clinicId": slot.clinic_id, field: value}
    response = doctor_api.post(EXTRA_HOURS, body, format="json")
    if response.status_code == 201:  # only values that are valid after all
        harmless = {
            ("consultationFee", 0),
            ("consultationFee", -0.0),
            ("consultationFee", 10**6),
            ("startTime", "17:00\n"),
        }
        assert (field, value) in harmless
        return
    _refused(response)
    assert not ScheduleException.objects.exists()


# --- object-level authorization ------------------------------------------------------------------------------


def test_a_doctor_cannot_remove_another_doctors_time_off_or_extra_hours(
    doctor_api: APIClient, slot: DoctorSlot
) -> None:
    other = DoctorSlotFactory(day_of_week="Tuesday")
    theirs = doctor_api_client(other.doctor)
    time_off = theirs.post(TIME_OFF, TIME_OFF_BODY, format="json").json()["_id"]
    extra = theirs.post(EXTRA_HOURS, {**EXTRA_BODY, "clinicId": other.clinic_id}, format="json").json()["_id"]
    for url in (f"{TIME_OFF}/{time_off}", f"{EXTRA_HOURS}/{extra}", f"{TIME_OFF}/{extra}", f"{EXTRA_HOURS}/{time_off}"):
        assert doctor_api.delete(url).status_code == 404, url
    assert ScheduleException.objects.count() == 2
    assert time_off not in doctor_api.get(TIME_OFF).content.decode()
    assert extra not in doctor_api.get(EXTRA_HOURS).content.decode()


def test_a_member_token_opens_no_doctor_route(slot: DoctorSlot) -> None:
    member = member_client(UserFactory())
    for method, url in (("get", TIME_OFF), ("post", TIME_OFF), ("get", EXTRA_HOURS), ("post", EXTRA_HOURS)):
        response = getattr(member, method)(url, TIME_OFF_BODY if method == "post" else None, format="json")
        assert response.status_code in (401, 403), (method, url)
    assert not ScheduleException.objects.exists()


def test_a_doctor_session_opens_no_member_reschedule(doctor_api: APIClient, slot: DoctorSlot) -> None:
    appointment = _book(slot, UserFactory())
    before = _snapshot()
    url = f"/api/v1/appointments/{appointment.appointment_id}/reschedule"
    response = doctor_api.post(url, {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"}, format="json")
    assert response.status_code in (401, 403)
    _assert_unchanged(before)


def test_the_doctor_api_refuses_a_post_without_the_csrf_token(slot: DoctorSlot) -> None:
    client = doctor_api_client(slot.doctor)
    client.credentials()  # drop the X-CSRFToken header, keep the session cookie
    assert client.post(TIME_OFF, TIME_OFF_BODY, format="json").status_code == 403
    appointment = _book(slot, UserFactory())
    before = _snapshot()
    url = f"/api/v1/doctor/appointments/{appointment.pk}/reschedule"
    assert client.post(url, {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"}, format="json").status_code == 403
    _assert_unchanged(before)
    assert not ScheduleException.objects.exists()


# --- reschedule: hostile values, other people's appointments, replays ----------------------------------------


@pytest.fixture
def member() -> User:
    return UserFactory()


@pytest.fixture
def booked(slot: DoctorSlot, member: User) -> Appointment:
    return _book(slot, member)


@pytest.mark.parametrize("field", ["appointmentDate", "timeSlot", "clinicId", "appointmentType"])
@pytest.mark.parametrize("value", [*HOSTILE, "ONLINE", "online", "IN_CLINIC "], ids=repr)
@pytest.mark.parametrize("who", ["member", "doctor"])
def test_reschedule_refuses_hostile_values_and_leaves_the_appointment_as_it_was(
    slot: DoctorSlot, member: User, booked: Appointment, field: str, value: Any, who: str
) -> None:
    if who == "member":
        client, url = member_client(member), f"/api/v1/appointments/{booked.appointment_id}/reschedule"
    else:
        client, url = doctor_api_client(slot.doctor), f"/api/v1/doctor/appointments/{booked.pk}/reschedule"
    before = _snapshot()
    body = {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM", field: value}
    response = client.post(url, body, format="json")
    if response.status_code == 200:  # only a value that is valid after all (ONLINE: the slot offers both)
        harmless = {("appointmentType", "ONLINE"), ("appointmentType", None), ("clinicId", None), ("clinicId", "")}
        assert (field, value if value != " " else "") in harmless  # a blank clinic keeps the appointment's own
        return
    _refused(response)
    _assert_unchanged(before)


@pytest.mark.parametrize("body", [[{"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"}], "x", 7, None, {}], ids=repr)
def test_reschedule_refuses_malformed_bodies(member: User, booked: Appointment, body: Any) -> None:
    before = _snapshot()
    response = member_client(member).post(
        f"/api/v1/appointments/{booked.appointment_id}/reschedule", body, format="json"
    )
    _refused(response)
    _assert_unchanged(before)


def test_a_member_cannot_reschedule_another_members_appointment(slot: DoctorSlot, booked: Appointment) -> None:
    before = _snapshot()
    stranger = member_client(UserFactory())
    for ref in (booked.appointment_id, str(booked.pk)):
        response = stranger.post(
            f"/api/v1/appointments/{ref}/reschedule",
            {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"},
            format="json",
        )
        assert response.status_code == 404
    _assert_unchanged(before)


def test_a_doctor_cannot_reschedule_another_doctors_appointment(booked: Appointment) -> None:
    other = DoctorSlotFactory(day_of_week="Tuesday")
    client = doctor_api_client(other.doctor)
    before = _snapshot()
    for ref in (booked.appointment_id, str(booked.pk)):
        response = client.post(
            f"/api/v1/doctor/appointments/{ref}/reschedule",
            {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM", "clinicId": other.clinic_id},
            format="json",
        )
        assert response.status_code == 404
    _assert_unchanged(before)


def test_a_replayed_reschedule_moves_once(member: User, booked: Appointment) -> None:
    client = member_client(member)
    url = f"/api/v1/appointments/{booked.appointment_id}/reschedule"
    body = {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"}
    assert client.post(url, body, format="json").status_code == 200
    after_first = _snapshot()
    replay = client.post(url, body, format="json")
    assert replay.status_code == 409
    _assert_unchanged(after_first)
    booked.refresh_from_db()
    assert booked.reschedule_count == 1


def test_a_cancelled_appointment_cannot_be_rescheduled(member: User, booked: Appointment) -> None:
    client = member_client(member)
    assert client.post(f"/api/v1/appointments/{booked.appointment_id}/cancel", {}, format="json").status_code == 200
    before = _snapshot()
    response = client.post(
        f"/api/v1/appointments/{booked.appointment_id}/reschedule",
        {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"},
        format="json",
    )
    assert response.status_code == 409
    _assert_unchanged(before)


def test_reschedule_to_another_doctors_clinic_is_refused(slot: DoctorSlot, member: User, booked: Appointment) -> None:
    other = DoctorSlotFactory(day_of_week="Tuesday", doctor=DoctorFactory())
    before = _snapshot()
    response = member_client(member).post(
        f"/api/v1/appointments/{booked.appointment_id}/reschedule",
        {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM", "clinicId": other.clinic_id},
        format="json",
    )
    if other.clinic_id == slot.clinic_id:
        pytest.skip("the factories gave both doctors the same clinic")
    assert response.status_code == 400
    _assert_unchanged(before)


# --- portal pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "week", ["9999-12-31", "9999-12-27", "0001-01-01", "0001-01-07", "2031-02-30", "x" * 5000, ARABIC_DATE, ""]
)
def test_the_week_view_answers_any_week_parameter_without_an_error(slot: DoctorSlot, week: str) -> None:
    response = doctor_portal_client(slot.doctor).get(reverse("portal-week"), {"week": week})
    assert response.status_code in (200, 302, 400, 404), response.status_code


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2031-02-30", "x" * 5000, ARABIC_DATE])
def test_the_time_off_page_answers_any_date_parameter_without_an_error(slot: DoctorSlot, day: str) -> None:
    response = doctor_portal_client(slot.doctor).get(reverse("portal-time-off"), {"date": day})
    assert response.status_code in (200, 302, 400), response.status_code


def test_portal_posts_without_the_csrf_token_are_refused(
    slot: DoctorSlot, booked: Appointment, doctor_api: APIClient
) -> None:
    time_off = doctor_api.post(
        TIME_OFF, {**TIME_OFF_BODY, "startDate": "2031-01-14", "endDate": "2031-01-14"}, format="json"
    )
    extra = doctor_api.post(EXTRA_HOURS, {**EXTRA_BODY, "clinicId": slot.clinic_id}, format="json")
    client = doctor_portal_client(slot.doctor)
    del client.defaults["HTTP_X_CSRFTOKEN"]
    before = _snapshot()
    extra_form = {**{k: str(v) for k, v in EXTRA_BODY.items()}, "clinic_id": slot.clinic_id, "start_time": "19:00"}
    posts = [
        (reverse("portal-time-off"), {"start_date": TUESDAY, "end_date": TUESDAY, "reason": "Conference"}),
        (reverse("portal-appointment-reschedule", args=[booked.pk]), {"date": TUESDAY, "time_slot": "11:00 AM"}),
        (reverse("portal-extra-hours"), extra_form),
        (reverse("portal-time-off-delete", args=[time_off.json()["_id"]]), {}),
        (reverse("portal-extra-hours-delete", args=[extra.json()["_id"]]), {}),
        (reverse("portal-appointment-action", args=[booked.pk, "cancel"]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    _assert_unchanged(before)


def test_a_doctor_cannot_open_or_post_another_doctors_reschedule_page(booked: Appointment) -> None:
    other = DoctorSlotFactory(day_of_week="Tuesday")
    client = doctor_portal_client(other.doctor)
    url = reverse("portal-appointment-reschedule", args=[booked.pk])
    before = _snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, {"date": TUESDAY, "time_slot": "11:00 AM"}).status_code == 404
    _assert_unchanged(before)


def test_a_doctor_cannot_remove_another_doctors_time_off_in_the_portal(slot: DoctorSlot) -> None:
    other = DoctorSlotFactory(day_of_week="Tuesday")
    time_off = doctor_api_client(other.doctor).post(TIME_OFF, TIME_OFF_BODY, format="json").json()["_id"]
    client = doctor_portal_client(slot.doctor)
    assert client.post(reverse("portal-time-off-delete", args=[time_off])).status_code == 404
    assert ScheduleException.objects.count() == 1


# --- portal forms: hostile values ------------------------------------------------------------------------------

PORTAL_TIME_OFF = {"start_date": TUESDAY, "end_date": TUESDAY, "start_time": "10:00", "end_time": "11:00"}
PORTAL_HOSTILE = [
    "",
    "x" * 100_000,
    "\x00",
    "2031-02-30",
    "9999-12-31",
    "0001-01-01",
    "13:00 PM",
    "25:00",
    "-1",
    "1e308",
]


@pytest.mark.parametrize("field", ["start_date", "end_date", "start_time", "end_time", "clinic_id", "affected"])
@pytest.mark.parametrize("value", PORTAL_HOSTILE, ids=repr)
def test_the_portal_time_off_form_refuses_hostile_values(slot: DoctorSlot, field: str, value: str) -> None:
    _book(slot, UserFactory())
    before = _snapshot()
    data = {**PORTAL_TIME_OFF, "reason": "Conference", field: value}
    response = doctor_portal_client(slot.doctor).post(reverse("portal-time-off"), data)
    assert response.status_code in (400, 409), response.status_code
    _assert_unchanged(before)


@pytest.mark.parametrize(
    "field", ["date", "start_time", "end_time", "consultation_fee", "slot_duration", "max_patients"]
)
@pytest.mark.parametrize("value", [*PORTAL_HOSTILE, "1e30", "9223372036854775808", "NaN", "inf"], ids=repr)
def test_the_portal_extra_hours_form_refuses_hostile_values(slot: DoctorSlot, field: str, value: str) -> None:
    data = {
        "date": TUESDAY,
        "clinic_id": slot.clinic_id,
        "start_time": "17:00",
        "end_time": "19:00",
        "consultation_type": "IN_CLINIC",
        "consultation_fee": "800",
        "slot_duration": "30",
        "max_patients": "1",
        field: value,
    }
    response = doctor_portal_client(slot.doctor).post(reverse("portal-extra-hours"), data)
    assert response.status_code in (400, 409), response.status_code
    assert not ScheduleException.objects.exists()


@pytest.mark.parametrize("field", ["date", "time_slot"])
@pytest.mark.parametrize("value", [*PORTAL_HOSTILE, "10:00 AM", "11:00"], ids=repr)
def test_the_portal_reschedule_form_refuses_hostile_values(
    slot: DoctorSlot, booked: Appointment, field: str, value: str
) -> None:
    before = _snapshot()
    data = {"date": TUESDAY, "time_slot": "11:00 AM", field: value}
    url = reverse("portal-appointment-reschedule", args=[booked.pk])
    response = doctor_portal_client(slot.doctor).post(url, data)
    assert response.status_code in (400, 409), response.status_code
    _assert_unchanged(before)


def test_removing_a_time_off_twice_answers_404_the_second_time(doctor_api: APIClient) -> None:
    created = doctor_api.post(TIME_OFF, TIME_OFF_BODY, format="json").json()["_id"]
    assert doctor_api.delete(f"{TIME_OFF}/{created}").status_code == 204
    assert doctor_api.delete(f"{TIME_OFF}/{created}").status_code == 404


def test_an_appointment_kept_inside_a_time_off_cannot_be_moved_to_another_time_inside_it(
    doctor_api: APIClient, member: User, booked: Appointment
) -> None:
    saved = doctor_api.post(
        TIME_OFF, {**TIME_OFF_BODY, "startTime": None, "endTime": None, "affectedAppointments": "keep"}, format="json"
    )
    assert saved.status_code == 201, saved.json()
    before = _snapshot()
    for client, url in (
        (member_client(member), f"/api/v1/appointments/{booked.appointment_id}/reschedule"),
        (doctor_api, f"/api/v1/doctor/appointments/{booked.pk}/reschedule"),
    ):
        response = client.post(url, {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"}, format="json")
        assert response.status_code == 400, response.json()
    _assert_unchanged(before)


def test_an_inactive_doctors_appointment_cannot_be_moved(member: User, booked: Appointment, slot: DoctorSlot) -> None:
    type(slot.doctor).objects.filter(pk=slot.doctor.pk).update(is_active=False)
    before = _snapshot()
    response = member_client(member).post(
        f"/api/v1/appointments/{booked.appointment_id}/reschedule",
        {"appointmentDate": TUESDAY, "timeSlot": "11:00 AM"},
        format="json",
    )
    assert response.status_code in (400, 404, 409), response.status_code
    _assert_unchanged(before)

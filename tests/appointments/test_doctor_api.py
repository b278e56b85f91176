"""The doctor API for appointments: own list with filters, and every workflow step (docs/api.md, Doctor API)."""

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentStatus
from appointments.selectors import places_taken
from appointments.services.workflow import (
    MSG_CANNOT_CANCEL,
    MSG_CANNOT_COMPLETE,
    MSG_CANNOT_CONFIRM,
    appointment_actions,
)
from core.validators import MSG_DATE
from doctors.auth.sessions import MSG_DOCTORS_ONLY
from tests.appointments.conftest import MONDAY, TUESDAY
from tests.appointments.factories import AppointmentFactory, C, D, P, X, day_from_today
from tests.doctors.clients import doctor_api_client
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/doctor/appointments"


@pytest.fixture
def client(doctor) -> APIClient:
    return doctor_api_client(doctor)


# --- The list ----------------------------------------------------------------------------------------------


def test_list_shows_only_the_doctors_own_appointments(doctor, client) -> None:
    mine = AppointmentFactory(doctor=doctor)
    AppointmentFactory()  # another doctor's
    body = client.get(LIST_URL).json()
    assert body["count"] == 1
    assert [row["_id"] for row in body["results"]] == [str(mine.pk)]
    assert body["results"][0]["appointmentId"] == mine.appointment_id
    assert body["results"][0]["doctorId"] == doctor.doctor_id


def test_list_is_paginated(doctor, client) -> None:
    for _ in range(3):
        AppointmentFactory(doctor=doctor)
    body = client.get(LIST_URL, {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2


def test_list_filters_by_date_in_the_days_time_order(doctor, client) -> None:
    for time_slot in ["01:00 PM", "09:30 AM", "12:30 PM"]:
        AppointmentFactory(doctor=doctor, appointment_date=day_from_today(1), time_slot=time_slot)
    AppointmentFactory(doctor=doctor, appointment_date=day_from_today(2))
    body = client.get(LIST_URL, {"date": day_from_today(1)}).json()
    assert [row["timeSlot"] for row in body["results"]] == ["09:30 AM", "12:30 PM", "01:00 PM"]


def test_list_without_date_is_newest_date_first(doctor, client) -> None:
    for offset in (-1, 3, 0):
        AppointmentFactory(doctor=doctor, appointment_date=day_from_today(offset))
    dates = [row["appointmentDate"] for row in client.get(LIST_URL).json()["results"]]
    assert dates == [day_from_today(3), day_from_today(0), day_from_today(-1)]


def test_list_filters_by_status(doctor, client) -> None:
    AppointmentFactory(doctor=doctor, status=P)
    AppointmentFactory(doctor=doctor, status=C)
    body = client.get(LIST_URL, {"status": P}).json()
    assert [row["status"] for row in body["results"]] == [P]


@pytest.mark.parametrize("bad", ["2026-13-01", "01-02-2026", "tomorrow", "2026-02-30"])
def test_list_refuses_a_bad_date_with_400(client, bad: str) -> None:
    response = client.get(LIST_URL, {"date": bad})
    assert response.status_code == 400
    assert response.json() == {"date": [MSG_DATE]}


def test_list_with_an_empty_date_is_not_filtered(doctor, client) -> None:
    AppointmentFactory(doctor=doctor)
    assert client.get(LIST_URL, {"date": ""}).json()["count"] == 1


def test_list_refuses_an_unknown_status_with_400(client) -> None:
    response = client.get(LIST_URL, {"status": "DONE"})
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_list_without_sign_in_is_401() -> None:
    assert APIClient().get(LIST_URL).status_code == 401


def test_list_with_a_member_bearer_token_is_403() -> None:
    member = UserFactory()
    client = APIClient()
    access = client.post(
        "/api/v1/auth/token", {"email": member.email, "password": DEFAULT_PASSWORD}, format="json"
    ).json()["access"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    response = client.get(LIST_URL)
    assert response.status_code == 403
    assert response.json() == {"detail": MSG_DOCTORS_ONLY}


# --- Workflow steps ---------------------------------------------------------------------------------------------

ALLOWED = [("confirm", P, C), ("complete", C, D), ("cancel", P, X), ("cancel", C, X)]
REFUSED = [
    ("confirm", C, MSG_CANNOT_CONFIRM),
    ("confirm", D, MSG_CANNOT_CONFIRM),
    ("confirm", X, MSG_CANNOT_CONFIRM),
    ("complete", P, MSG_CANNOT_COMPLETE),
    ("complete", D, MSG_CANNOT_COMPLETE),
    ("complete", X, MSG_CANNOT_COMPLETE),
    ("cancel", D, MSG_CANNOT_CANCEL),
    ("cancel", X, MSG_CANNOT_CANCEL),
]


@pytest.mark.parametrize(("action", "before", "after"), ALLOWED)
def test_allowed_transition_answers_200_with_the_new_status(doctor, client, set_clock, action, before, after) -> None:
    set_clock(MONDAY, "10:00")  # the visit's time: complete needs its window open (docs/booking.md#time-windows)
    appointment = AppointmentFactory(doctor=doctor, status=before)
    response = client.post(f"{LIST_URL}/{appointment.pk}/{action}")
    assert response.status_code == 200
    assert response.json()["status"] == after
    appointment.refresh_from_db()
    assert appointment.status == after


@pytest.mark.parametrize(("action", "before", "message"), REFUSED)
def test_refused_transition_is_409_with_the_workflow_message(doctor, client, action, before, message) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=before)
    response = client.post(f"{LIST_URL}/{appointment.pk}/{action}")
    assert response.status_code == 409
    assert response.json() == {"detail": message}
    appointment.refresh_from_db()
    assert appointment.status == before


@pytest.mark.parametrize("status", list(AppointmentStatus))
def test_portal_buttons_match_what_the_workflow_allows(set_clock, status: str) -> None:
    set_clock(MONDAY, "10:00")
    allowed = {action for action, before, _after in ALLOWED if before == status}
    appointment = Appointment(status=status, appointment_date=MONDAY, time_slot="10:00 AM")
    assert set(appointment_actions(appointment)) == allowed


def test_complete_before_the_visits_window_is_409_naming_the_earliest_time(doctor, client) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=C, appointment_date=TUESDAY, time_slot="10:00 AM")
    response = client.post(f"{LIST_URL}/{appointment.pk}/complete")
    assert response.status_code == 409
    assert response.json() == {"detail": "This visit can be completed from 09:45 AM on 2031-01-07."}
    appointment.refresh_from_db()
    assert appointment.status == C


def test_confirm_sets_confirmed_at(doctor, client) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=P)
    body = client.post(f"{LIST_URL}/{appointment.pk}/confirm").json()
    assert body["confirmedAt"] is not None


def test_cancel_frees_the_time(doctor, client) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=C)
    key = {"doctor_id": doctor.doctor_id, "appointment_date": appointment.appointment_date}
    assert places_taken(**key) == {appointment.time_slot: 1}
    client.post(f"{LIST_URL}/{appointment.pk}/cancel")
    assert places_taken(**key) == {}


def test_appointment_can_be_named_by_its_appointment_id(doctor, client) -> None:
    AppointmentFactory(doctor=doctor, status=P, appointment_id="APT-001")
    assert client.post(f"{LIST_URL}/APT-001/confirm").status_code == 200


def test_another_doctors_appointment_is_404_and_unchanged(client) -> None:
    theirs = AppointmentFactory(status=P)
    for ref in (str(theirs.pk), theirs.appointment_id):
        assert client.post(f"{LIST_URL}/{ref}/confirm").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == P


def test_unknown_appointment_is_404(client) -> None:
    assert client.post(f"{LIST_URL}/{'0' * 24}/confirm").status_code == 404
    assert client.post(f"{LIST_URL}/not-an-id/confirm").status_code == 404


def test_transition_without_csrf_token_is_403_and_changes_nothing(doctor, client) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=P)
    client.credentials()
    response = client.post(f"{LIST_URL}/{appointment.pk}/confirm")
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == P


def test_transition_without_sign_in_is_401() -> None:
    appointment = AppointmentFactory(status=P)
    assert APIClient().post(f"{LIST_URL}/{appointment.pk}/confirm").status_code == 401

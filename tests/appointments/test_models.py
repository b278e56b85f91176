"""The seed's validation rules for appointments, each refused with a form error."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from appointments.models import MSG_ONLINE_NEEDS_CALL_PREFERENCE, MSG_ONLINE_NEEDS_CONTACT, Appointment
from core.validators import MSG_DATE, MSG_FEE_NEGATIVE, MSG_TIME_12H
from tests.admin_forms import admin_url, form_errors, staff_client, submit_change
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Client) -> Client:
    return staff_client(client)


@pytest.fixture
def appointment_url() -> str:
    return admin_url(Appointment, "change", AppointmentFactory().pk)


def _errors(admin: Client, url: str, **changes: str) -> list[str]:
    return form_errors(submit_change(admin, url, **changes))


def test_an_unchanged_appointment_form_saves(admin: Client, appointment_url: str) -> None:
    assert submit_change(admin, appointment_url).status_code == 302


# Date, time and type are read-only in the admin (they change through the services: booking, the move
# action), so these rules are the model's.
def _model_errors(**fields: str) -> dict[str, list[str]]:
    appointment = AppointmentFactory.build(**fields)
    with pytest.raises(ValidationError) as refused:
        appointment.full_clean(exclude=["user", "doctor"])
    return refused.value.message_dict


@pytest.mark.parametrize("date", ["30/09/2025", "2025-9-30", "2025-02-30", "tomorrow"])
def test_appointment_date_is_yyyy_mm_dd(date: str) -> None:
    assert _model_errors(appointment_date=date) == {"appointment_date": [MSG_DATE]}


@pytest.mark.parametrize("time", ["10:00", "10 AM", "13:30 PM"])
def test_time_slot_is_a_12_hour_time(time: str) -> None:
    assert _model_errors(time_slot=time) == {"time_slot": [MSG_TIME_12H]}


def test_online_appointment_needs_a_contact_number(admin: Client) -> None:
    url = admin_url(Appointment, "change", OnlineAppointmentFactory().pk)
    assert _errors(admin, url, contact_number="") == [MSG_ONLINE_NEEDS_CONTACT]


def test_online_appointment_needs_a_call_preference(admin: Client) -> None:
    url = admin_url(Appointment, "change", OnlineAppointmentFactory().pk)
    assert _errors(admin, url, call_preference="") == [MSG_ONLINE_NEEDS_CALL_PREFERENCE]


def test_online_appointment_with_both_is_accepted_without_a_clinic(admin: Client) -> None:
    url = admin_url(Appointment, "change", OnlineAppointmentFactory().pk)
    assert submit_change(admin, url, call_preference="VOICE").status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [("payment_status", "REFUNDED"), ("call_preference", "SMS")],
)
def test_enums_accept_only_their_values(admin: Client, appointment_url: str, field: str, value: str) -> None:
    message = f"Select a valid choice. {value} is not one of the available choices."
    assert _errors(admin, appointment_url, **{field: value}) == [message]


def test_consultation_fee_is_zero_or_more(admin: Client, appointment_url: str) -> None:
    assert _errors(admin, appointment_url, consultation_fee="-1") == [MSG_FEE_NEGATIVE]


def test_appointment_type_accepts_only_its_values() -> None:
    errors = _model_errors(appointment_type="HOME_VISIT")
    assert errors["appointment_type"] == ["Value 'HOME_VISIT' is not a valid choice."]


def test_status_accepts_only_the_seed_statuses() -> None:
    # The admin shows status read-only (it moves through the workflow), so this rule is the model's.
    appointment = AppointmentFactory.build(status="DONE")
    with pytest.raises(ValidationError) as refused:
        appointment.full_clean(exclude=["user", "doctor"])
    assert refused.value.message_dict == {"status": ["Value 'DONE' is not a valid choice."]}

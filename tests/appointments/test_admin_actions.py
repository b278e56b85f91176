"""The appointment admin: filters by doctor, clinic, date range, status and type; the phone desk's actions."""

from typing import Any

import pytest
from django.test import Client

from appointments import admin as appointment_admin
from appointments.models import Actor, Appointment, AppointmentStatus, AppointmentType
from tests.admin_forms import admin_url, staff_client
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.doctors.factories import DoctorFactory
from users.models import Role

pytestmark = pytest.mark.django_db

CHANGELIST = admin_url(Appointment)


@pytest.fixture
def audited(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []

    def record(request: Any, *, action: str, appointment: Appointment, **details: object) -> None:
        calls.append((action, appointment.appointment_id))

    monkeypatch.setattr(appointment_admin, "audit_appointment_action", record)
    return calls


def _act(client: Client, action: str, *appointments: Appointment, **extra: str) -> Any:
    return client.post(CHANGELIST, {"action": action, "_selected_action": [str(a.pk) for a in appointments], **extra})


def _listed(client: Client, **params: str) -> set[str]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200, response.status_code
    return {appointment.appointment_id for appointment in response.context["cl"].result_list}


# --- filters ---------------------------------------------------------------------------------------------------


def test_filters_by_doctor_clinic_date_range_status_and_type(client: Client) -> None:
    admin_client = staff_client(client)
    first, second = DoctorFactory(), DoctorFactory()
    early = AppointmentFactory(doctor=first, appointment_date="2031-01-06")
    late = AppointmentFactory(doctor=first, appointment_date="2031-01-20", status=AppointmentStatus.CANCELLED)
    other = OnlineAppointmentFactory(doctor=second, appointment_date="2031-01-10")
    everyone = {early.appointment_id, late.appointment_id, other.appointment_id}
    assert _listed(admin_client) == everyone
    assert _listed(admin_client, doctor=first.doctor_id) == {early.appointment_id, late.appointment_id}
    assert _listed(admin_client, clinic=first.clinics[0].clinic_id) == {early.appointment_id, late.appointment_id}
    assert _listed(admin_client, date_from="2031-01-07", date_to="2031-01-20") == {
        late.appointment_id,
        other.appointment_id,
    }
    assert _listed(admin_client, date_to="2031-01-09") == {early.appointment_id}
    assert _listed(admin_client, status__exact=AppointmentStatus.CANCELLED) == {late.appointment_id}
    assert _listed(admin_client, appointment_type__exact=AppointmentType.ONLINE) == {other.appointment_id}
    assert _listed(admin_client, date_from="2031-01-01", doctor=second.doctor_id) == {other.appointment_id}


def test_a_date_range_that_is_not_dates_is_an_invalid_filter(client: Client) -> None:
    response = staff_client(client).get(CHANGELIST, {"date_from": "06/01/2031"})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_list_shows_date_time_and_status_among_few_columns() -> None:
    from django.contrib import admin

    columns = admin.site._registry[Appointment].list_display
    assert columns[1:4] == ["appointment_date", "time_slot", "status"]
    assert len(columns) <= 9


# --- actions for ADMIN and OPERATIONS ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATIONS])
def test_staff_confirm_a_pending_request_through_the_service(
    client: Client, role: str, audited: list[tuple[str, str]]
) -> None:
    pending = AppointmentFactory(status=AppointmentStatus.PENDING_CONFIRMATION)
    response = _act(staff_client(client, role), "appointment_confirm", pending)
    assert response.status_code == 302
    assert Appointment.objects.get(pk=pending.pk).status == AppointmentStatus.CONFIRMED
    assert audited == [("confirm", pending.appointment_id)]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATIONS])
def test_staff_cancel_with_a_reason_on_an_intermediate_page(
    client: Client, role: str, audited: list[tuple[str, str]]
) -> None:
    staff = staff_client(client, role)
    one, two = AppointmentFactory(), AppointmentFactory(status=AppointmentStatus.PENDING_CONFIRMATION)
    page = _act(staff, "cancel_appointments", one, two)
    assert page.status_code == 200
    assert "Reason (the patient sees it)" in page.content.decode()
    assert Appointment.objects.filter(status=AppointmentStatus.CANCELLED).count() == 0
    done = _act(staff, "cancel_appointments", one, two, apply="1", reason="The doctor is unwell today.")
    assert done.status_code == 302
    for appointment in Appointment.objects.filter(pk__in=[one.pk, two.pk]):
        assert appointment.status == AppointmentStatus.CANCELLED
        assert appointment.cancelled_by == Actor.STAFF
        assert appointment.cancellation_reason == "The doctor is unwell today."
    assert sorted(audited) == sorted([("cancel", one.appointment_id), ("cancel", two.appointment_id)])


def test_a_cancel_needs_a_reason(client: Client, audited: list[tuple[str, str]]) -> None:
    staff = staff_client(client, Role.OPERATIONS)
    appointment = AppointmentFactory()
    page = _act(staff, "cancel_appointments", appointment, apply="1", reason="  ")
    assert page.status_code == 200
    assert appointment_admin.MSG_CANCEL_REASON_REQUIRED in page.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CONFIRMED
    assert audited == []


def test_a_refused_cancel_is_reported_and_not_audited(client: Client, audited: list[tuple[str, str]]) -> None:
    staff = staff_client(client, Role.OPERATIONS)
    done = AppointmentFactory(status=AppointmentStatus.COMPLETED)
    response = _act(staff, "cancel_appointments", done, apply="1", reason="Phoned in.")
    assert response.status_code == 302
    assert Appointment.objects.get(pk=done.pk).status == AppointmentStatus.COMPLETED
    assert audited == []


def test_operations_get_the_phone_desk_actions_only(client: Client) -> None:
    AppointmentFactory()
    actions = staff_client(client, Role.OPERATIONS).get(CHANGELIST).context["action_form"].fields["action"].choices
    names = {name for name, _ in actions if name}
    assert {"appointment_confirm", "cancel_appointments", "move_appointment"} <= names
    assert "appointment_complete" not in names


def test_operations_reschedule_through_the_service_and_it_is_audited(
    client: Client, audited: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from appointments import admin as module

    appointment = AppointmentFactory()
    moved_to: list[str] = []

    def reschedule(**kwargs: Any) -> Appointment:
        moved_to.append(kwargs["appointment_date"])
        assert kwargs["by"] == Actor.STAFF
        return kwargs["appointment"]

    monkeypatch.setattr(module, "appointment_reschedule", reschedule)  # the service's own rules: test_reschedule.py
    staff = staff_client(client, Role.OPERATIONS)
    form = {"apply": "1", "appointment_date": "2031-02-03", "time_slot": "10:00 AM"}
    assert _act(staff, "move_appointment", appointment, **form).status_code == 302
    assert moved_to == ["2031-02-03"]
    assert audited == [("reschedule", appointment.appointment_id)]

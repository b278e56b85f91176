"""The admin's "Doctor did not show" filter reads only the last DOCTOR_NO_SHOW_LOOKBACK_DAYS days of CONFIRMED
appointments, so its cost does not grow with the history (appointments.selectors.doctor_late_appointment_ids;
docs/operations.md)."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from appointments.admin import DoctorNoShowFilter
from appointments.selectors import doctor_late_appointment_ids
from devtools.query_plans import query_plans
from tests.appointments.conftest import MONDAY
from tests.appointments.factories import OnlineAppointmentFactory
from tests.users.factories import StaffFactory
from users.models import Role

pytestmark = pytest.mark.django_db

Clock = Callable[[str, str], None]


def test_only_the_last_days_are_flagged(set_clock: Clock, settings) -> None:
    settings.DOCTOR_NO_SHOW_LOOKBACK_DAYS = 7
    set_clock(MONDAY, "12:00")
    today = OnlineAppointmentFactory(appointment_date=MONDAY, time_slot="09:00 AM")
    week_ago = OnlineAppointmentFactory(appointment_date="2030-12-30", time_slot="09:00 AM")  # 7 days back
    older = OnlineAppointmentFactory(appointment_date="2030-12-29", time_slot="09:00 AM")  # 8 days back
    flagged = set(doctor_late_appointment_ids())
    assert {today.pk, week_ago.pk} <= flagged
    assert older.pk not in flagged


def test_the_filter_names_its_window(settings) -> None:
    settings.DOCTOR_NO_SHOW_LOOKBACK_DAYS = 14
    choices = DoctorNoShowFilter.lookups(None, None, None)  # type: ignore[arg-type]
    assert choices == [("yes", "Doctor did not show (last 14 days)")]


def test_the_filter_is_one_bounded_index_scan() -> None:
    plans = query_plans(doctor_late_appointment_ids)
    assert [(plan.stage, plan.index) for plan in plans] == [("IXSCAN", "appointments_status_date")]
    assert set(plans[0].filter["appointmentDate"]) == {"$gte", "$lte"}, plans[0].filter


def test_the_admin_list_with_the_filter_loads(set_clock: Clock) -> None:
    set_clock(MONDAY, "12:00")
    OnlineAppointmentFactory(appointment_date=MONDAY, time_slot="09:00 AM")
    client = Client()
    client.force_login(StaffFactory(role=Role.OPERATIONS))
    response = client.get(reverse("admin:appointments_appointment_changelist"), {"doctor_no_show": "yes"})
    assert response.status_code == 200
    assert "Doctor did not show (last" in response.content.decode()

"""The operations dashboard: its figures, their indexes, who may see it, and the CSV exports."""

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from appointments.models import Actor, AppointmentStatus
from consultations.models import ConsultationStatus, NetworkIssue
from core import clock
from devtools.query_plans import query_plans
from operations.forms import MSG_END_BEFORE_START, MSG_RANGE_TOO_LONG
from operations.selectors import NOT_RECORDED, dashboard_figures
from tests.admin_forms import staff_client
from tests.appointments.factories import AppointmentFactory
from tests.clinics.factories import ClinicFactory
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.users.factories import UserFactory
from users.models import Role

pytestmark = pytest.mark.django_db

MONDAY, SUNDAY = date(2031, 1, 6), date(2031, 1, 12)
URL = "/admin/operations/dashboard/"
RANGE = {"start": MONDAY.isoformat(), "end": SUNDAY.isoformat()}


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Two cities; one week of bookings, cancellations, a waiting request, calls with and without patients."""
    monkeypatch.setattr(clock, "now", lambda: _at(MONDAY + timedelta(days=3), 12))
    pune, delhi = ClinicFactory(city="Pune", name="Pune Clinic"), ClinicFactory(city="Delhi", name="Delhi Clinic")
    asha, ravi = DoctorFactory(clinic=pune, name="Dr. Asha"), DoctorFactory(clinic=delhi, name="Dr. Ravi")
    DoctorSlotFactory(doctor=asha, clinic=pune, day_of_week="Monday", consultation_type="IN_CLINIC")  # 6 places
    DoctorSlotFactory(doctor=ravi, clinic=delhi, day_of_week="Tuesday", max_patients=2)  # 12 places
    monday, tuesday = MONDAY.isoformat(), (MONDAY + timedelta(days=1)).isoformat()
    AppointmentFactory(doctor=asha, appointment_date=monday, time_slot="09:00 AM")
    AppointmentFactory(doctor=asha, appointment_date=monday, time_slot="09:30 AM", status=AppointmentStatus.COMPLETED)
    AppointmentFactory(
        doctor=asha,
        appointment_date=monday,
        time_slot="10:00 AM",
        status=AppointmentStatus.CANCELLED,
        cancelled_by=Actor.MEMBER,
    )
    AppointmentFactory(
        doctor=ravi, appointment_date=tuesday, status=AppointmentStatus.CANCELLED, cancelled_by=Actor.STAFF
    )
    AppointmentFactory(doctor=ravi, appointment_date=tuesday, status=AppointmentStatus.CANCELLED)  # before cancelledBy
    waiting = AppointmentFactory(
        doctor=ravi,
        appointment_date=(MONDAY + timedelta(days=5)).isoformat(),
        status=AppointmentStatus.PENDING_CONFIRMATION,
        requested_at=_at(MONDAY, 9),
    )
    AppointmentFactory(  # asked an hour ago: not yet late
        doctor=ravi,
        appointment_date=(MONDAY + timedelta(days=5)).isoformat(),
        time_slot="11:00 AM",
        status=AppointmentStatus.PENDING_CONFIRMATION,
        requested_at=_at(MONDAY + timedelta(days=3), 11),
    )
    AppointmentFactory(doctor=asha, appointment_date=(SUNDAY + timedelta(days=1)).isoformat())  # outside the range
    VideoConsultationFactory(
        status=ConsultationStatus.COMPLETED,
        scheduled_start_time=_at(MONDAY, 10),
        network_issues=[NetworkIssue(timestamp=_at(MONDAY, 10), issue="audio", duration=5) for _ in range(2)],
    )
    VideoConsultationFactory(
        status=ConsultationStatus.NO_SHOW, scheduled_start_time=_at(MONDAY + timedelta(days=1), 23)
    )
    VideoConsultationFactory(
        status=ConsultationStatus.COMPLETED, scheduled_start_time=_at(SUNDAY + timedelta(days=1), 1)
    )
    return {"asha": asha, "ravi": ravi, "pune": pune, "delhi": delhi, "waiting": waiting}


def _rows(dashboard: Any, key: str) -> list[list[Any]]:
    return dashboard.tables[key].rows


# --- the figures --------------------------------------------------------------------------------------------


def test_bookings_per_day_and_cancellations_by_who(network: dict) -> None:
    dashboard = dashboard_figures(start=MONDAY, end=SUNDAY)
    per_day = {row[0]: row[1:] for row in _rows(dashboard, "bookings_per_day")}
    assert len(per_day) == 7
    assert per_day["2031-01-06"] == [3, 1]
    assert per_day["2031-01-07"] == [2, 2]
    assert per_day["2031-01-11"] == [2, 0]
    assert sorted(_rows(dashboard, "cancellations")) == sorted([["MEMBER", 1], ["STAFF", 1], [NOT_RECORDED, 1]])


def test_requests_waiting_longer_than_a_day_are_listed(network: dict) -> None:
    dashboard = dashboard_figures(start=MONDAY, end=SUNDAY)
    assert dashboard.pending_total == 1
    [row] = _rows(dashboard, "pending")
    assert row[0] == network["waiting"].appointment_id
    assert row[-1] == 3 * 24 + 3  # hours waited


def test_video_calls_no_shows_and_network_issues_per_local_day(network: dict) -> None:
    calls = {row[0]: row[1:] for row in _rows(dashboard_figures(start=MONDAY, end=SUNDAY), "video_calls")}
    assert calls["2031-01-06"] == [1, 0, 2]
    assert calls["2031-01-07"] == [0, 1, 0]  # 23:00 clinic-local is still that day
    assert sum(row[0] for row in calls.values()) == 1  # the call after the range is not counted


def test_utilisation_is_booked_over_offered_places(network: dict) -> None:
    dashboard = dashboard_figures(start=MONDAY, end=SUNDAY)
    doctors = {row[0]: row[1:] for row in _rows(dashboard, "utilisation_doctors")}
    asha, ravi = network["asha"].doctor_id, network["ravi"].doctor_id
    assert doctors[asha] == ["Dr. Asha", 2, 6, 33.3]  # two live bookings of 6 Monday places
    assert doctors[ravi] == ["Dr. Ravi", 2, 12, 16.7]  # the two pending requests of Saturday; 12 Tuesday places
    clinics = {row[0]: row[1:] for row in _rows(dashboard, "utilisation_clinics")}
    assert clinics[network["pune"].clinic_id] == ["Pune Clinic", 2, 6, 33.3]


def test_a_city_narrows_the_clinic_figures(network: dict) -> None:
    dashboard = dashboard_figures(start=MONDAY, end=SUNDAY, city="Pune")
    assert sum(row[1] for row in _rows(dashboard, "bookings_per_day")) == 3
    assert [row[0] for row in _rows(dashboard, "cancellations")] == ["MEMBER"]
    assert dashboard.pending_total == 0
    assert [row[0] for row in _rows(dashboard, "utilisation_doctors")] == [network["asha"].doctor_id]


def test_every_dashboard_query_is_served_by_an_index(network: dict) -> None:
    for city in (None, "Pune"):
        plans = query_plans(lambda city=city: dashboard_figures(start=MONDAY, end=SUNDAY, city=city))
        assert len(plans) >= 6
        # Time off of several doctors is one `doctorId: {$in}` query, which MongoDB serves from the doctor-dates
        # index and SecantusDB scans (docs/decisions/0035-schedule-exceptions.md): the one known exception.
        plans = [plan for plan in plans if not _several_doctors_time_off(plan)]
        scans = [(plan.collection, plan.stage, plan.index) for plan in plans]
        assert all(plan.stage == "IXSCAN" for plan in plans), str([s for s in scans if s[1] != "IXSCAN"])
        indexes = {plan.index for plan in plans}
        assert {"appointments_date_status", "appointments_status_requested"} <= indexes, scans


def _several_doctors_time_off(plan: Any) -> bool:
    return plan.collection == "doctor_schedule_exceptions" and "$in" in str(plan.filter.get("doctorId"))


def test_utilisation_counts_time_off_out_and_extra_hours_in(network: dict) -> None:
    from doctors.models import ScheduleException

    asha, ravi = network["asha"], network["ravi"]
    common = {"created_by_role": "STAFF", "created_by_id": "ops"}
    ScheduleException.objects.create(  # the first hour of Asha's Monday (09:00-12:00): 2 of 6 places
        doctor=asha,
        kind="TIME_OFF",
        start_date="2031-01-06",
        end_date="2031-01-06",
        start_time="09:00 AM",
        end_time="10:00 AM",
        reason="Meeting",
        **common,
    )
    ScheduleException.objects.create(  # Thursday 10:00-11:00 in Delhi, every 30 minutes, 2 patients: 4 places
        doctor=ravi,
        kind="EXTRA_HOURS",
        start_date="2031-01-09",
        end_date="2031-01-09",
        start_time="10:00",
        end_time="11:00",
        clinic_id=network["delhi"].clinic_id,
        slot_duration=30,
        max_patients=2,
        consultation_fee=500,
        consultation_type="IN_CLINIC",
        reason="Camp",
        **common,
    )
    dashboard = dashboard_figures(start=MONDAY, end=SUNDAY)
    doctors = {row[0]: row[3] for row in _rows(dashboard, "utilisation_doctors")}
    assert (doctors[asha.doctor_id], doctors[ravi.doctor_id]) == (4, 12 + 4)
    clinics = {row[0]: row[3] for row in _rows(dashboard, "utilisation_clinics")}
    assert clinics[network["delhi"].clinic_id] == 12 + 4


# --- the page -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATIONS])
def test_staff_see_the_dashboard(client: Client, network: dict, role: str) -> None:
    response = staff_client(client, role).get(URL, RANGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bookings per day" in page and "Utilisation per doctor" in page
    assert "vendor/chartjs/chart.umd.min.js" in page and 'id="ops-chart-data"' in page
    assert "<script>" not in page  # no inline script: the CSP holds


def test_the_admin_home_links_the_dashboard(client: Client) -> None:
    assert URL in staff_client(client).get("/admin/").content.decode()


def test_members_and_strangers_do_not_see_it(client: Client) -> None:
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_each_table_exports_to_csv(client: Client, network: dict) -> None:
    admin_client = staff_client(client, Role.OPERATIONS)
    for key in ("bookings_per_day", "cancellations", "pending", "video_calls", "utilisation_doctors"):
        response = admin_client.get(URL, {**RANGE, "export": key})
        assert response.status_code == 200, key
        assert response["Content-Type"].startswith("text/csv")
        assert f"opd-{key}-2031-01-06-2031-01-12.csv" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert len(rows) == 1 + len(dashboard_figures(start=MONDAY, end=SUNDAY).tables[key].rows)
    assert admin_client.get(URL, {**RANGE, "export": "nothing"}).status_code == 400


def test_a_name_that_looks_like_a_formula_is_exported_as_text(client: Client, network: dict) -> None:
    from doctors.models import Doctor

    Doctor.objects.filter(pk=network["asha"].pk).update(name="=HYPERLINK(1)")
    response = staff_client(client).get(URL, {**RANGE, "export": "utilisation_doctors"})
    assert "'=HYPERLINK(1)" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2031-01-12", "end": "2031-01-06"}, MSG_END_BEFORE_START),
        ({"start": "2030-01-01", "end": "2031-01-06"}, MSG_RANGE_TOO_LONG),
    ],
)
def test_a_bad_range_is_explained(client: Client, params: dict, message: str) -> None:
    response = staff_client(client).get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["dashboard"] is None

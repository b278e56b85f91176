"""No password, token, cookie or file content ever reaches a log record, whatever the logger and level.

Every record of a busy session (sign-ins, booking, the doctor API, a prescription upload and download, a
crash, a database outage) is captured at DEBUG and formatted exactly as production formats it (the JSON
formatter of settings.LOGGING, extra fields and tracebacks included), then searched for each secret.
"""

import logging
import secrets
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from appointments.models import AppointmentStatus
from tests.appointments.factories import AppointmentFactory
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory, DoctorSlotFactory
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _formatted(records: list[logging.LogRecord]) -> str:
    config = settings.LOGGING["formatters"]["json"]
    formatter = import_string(config["()"])(**{k: v for k, v in config.items() if k != "()"})
    return "\n".join(formatter.format(record) for record in records)


def _doctor_session(client: Client, email: str) -> tuple[str, str]:
    response = client.post(
        "/auth/doctor/login", {"email": email, "password": DOCTOR_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    return client.cookies["doctor_session"].value, client.cookies["csrftoken"].value


def test_no_secret_or_file_content_reaches_any_log_record(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = UserFactory()
    doctor = DoctorFactory()
    day = timezone.localdate() + timedelta(days=1)
    DoctorSlotFactory(doctor=doctor, day_of_week=day.strftime("%A"), start_time="06:00", end_time="23:00")
    done = AppointmentFactory(doctor=doctor, user=member, status=AppointmentStatus.COMPLETED)
    file_marker = secrets.token_hex(16).encode()
    pdf = b"%PDF-1.4\n" + file_marker + b"\n%%EOF\n"

    caplog.set_level(logging.DEBUG)
    api = APIClient(raise_request_exception=False)
    tokens = api.post("/api/v1/auth/token", {"email": member.email, "password": DEFAULT_PASSWORD}, format="json").json()
    api.post("/api/v1/auth/token", {"email": member.email, "password": DEFAULT_PASSWORD + "x"}, format="json")
    refreshed = api.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json").json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    booked = api.post(
        "/api/v1/appointments",
        {
            "doctorId": doctor.doctor_id,
            "appointmentType": "IN_CLINIC",
            "appointmentDate": day.isoformat(),
            "timeSlot": "09:00 AM",
            "clinicId": doctor.clinics[0].clinic_id,
        },
        format="json",
    )
    assert booked.status_code == 201, booked.content
    api.get("/api/v1/appointments", {"q": "x"})

    portal = Client(enforce_csrf_checks=True, raise_request_exception=False)
    session, csrf = _doctor_session(portal, doctor.email)
    portal.post(
        "/auth/doctor/login",
        {"email": doctor.email, "password": "wrong " + DOCTOR_PASSWORD},
        content_type="application/json",
    )
    uploaded = portal.post(
        f"/api/v1/doctor/appointments/{done.appointment_id}/prescription",
        {"file": SimpleUploadedFile("rx.pdf", pdf, content_type="application/pdf"), "diagnosis": "Flu"},
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert uploaded.status_code == 201, uploaded.content
    prescription = uploaded.json()
    downloaded = api.get(f"/api/v1/prescriptions/{prescription['prescriptionId']}/file")
    assert downloaded.status_code == 200
    portal.get("/portal/")
    portal.post(f"/api/v1/doctor/appointments/{done.appointment_id}/confirm", HTTP_X_CSRFTOKEN=csrf)

    # A crash inside a view, with the member's token on the request: logged (with a traceback), not the token.
    def crash(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("appointments.apis.appointment_list_for_member", crash)
    assert api.get("/api/v1/appointments").status_code == 500

    logged = _formatted(caplog.records)
    assert "Internal Server Error" in logged  # the crash was logged: the search below means something
    for name, secret in {
        "member password": DEFAULT_PASSWORD,
        "doctor password": DOCTOR_PASSWORD,
        "access token": tokens["access"],
        "refresh token": tokens["refresh"],
        "refreshed token": refreshed["access"],
        "doctor cookie": session,
        "csrf token": csrf,
        "file content": file_marker.decode(),
    }.items():
        assert secret not in logged, f"the {name} is in the logs"
    assert "Authorization" not in logged and "Bearer" not in logged


def test_query_logs_are_off_even_at_debug() -> None:
    """pymongo's command log and the backend's query log carry documents (medical records, password hashes):
    they stay at WARNING whatever LOG_LEVEL says."""
    for name in ("pymongo", "django.db.backends"):
        assert settings.LOGGING["loggers"][name]["level"] == "WARNING"
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)


def test_request_errors_are_logged_without_bodies_or_headers(caplog: pytest.LogCaptureFixture) -> None:
    """django.request records a 4xx/5xx with the path only; a body too large is refused before it is read."""
    caplog.set_level(logging.DEBUG)
    secret = secrets.token_hex(16)
    Client(raise_request_exception=False).post(
        "/api/v1/auth/token",
        "{" * 10 + secret,
        content_type="application/json",
        HTTP_X_SECRET=secret,
        HTTP_COOKIE=f"sessionid={secret}",
    )
    assert secret not in _formatted(caplog.records)

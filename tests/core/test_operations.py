"""Operations: request logs, database outages, security headers."""

import json
import logging

import pytest
from django.test import Client

from core.api import MSG_DATABASE_UNAVAILABLE
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_is_503_while_the_database_is_down(client: Client, database_down: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_api_answers_clean_json_503_while_the_database_is_down(client: Client, database_down: None) -> None:
    response = client.post(
        "/api/v1/auth/token", {"email": "a@example.com", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 503
    assert response.json() == {"detail": MSG_DATABASE_UNAVAILABLE}


def test_admin_shows_a_friendly_page_while_the_database_is_down(database_down: None) -> None:
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-signed-in-staff-session"  # loading the session needs the database
    response = client.get("/admin/")
    assert response.status_code == 503
    assert b"right back" in response.content
    assert b"Traceback" not in response.content


def test_service_recovers_when_the_database_comes_back(client: Client) -> None:
    assert client.get("/healthz").status_code == 200


def test_each_request_logs_one_structured_line_without_secrets(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    member = UserFactory()
    with caplog.at_level(logging.INFO, logger="opd_wallet.access"):
        response = client.post(
            "/api/v1/auth/token",
            {"email": member.email, "password": DEFAULT_PASSWORD},
            content_type="application/json",
            HTTP_X_REQUEST_ID="req-12345678",
        )
    records = [r for r in caplog.records if r.name == "opd_wallet.access"]
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.status, record.request_id) == (
        "POST",
        "/api/v1/auth/token",
        200,
        "req-12345678",
    )
    assert record.duration_ms >= 0
    assert response["X-Request-ID"] == "req-12345678"
    logged = json.dumps(record.__dict__, default=str)
    assert DEFAULT_PASSWORD not in logged
    assert response.json()["access"] not in logged


def test_security_headers_are_set(client: Client) -> None:
    response = client.get("/healthz")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-src https://meet.jit.si" in response["Content-Security-Policy"]

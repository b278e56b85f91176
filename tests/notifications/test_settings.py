"""Email is configured from the environment: SMTP once EMAIL_HOST is set, the console otherwise."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from notifications.delivery import notifications_deliver_due
from tests.notifications.factories import book

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, opd_wallet.settings as s; print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, "
    "s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.NOTIFY_REMINDER_HOURS]))"
)


def _settings(**env: str) -> list[Any]:
    names = {"EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL"}
    base = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("NOTIFY_")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a constant script
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**base, "MONGODB_URI": "mongodb://127.0.0.1:9/opd_wallet", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_without_email_host_email_goes_to_the_console() -> None:
    backend, host, *_ = _settings()
    assert (backend, host) == ("django.core.mail.backends.console.EmailBackend", "")


def test_email_host_switches_to_smtp_with_the_environments_settings() -> None:
    found = _settings(
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="mailer",
        DEFAULT_FROM_EMAIL="Clinic <care@example.com>",
        NOTIFY_REMINDER_HOURS="48,3",
    )
    assert found == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        2525,
        "mailer",
        True,
        "Clinic <care@example.com>",
        [48, 3],
    ]


@pytest.mark.django_db
def test_the_console_backend_prints_the_message(settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    book()
    assert notifications_deliver_due().sent == 2
    printed = capsys.readouterr().out
    assert "Subject: Your appointment with Dr. Asha Rao is booked" in printed
    assert "text/calendar" in printed

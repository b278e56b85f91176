"""Fixtures for booking tests: a clock we control (core/clock.py) and a member's API client."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from core import clock
from tests.doctors.factories import DoctorFactory
from tests.member_api import member_client
from tests.users.factories import UserFactory
from users.models import User

# Monday 6 January 2031, 07:00 clinic-local: before every factory slot of the day.
MONDAY = "2031-01-06"
TUESDAY = "2031-01-07"
SUNDAY = "2031-01-12"
NEXT_MONDAY = "2031-01-13"


def local(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def set_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Freeze core.clock at a clinic-local day and "HH:MM"."""

    def freeze(day: str, hhmm: str) -> None:
        instant = local(day, hhmm)
        monkeypatch.setattr(clock, "now", lambda: instant)

    return freeze


@pytest.fixture(autouse=True)
def _monday_morning(set_clock: Callable[[str, str], None]) -> None:
    set_clock(MONDAY, "07:00")


@pytest.fixture
def member() -> User:
    return UserFactory(name="John Doe", member_id="USR001")


@pytest.fixture
def api(member: User) -> APIClient:
    return member_client(member)


@pytest.fixture
def doctor():
    """A doctor whose own appointments a test creates (the doctor API and portal tests)."""
    return DoctorFactory()

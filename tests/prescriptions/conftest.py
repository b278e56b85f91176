from pathlib import Path

import pytest

from appointments.models import Appointment
from doctors.models import Doctor
from tests.appointments.factories import AppointmentFactory
from tests.doctors.factories import DoctorFactory


@pytest.fixture
def doctor(db: None) -> Doctor:
    return DoctorFactory()


@pytest.fixture
def appointment(doctor: Doctor) -> Appointment:
    return AppointmentFactory(doctor=doctor)


@pytest.fixture
def stored_files(settings: pytest.FixtureRequest) -> "callable":
    """Every file under MEDIA_ROOT/doctors, as paths relative to MEDIA_ROOT."""

    def files() -> list[str]:
        root = Path(settings.MEDIA_ROOT)
        return sorted(str(p.relative_to(root)) for p in (root / "doctors").rglob("*") if p.is_file())

    return files

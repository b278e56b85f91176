import pytest

from appointments.models import Appointment
from doctors.models import Doctor
from prescriptions.files import storage
from tests.appointments.factories import AppointmentFactory
from tests.doctors.factories import DoctorFactory


@pytest.fixture
def doctor(db: None) -> Doctor:
    return DoctorFactory()


@pytest.fixture
def appointment(doctor: Doctor) -> Appointment:
    return AppointmentFactory(doctor=doctor)


def _walk(directory: str) -> list[str]:
    try:
        directories, files = storage().listdir(directory)
    except FileNotFoundError:
        return []
    found = [f"{directory}/{name}" for name in files]
    for name in directories:
        found += _walk(f"{directory}/{name}")
    return found


def stored_names() -> list[str]:
    """Every stored prescription file under `doctors/` (GridFS or MEDIA_ROOT, whichever is in use), by name."""
    return sorted(_walk("doctors"))


@pytest.fixture
def stored_files() -> "callable":
    return stored_names

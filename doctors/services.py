"""Writes on doctors and their weekly slots."""

from doctors.models import Doctor
from opd_wallet.passwords import validate_password_length


def doctor_set_password(*, doctor: Doctor, password: str) -> Doctor:
    """Hash and store the doctor's portal password (bcrypt, cost 10). Raises ValidationError if too long."""
    validate_password_length(password)
    doctor.set_password(password)
    doctor.save(update_fields=["password", "updated_at"])
    return doctor

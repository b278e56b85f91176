"""Bookings made through the real services, so the events fire and the outbox fills as in a request."""

from typing import Any

from appointments.models import Appointment, AppointmentType
from appointments.services.booking import appointment_book
from doctors.models import DoctorSlot
from tests.appointments.conftest import NEXT_MONDAY
from tests.doctors.factories import DoctorSlotFactory
from tests.users.factories import UserFactory
from users.models import User


def book(
    *,
    slot: DoctorSlot | None = None,
    user: User | None = None,
    day: str = NEXT_MONDAY,
    time_slot: str = "10:00 AM",
    online: bool = False,
    **doctor: Any,
) -> Appointment:
    """Book through appointment_book (a Monday 09:00-12:00 slot of a new doctor unless given)."""
    if slot is None:
        slot = DoctorSlotFactory(
            max_patients=3, doctor__name="Dr. Asha Rao", **{f"doctor__{k}": v for k, v in doctor.items()}
        )
    user = user or UserFactory(name="Meera Iyer Nair")
    return appointment_book(
        user=user,
        doctor_id=slot.doctor.doctor_id,
        appointment_type=AppointmentType.ONLINE if online else AppointmentType.IN_CLINIC,
        appointment_date=day,
        time_slot=time_slot,
        clinic_id=None if online else slot.clinic.clinic_id,
        contact_number="+919800000001" if online else None,
        call_preference="VIDEO" if online else None,
    )

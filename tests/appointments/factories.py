from datetime import timedelta

import factory
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus, AppointmentType, PaymentStatus
from core import clock
from tests.doctors.factories import DoctorFactory
from tests.users.factories import UserFactory

# Short names for the statuses, for tables of test cases.
P, C, D, X = (
    AppointmentStatus.PENDING_CONFIRMATION,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.CANCELLED,
)


def day_from_today(offset: int) -> str:
    """The clinic-local date `offset` days from today (core.clock's today), as the seed's "YYYY-MM-DD"."""
    return (clock.local_today() + timedelta(days=offset)).isoformat()


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An IN_CLINIC appointment at the doctor's first clinic, with the seed's denormalised fields."""

    class Meta:
        model = Appointment

    appointment_id = factory.Sequence(lambda n: f"APT-T{n:05d}")
    appointment_number = factory.Sequence(lambda n: f"APT20260101{n:03d}")
    user = factory.SubFactory(UserFactory)
    patient_name = factory.LazyAttribute(lambda o: o.user.name)
    patient_id = factory.LazyAttribute(lambda o: o.user.member_id)
    doctor = factory.SubFactory(DoctorFactory)
    doctor_name = factory.LazyAttribute(lambda o: o.doctor.name)
    specialty = factory.LazyAttribute(lambda o: o.doctor.specialty)
    clinic_id = factory.LazyAttribute(lambda o: o.doctor.clinics[0].clinic_id)
    clinic_name = factory.LazyAttribute(lambda o: o.doctor.clinics[0].name)
    clinic_address = factory.LazyAttribute(lambda o: o.doctor.clinics[0].address)
    appointment_type = AppointmentType.IN_CLINIC
    appointment_date = factory.LazyFunction(lambda: clock.local_today().isoformat())
    time_slot = "10:00 AM"
    consultation_fee = 1000
    status = AppointmentStatus.CONFIRMED
    requested_at = factory.LazyFunction(timezone.now)
    payment_status = PaymentStatus.PENDING


class OnlineAppointmentFactory(AppointmentFactory):
    appointment_type = AppointmentType.ONLINE
    clinic_id = None
    clinic_name = None
    clinic_address = None
    contact_number = "+919876543210"
    call_preference = "VIDEO"

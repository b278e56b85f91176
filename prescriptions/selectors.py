"""Reads on prescriptions, each scoped to who is asking (the seed's access control).

A prescription is addressed by its `prescriptionId` (PRESC...) or by its `_id` as 24 hex characters.
"""

from django.db.models import QuerySet

from appointments.models import Appointment
from core.errors import NotFound
from doctors.models import Doctor
from mongo.lookups import first_by_key
from prescriptions.models import Prescription
from users.models import User


def prescription_list_for_member(*, user: User) -> QuerySet[Prescription]:
    """The member's own active prescriptions, newest upload first (index userId + uploadDate)."""
    return Prescription.objects.filter(user_id=user.pk, is_active=True).order_by("-upload_date")


def prescription_get_for_member(*, user: User, prescription_id: str) -> Prescription:
    """The member's own active prescription. Raises NotFound."""
    prescription = first_by_key(
        Prescription, key=prescription_id, field="prescription_id", user_id=user.pk, is_active=True
    )
    if prescription is None:
        raise NotFound()
    return prescription


def prescription_list_for_doctor(*, doctor: Doctor) -> QuerySet[Prescription]:
    """Everything the doctor uploaded, deactivated ones included, newest first (index doctorId + uploadDate)."""
    return Prescription.objects.filter(doctor_id=doctor.doctor_id).order_by("-upload_date")


def prescription_get_for_doctor(*, doctor: Doctor, prescription_id: str) -> Prescription:
    """A prescription the doctor uploaded (deactivated ones too). Raises NotFound."""
    prescription = first_by_key(Prescription, key=prescription_id, field="prescription_id", doctor_id=doctor.doctor_id)
    if prescription is None:
        raise NotFound()
    return prescription


def prescription_for_appointment(*, appointment: Appointment) -> Prescription | None:
    """The appointment's prescription (unique index on appointmentId), for a page already scoped to its doctor."""
    return Prescription.objects.filter(appointment_id=appointment.pk).first()

"""Reads on prescriptions, each scoped to who is asking (the seed's access control).

A prescription is addressed by its `prescriptionId` (PRESC...) or by its `_id` as 24 hex characters.
"""

from bson import ObjectId
from django.db.models import Q, QuerySet

from appointments.models import Appointment
from doctors.models import Doctor
from opd_wallet.users.models import User
from prescriptions.models import Prescription


def _key_filter(key: str) -> Q:
    if ObjectId.is_valid(key):
        return Q(pk=ObjectId(key)) | Q(prescription_id=key)
    return Q(prescription_id=key)


def prescription_list_for_member(*, user: User) -> QuerySet[Prescription]:
    """The member's own active prescriptions, newest upload first (index userId + uploadDate)."""
    return Prescription.objects.filter(user_id=user.pk, is_active=True).order_by("-upload_date")


def prescription_get_for_member(*, user: User, key: str) -> Prescription | None:
    return prescription_list_for_member(user=user).filter(_key_filter(key)).first()


def prescription_list_for_doctor(*, doctor: Doctor) -> QuerySet[Prescription]:
    """Everything the doctor uploaded, deactivated ones included, newest first (index doctorId + uploadDate)."""
    return Prescription.objects.filter(doctor_id=doctor.doctor_id).order_by("-upload_date")


def prescription_get_for_doctor(*, doctor: Doctor, key: str) -> Prescription | None:
    return prescription_list_for_doctor(doctor=doctor).filter(_key_filter(key)).first()


def prescription_get_for_staff(*, key: str) -> Prescription | None:
    """Staff see every prescription (the admin checks the view permission first)."""
    return Prescription.objects.filter(_key_filter(key)).first()


def appointment_get_for_doctor(*, doctor: Doctor, key: str) -> Appointment | None:
    """The doctor's own appointment by its `appointmentId` or `_id`; None for anyone else's."""
    lookup = Q(appointment_id=key)
    if ObjectId.is_valid(key):
        lookup |= Q(pk=ObjectId(key))
    return Appointment.objects.filter(lookup, doctor_id=doctor.doctor_id).first()


def prescription_for_appointment(*, appointment: Appointment) -> Prescription | None:
    """The appointment's prescription (unique index on appointmentId), for a page already scoped to its doctor."""
    return Prescription.objects.filter(appointment_id=appointment.pk).first()

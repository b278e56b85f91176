"""Roles, and what each staff role may do in Django admin, from the seed's access-control notes.

ADMIN may do everything. OPERATIONS may view every collection and change only what the seed lets
operations staff manage: prescriptions (deactivate one) and video consultations (recording metadata); and
record or remove a doctor's time off and extra hours (issue 14).
"""

from django.db import models


class Role(models.TextChoices):
    MEMBER = "MEMBER", "Member"
    DOCTOR = "DOCTOR", "Doctor"
    ADMIN = "ADMIN", "Admin"
    OPERATIONS = "OPERATIONS", "Operations"


STAFF_ROLES = (Role.ADMIN, Role.OPERATIONS)

OPERATIONS_CHANGEABLE = frozenset(
    {
        "prescriptions.change_prescription",
        "consultations.change_videoconsultation",
        # The phone desk: confirm, cancel with a reason, reschedule for a patient (appointments/admin.py).
        "appointments.act_on_appointment",
    }
)


# Time off and one-off extra hours of a doctor (docs/decisions/0035): operations records them for doctors.
OPERATIONS_ADD_DELETE = frozenset(
    {
        "doctors.add_scheduleexception",
        "doctors.delete_scheduleexception",
    }
)


def role_has_perm(role: str, perm: str) -> bool:
    if role == Role.ADMIN:
        return True
    if role != Role.OPERATIONS:
        return False
    action = perm.split(".", 1)[-1].split("_", 1)[0]
    return action == "view" or perm in OPERATIONS_CHANGEABLE or perm in OPERATIONS_ADD_DELETE

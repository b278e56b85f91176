"""Roles, and what each staff role may do in Django admin, from the seed's access-control notes.

The one place these rules live: `User.has_perm` asks `role_has_perm`, and every admin page, action and
permission hook reads `has_perm` (docs/operations.md#admin-roles).

- ADMIN may do everything (the audit trail: view only, like everyone; audit/admin.py).
- OPERATIONS views every collection except the audit trail; runs the appointment workflow for a patient
  (confirm, cancel, reschedule: the `act` permission on appointments, which the admin's workflow actions
  require); and records or removes a doctor's time off and extra hours (issue 14). It changes nothing
  clinical (prescriptions, consultation records) and nothing else (issue 16).
"""

from django.db import models


class Role(models.TextChoices):
    MEMBER = "MEMBER", "Member"
    DOCTOR = "DOCTOR", "Doctor"
    ADMIN = "ADMIN", "Admin"
    OPERATIONS = "OPERATIONS", "Operations"


STAFF_ROLES = (Role.ADMIN, Role.OPERATIONS)

# The phone desk: confirm, cancel with a reason, reschedule for a patient (appointments/admin.py).
ACT_ON_APPOINTMENT = "appointments.act_on_appointment"

OPERATIONS_CHANGEABLE = frozenset({ACT_ON_APPOINTMENT})

# Time off and one-off extra hours of a doctor (docs/decisions/0035): operations records them for doctors.
OPERATIONS_ADD_DELETE = frozenset(
    {
        "doctors.add_scheduleexception",
        "doctors.delete_scheduleexception",
    }
)

# Apps OPERATIONS may not even view.
ADMIN_ONLY_APPS = frozenset({"audit"})


def role_has_perm(role: str, perm: str) -> bool:
    if role == Role.ADMIN:
        return True
    if role != Role.OPERATIONS:
        return False
    app_label, _, codename = perm.partition(".")
    if app_label in ADMIN_ONLY_APPS:
        return False
    return codename.split("_", 1)[0] == "view" or perm in OPERATIONS_CHANGEABLE or perm in OPERATIONS_ADD_DELETE

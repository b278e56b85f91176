"""Writing the audit trail: `audit_record`, the one writer of `audit_log` (docs/operations.md#audit-trail).

    audit_record(request_or_actor=request, action=Action.VIEW, target_type="prescription",
                 target_id=prescription.prescription_id, subject_id=str(prescription.user_id))

`request_or_actor` is the request being served (Django's or DRF's): who is read from it (the signed-in
doctor, else the signed-in user), with the client's address (core/client_ip.py) and the request id
(core/middleware.py). Outside a request (a management command) pass an `AuditActor`.

An entry never holds medical content: who, their role, the action, the record's type and id, whose record it
is, when, from where, the request id, and small non-medical `details` (e.g. the fields changed, never values).
"""

from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from django.http import HttpRequest

from audit.models import AuditEntry
from core import clock
from core.client_ip import client_ip
from mongo.raw import collection

SYSTEM_ROLE = "SYSTEM"
ANONYMOUS_ROLE = "ANONYMOUS"


@dataclass(frozen=True)
class AuditActor:
    """Who acted, when there is no request (a command, a scheduled job)."""

    id: str
    label: str
    role: str
    ip_address: str = ""
    request_id: str = ""


def audit_actor(request_or_actor: Any) -> AuditActor:
    """Who is acting: an AuditActor as given, or read from a Django or DRF request."""
    if isinstance(request_or_actor, AuditActor):
        return request_or_actor
    request: HttpRequest = getattr(request_or_actor, "_request", request_or_actor)  # DRF's Request wraps Django's
    principal = _principal(request_or_actor) or _principal(request)
    if principal is None:
        actor_id, label, role = "", "", ANONYMOUS_ROLE
    else:
        actor_id = str(principal.pk)
        label = str(getattr(principal, "email", "") or "")
        role = str(getattr(principal, "role", "") or ANONYMOUS_ROLE)
    return AuditActor(
        id=actor_id,
        label=label,
        role=role,
        ip_address=client_ip(request),
        request_id=str(getattr(request, "request_id", "") or ""),
    )


def _principal(request: Any) -> Any:
    """The signed-in doctor (portal) or user (API, admin) of a request, else None."""
    doctor = getattr(request, "doctor", None)
    if doctor is not None:
        return doctor
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


@dataclass(frozen=True)
class AuditTarget:
    """One record an action touched: its kind, its id as people read it, whose record it is."""

    target_type: str
    target_id: object
    subject_id: object | None = None


def audit_record(
    *,
    request_or_actor: Any,
    action: str,
    target_type: str,
    target_id: object,
    subject_id: object | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit trail: one `insert_one`, never an update.

    `action` is an `audit.models.Action` value (or another short verb); `target_type` a lower-case record
    kind ("prescription", "appointment", "doctor", "slot", "user"); `target_id` the record's id as people
    read it (prescriptionId, appointmentId, ...) or its `_id`; `subject_id` the `_id` of the member whose
    record it is, which puts the entry in that member's access log (GET /api/v1/me/access-log).
    """
    actor = audit_actor(request_or_actor)
    target = AuditTarget(target_type=target_type, target_id=target_id, subject_id=subject_id)
    collection(AuditEntry._meta.db_table).insert_one(_document(actor, str(action), target, details))


def audit_record_many(
    *, request_or_actor: Any, action: str, targets: list[AuditTarget], details: dict[str, Any] | None = None
) -> None:
    """One entry per target, in one `insert_many` (a page of a list shows several records at once)."""
    if not targets:
        return
    actor = audit_actor(request_or_actor)
    documents = [_document(actor, str(action), target, details) for target in targets]
    collection(AuditEntry._meta.db_table).insert_many(documents, ordered=False)


def _document(actor: AuditActor, action: str, target: AuditTarget, details: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "_id": ObjectId(),
        "at": clock.now(),
        "actorId": actor.id,
        "actor": actor.label[:254],
        "role": actor.role,
        "action": action,
        "targetType": target.target_type,
        "targetId": str(target.target_id),
        "subjectId": None if target.subject_id is None else str(target.subject_id),
        "ipAddress": actor.ip_address[:45],
        "requestId": actor.request_id,
        "details": details or {},
    }

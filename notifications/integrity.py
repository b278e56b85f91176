"""The outbox's checks, for `manage.py audit_integrity` (core/integrity.py; docs/notifications.md).

- `notifications.scheduled`: PENDING reminders and expiry warnings of an appointment that is no longer waiting for
  them (cancelled, completed, moved to another time, or gone). A crash between a cancel or a move and its
  listener's withdrawal leaves them, and so does a move racing a cancel. A note, not a problem: the worker checks
  each one against its appointment before sending and withdraws it instead. `--repair` withdraws them now (one
  update guarded on PENDING).
- `notifications.stale_claims`: notifications a worker claimed and did not finish within the lease (a worker that
  died). A note: the next worker retakes them.

Reads the PENDING and SENDING notifications only (the {status, nextAttemptAt} index), with projections, and
their appointments by `appointmentId` in batches.
"""

from collections.abc import Iterator
from itertools import islice
from typing import Any

from appointments.models import AppointmentStatus
from core import clock
from core.integrity import AuditOptions, CheckResult, Finding, integrity_check
from mongo.raw import collection
from notifications.models import COLLECTION, NotificationKind, NotificationStatus

BATCH = 500
NOTE_NOT_WANTED = "reminder or expiry warning of a visit no longer waiting for it (withdrawn when due)"
NOTE_STALE_CLAIM = "notification claimed by a worker that did not finish (retaken after the lease)"
WANTED_STATUS = {
    NotificationKind.REMINDER: AppointmentStatus.CONFIRMED,
    NotificationKind.REQUEST_EXPIRING: AppointmentStatus.PENDING_CONFIRMATION,
}


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def _still_wanted(row: dict[str, Any], appointment: dict[str, Any] | None) -> bool:
    context = row.get("context") or {}
    return (
        appointment is not None
        and appointment.get("status") == WANTED_STATUS.get(row["kind"])
        and (appointment.get("appointmentDate"), appointment.get("timeSlot"))
        == (context.get("appointmentDate"), context.get("timeSlot"))
    )


@integrity_check(
    "notifications.scheduled", "pending reminders and expiry warnings of visits no longer waiting for them"
)
def check_scheduled(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    pending = collection(COLLECTION).find(
        {"status": NotificationStatus.PENDING}, {"_id": 1, "appointmentId": 1, "kind": 1, "context": 1}
    )
    for batch in _batches(row for row in pending if row["kind"] in WANTED_STATUS):
        ids = list({row["appointmentId"] for row in batch})
        appointments = {
            row["appointmentId"]: row
            for row in collection("appointments").find(
                {"appointmentId": {"$in": ids}}, {"appointmentId": 1, "status": 1, "appointmentDate": 1, "timeSlot": 1}
            )
        }
        for row in batch:
            result.examined += 1
            if _still_wanted(row, appointments.get(row["appointmentId"])):
                continue
            note = Finding(NOTE_NOT_WANTED, {"notification": row["_id"], "appointmentId": row["appointmentId"]})
            note.repairable = True
            if options.repair:
                note.repaired = bool(
                    collection(COLLECTION)
                    .update_one(
                        {"_id": row["_id"], "status": NotificationStatus.PENDING},
                        {"$set": {"status": NotificationStatus.WITHDRAWN}},
                    )
                    .modified_count
                )
            result.notes.append(note)
    return result


@integrity_check("notifications.stale_claims", "notifications claimed by a worker that did not finish")
def check_stale_claims(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    claimed = collection(COLLECTION).find(
        {"status": NotificationStatus.SENDING, "nextAttemptAt": {"$lte": clock.now()}}, {"_id": 1}
    )
    for row in claimed:
        result.examined += 1
        result.notes.append(Finding(NOTE_STALE_CLAIM, {"notification": row["_id"]}))
    return result

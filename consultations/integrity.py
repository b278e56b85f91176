"""The video rooms' invariants, for `manage.py audit_integrity` (core/integrity.py; docs/operations.md).

- `consultations.open_rooms`: at most one open room (SCHEDULED or IN_PROGRESS) per appointment (report only:
  the partial unique index `consultations_one_open_per_appointment` should make it impossible), and no open
  room on a CANCELLED appointment (repair: cancel the room, guarded by its open status, as the appointment's
  cancel does).

Reads the open rooms only (the `consultations_status_time` index), with projections (ids and statuses).
"""

from collections import Counter
from collections.abc import Iterator
from itertools import islice
from typing import Any

from consultations.models import OPEN_STATUSES, ConsultationStatus, EndedBy
from consultations.services import MSG_APPOINTMENT_CANCELLED
from core import clock
from core.integrity import AuditOptions, CheckResult, Finding, integrity_check
from mongo.raw import collection

BATCH = 500
OPEN = [str(status) for status in OPEN_STATUSES]
PROBLEM_TWO_OPEN_ROOMS = "more than one open video room for one appointment"
PROBLEM_OPEN_ROOM_CANCELLED = "open video room on a cancelled appointment"


def _batches(documents: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(documents, BATCH)):
        yield batch


@integrity_check("consultations.open_rooms", "one open video room per appointment, none on a cancelled one")
def check_open_rooms(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    rooms, appointments = collection("video_consultations"), collection("appointments")
    per_appointment: Counter[Any] = Counter()  # open rooms only: a small set
    cursor = rooms.find(
        {"status": {"$in": OPEN}}, {"_id": 1, "consultationId": 1, "appointmentId": 1, "status": 1}, batch_size=BATCH
    )
    for batch in _batches(iter(cursor)):
        result.examined += len(batch)
        per_appointment.update(room.get("appointmentId") for room in batch)
        cancelled = {
            document["_id"]
            for document in appointments.find(
                {"_id": {"$in": [room.get("appointmentId") for room in batch]}, "status": "CANCELLED"}, {"_id": 1}
            )
        }
        for room in batch:
            if room.get("appointmentId") not in cancelled:
                continue
            finding = Finding(
                PROBLEM_OPEN_ROOM_CANCELLED,
                {
                    "consultation": room["_id"],
                    "consultationId": room.get("consultationId"),
                    "appointment": room.get("appointmentId"),
                },
                repairable=True,
            )
            if options.repair:
                now = clock.now()
                finding.repaired = bool(
                    rooms.update_one(
                        {"_id": room["_id"], "status": {"$in": OPEN}},
                        {
                            "$set": {
                                "status": str(ConsultationStatus.CANCELLED),
                                "cancellationReason": MSG_APPOINTMENT_CANCELLED,
                                "endedBy": str(EndedBy.SYSTEM),
                                "endTime": now,
                                "updatedAt": now,
                            }
                        },
                    ).modified_count
                )
            result.findings.append(finding)
    for appointment_id, count in per_appointment.items():
        if count > 1:
            result.findings.append(Finding(PROBLEM_TWO_OPEN_ROOMS, {"appointment": appointment_id, "openRooms": count}))
    return result

"""The video rooms' invariants, for `manage.py audit_integrity` (core/integrity.py; docs/operations.md).

- `consultations.open_rooms`: at most one open room (SCHEDULED or IN_PROGRESS) per appointment (report only:
  the partial unique index `consultations_one_open_per_appointment` should make it impossible), and no open
  room on a CANCELLED appointment (repair: cancel the room, guarded by its open status, as the appointment's
  cancel does).

- `consultations.video_opened` (docs/decisions/0041-doctor-no-show.md): an open room made before its
  appointment's latest reschedule (a crash between the reschedule and its event's listener; repair: cancel the
  room, as the listener does), and an open or NO_SHOW room, for the appointment's present start, whose
  CONFIRMED appointment does not record `videoOpenedAt`
  (a crash between the room's insert and that write, or a room from before the field; repair: set it to the
  room's creation, guarded by the appointment's date and time and the field's absence).

Reads the open rooms only (the `consultations_status_time` index), with projections (ids and statuses).
"""

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from appointments.selectors import appointment_starts_at
from consultations.models import OPEN_STATUSES, ConsultationStatus, EndedBy
from consultations.services import MSG_APPOINTMENT_CANCELLED, MSG_APPOINTMENT_RESCHEDULED
from core import clock
from core.integrity import AuditOptions, CheckResult, Finding, integrity_check
from mongo.raw import collection

BATCH = 500
OPEN = [str(status) for status in OPEN_STATUSES]
PROBLEM_TWO_OPEN_ROOMS = "more than one open video room for one appointment"
PROBLEM_OPEN_ROOM_CANCELLED = "open video room on a cancelled appointment"
PROBLEM_ROOM_FOR_OLD_TIME = "open video room for the old time of a rescheduled appointment"
PROBLEM_OPENING_NOT_RECORDED = "video room opened but not recorded on its appointment (videoOpenedAt)"
ROOM_FIELDS = {"_id": 1, "consultationId": 1, "appointmentId": 1, "status": 1, "scheduledStartTime": 1, "createdAt": 1}
APPOINTMENT_FIELDS = {
    "_id": 1,
    "appointmentDate": 1,
    "timeSlot": 1,
    "status": 1,
    "videoOpenedAt": 1,
    "rescheduledAt": 1,
}


def _close_room(room_id: Any, reason: str) -> bool:
    """Cancel one open room, guarded by its open status (as the appointment's cancel and move do)."""
    now = clock.now()
    return bool(
        collection("video_consultations")
        .update_one(
            {"_id": room_id, "status": {"$in": OPEN}},
            {
                "$set": {
                    "status": str(ConsultationStatus.CANCELLED),
                    "cancellationReason": reason,
                    "endedBy": str(EndedBy.SYSTEM),
                    "endTime": now,
                    "updatedAt": now,
                }
            },
        )
        .modified_count
    )


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
                finding.repaired = _close_room(room["_id"], MSG_APPOINTMENT_CANCELLED)
            result.findings.append(finding)
    for appointment_id, count in per_appointment.items():
        if count > 1:
            result.findings.append(Finding(PROBLEM_TWO_OPEN_ROOMS, {"appointment": appointment_id, "openRooms": count}))
    return result


def _starts(appointment: dict[str, Any]) -> Any:
    try:
        return appointment_starts_at(appointment_date=appointment["appointmentDate"], time_slot=appointment["timeSlot"])
    except (KeyError, TypeError, ValueError):
        return None


def _same_instant(a: Any, b: Any) -> bool:
    """Stored dates come back naive (UTC) from pymongo; compare them as UTC instants."""
    if not isinstance(a, datetime) or not isinstance(b, datetime):
        return False  # also a stored value of the wrong type (core.stored_types reports it)
    return a.replace(tzinfo=None) == b.astimezone(UTC).replace(tzinfo=None)


def _video_opened_finding(room: dict[str, Any], appointment: dict[str, Any], options: AuditOptions) -> Finding | None:
    starts = _starts(appointment)
    ids = {"consultation": room["_id"], "consultationId": room.get("consultationId"), "appointment": appointment["_id"]}
    moved_after, created = appointment.get("rescheduledAt"), room.get("createdAt")
    if (
        room.get("status") in OPEN
        and isinstance(moved_after, datetime)  # not missing, nor of another type (core.stored_types reports it)
        and isinstance(created, datetime)
        and created < moved_after
    ):
        finding = Finding(PROBLEM_ROOM_FOR_OLD_TIME, ids, repairable=True)
        if options.repair:
            finding.repaired = _close_room(room["_id"], MSG_APPOINTMENT_RESCHEDULED)
        return finding
    if appointment.get("status") != "CONFIRMED" or appointment.get("videoOpenedAt") is not None:
        return None
    if not _same_instant(room.get("scheduledStartTime"), starts):
        return None  # a room of an earlier time of a moved appointment: says nothing about its new time
    finding = Finding(PROBLEM_OPENING_NOT_RECORDED, ids, repairable=True)
    if options.repair:
        guard = {
            "_id": appointment["_id"],
            "appointmentDate": appointment["appointmentDate"],
            "timeSlot": appointment["timeSlot"],
            "videoOpenedAt": None,
        }
        opened = room.get("createdAt") or clock.now()
        finding.repaired = bool(
            collection("appointments").update_one(guard, {"$set": {"videoOpenedAt": opened}}).modified_count
        )
    return finding


@integrity_check("consultations.video_opened", "an opened video room is recorded on its appointment, at its time")
def check_video_opened(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    statuses = [*OPEN, str(ConsultationStatus.NO_SHOW)]
    cursor = collection("video_consultations").find({"status": {"$in": statuses}}, ROOM_FIELDS, batch_size=BATCH)
    for batch in _batches(iter(cursor)):
        result.examined += len(batch)
        appointments = {
            document["_id"]: document
            for document in collection("appointments").find(
                {"_id": {"$in": [room.get("appointmentId") for room in batch]}}, APPOINTMENT_FIELDS
            )
        }
        for room in batch:
            appointment = appointments.get(room.get("appointmentId"))
            if appointment is None or appointment.get("status") == "CANCELLED":
                continue  # check_open_rooms' concern
            finding = _video_opened_finding(room, appointment, options)
            if finding is not None:
                result.findings.append(finding)
    return result

"""The video consultation workflow, shared by the member API, the doctor API, the portal, the admin and cron.

    SCHEDULED -> IN_PROGRESS -> COMPLETED        (the seed's drawing)
        |             |
        v             v
    CANCELLED     CANCELLED
    SCHEDULED -> NO_SHOW

Every move is one atomic single-document update filtered on the current status (no multi-document
transactions on one MongoDB server), so a doctor and a patient acting at the same moment cannot lose each
other's change. Times come from `core.clock` (tests move it there).
"""

import logging
import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from pymongo import ReturnDocument
from pymongo.collection import Collection

from appointments.events import AppointmentEvent, appointment_event_emit
from appointments.models import Actor, Appointment, AppointmentStatus, AppointmentType
from appointments.selectors import appointment_starts_at
from appointments.services.workflow import TransitionRefused as AppointmentTransitionRefused
from appointments.services.workflow import (
    appointment_complete,
    appointment_video_opened,
    visit_window_open,
    visit_window_text,
)
from consultations.models import OPEN_STATUSES, ConsultationStatus, EndedBy, VideoConsultation
from core import clock
from core.errors import Conflict, NotFound
from doctors.models import Doctor
from doctors.services import doctor_rating_add
from mongo.raw import collection

logger = logging.getLogger(__name__)

MSG_NOT_ONLINE = "Only an ONLINE appointment can have a video consultation."
MSG_NOT_CONFIRMED = "Only a confirmed appointment can start a video consultation."
MSG_START_TOO_EARLY = "This video call can be started from {opens}."
MSG_APPOINTMENT_CANCELLED = "The appointment was cancelled."
MSG_APPOINTMENT_MOVED = "The appointment changed while the call was starting. Start it again."
MSG_APPOINTMENT_RESCHEDULED = "The appointment was moved to another time."
MSG_METADATA_CHANGED = (
    "This consultation was changed by someone else meanwhile; nothing was saved. Reload and try again."
)
MSG_CANNOT_JOIN = "Only a scheduled or in-progress consultation can be joined."
MSG_CANNOT_END = "Only a consultation in progress can be ended."
MSG_CANNOT_CANCEL = "Only a scheduled or in-progress consultation can be cancelled."
MSG_CANNOT_MARK_NO_SHOW = "Only a scheduled consultation can be marked as a no-show."
MSG_PATIENT_HAS_JOINED = "The patient has joined this consultation, so it is not a no-show."
MSG_NO_SHOW_TOO_EARLY = "A no-show can be marked only after the scheduled start time."
MSG_FEEDBACK_NOT_COMPLETED = "Feedback can be given only after the consultation is completed."
MSG_FEEDBACK_ALREADY_GIVEN = "Feedback for this consultation has already been given."
MSG_CANNOT_REPORT_ISSUE = "Network issues can be reported only while the consultation is scheduled or in progress."
MSG_TOO_MANY_ISSUES = "This consultation already has the most network issues that can be recorded."

CONSULTATION_ID_PREFIX = "VC-"
ROOM_ID_PREFIX = "opd-wallet-vc-"
MAX_NETWORK_ISSUES = 100
DEFAULT_CANCELLATION_REASON = "Cancelled by the doctor."
_OPEN_INDEX = "consultations_one_open_per_appointment"
_CREATE_ATTEMPTS = 5


class TransitionRefused(Conflict):
    """409: the workflow does not allow this step from the consultation's current state."""


def _collection() -> Collection[dict[str, Any]]:
    return collection(VideoConsultation._meta.db_table)


# --- start ----------------------------------------------------------------------------------------------


def _new_consultation_id() -> str:
    return f"{CONSULTATION_ID_PREFIX}{secrets.randbelow(10**10):010d}"


def _new_room_id() -> str:
    # Lower-case hex: Jitsi folds room names to lower case, so mixed-case tokens would lose entropy.
    return f"{ROOM_ID_PREFIX}{secrets.token_hex(16)}"


def _open_consultation(appointment: Appointment) -> VideoConsultation | None:
    return VideoConsultation.objects.filter(appointment=appointment, status__in=OPEN_STATUSES).first()


def _is_open_duplicate(exc: IntegrityError) -> bool:
    return _OPEN_INDEX in str(exc.__cause__ or exc)


def consultation_start_check(*, appointment: Appointment) -> None:
    """Whether the appointment's call can start now: ONLINE, CONFIRMED, and the visit's window open (the
    appointment workflow's window, appointments/services/workflow.py). Else TransitionRefused."""
    if appointment.appointment_type != AppointmentType.ONLINE:
        raise TransitionRefused(MSG_NOT_ONLINE)
    if appointment.status != AppointmentStatus.CONFIRMED:
        raise TransitionRefused(MSG_NOT_CONFIRMED)
    if not visit_window_open(appointment):
        raise TransitionRefused(MSG_START_TOO_EARLY.format(opens=visit_window_text(appointment)))


def consultation_can_start(*, appointment: Appointment) -> bool:
    """`consultation_start_check` as a yes/no (the portal shows the Start button from it)."""
    try:
        consultation_start_check(appointment=appointment)
    except TransitionRefused:
        return False
    return True


def _still_startable(appointment: Appointment) -> bool:
    """Re-read after the room's insert: is the appointment still CONFIRMED at the date and time checked?"""
    return Appointment.objects.filter(
        pk=appointment.pk,
        status=AppointmentStatus.CONFIRMED,
        appointment_date=appointment.appointment_date,
        time_slot=appointment.time_slot,
    ).exists()


def consultation_start(*, doctor: Doctor, appointment: Appointment) -> tuple[VideoConsultation, bool]:
    """Open the room of the doctor's own CONFIRMED ONLINE appointment. Returns (consultation, created).

    Starting again returns the consultation already open. Two racing starts cannot make two rooms: the
    partial unique index on open consultations per appointment refuses the second insert.

    A cancel racing the start never leaves an open room (docs/video.md#a-cancel-racing-a-start): the room is
    inserted first and the appointment read again after; a cancel writes the appointment first and closes
    the open rooms after (`consultations_cancel_for_appointment`). Whichever order the four writes take,
    either this re-read sees the cancel and closes the room, or the cancel's follow-up sees the room.
    """
    if appointment.doctor_id != doctor.doctor_id:
        raise NotFound()
    consultation_start_check(appointment=appointment)
    existing = _open_consultation(appointment)
    if existing:
        appointment_video_opened(appointment=appointment)  # repeated: a start that crashed before it
        return existing, False
    consultation, created = _room_insert(doctor=doctor, appointment=appointment)
    if not _still_startable(appointment):
        appointment.refresh_from_db()
        moved = appointment.status == AppointmentStatus.CONFIRMED
        reason = MSG_APPOINTMENT_MOVED if moved else MSG_APPOINTMENT_CANCELLED
        consultations_cancel_for_appointment(appointment=appointment, reason=reason)
        consultation_start_check(appointment=appointment)  # the reason, from the state that refused it
        raise TransitionRefused(MSG_APPOINTMENT_MOVED)
    # The doctor has shown: the appointment is no "doctor did not show" (docs/decisions/0041-doctor-no-show.md).
    appointment_video_opened(appointment=appointment)
    if created:  # the member is told once, when the room first opens (notifications)
        appointment_event_emit(
            AppointmentEvent.VIDEO_OPENED, appointment=appointment, by=Actor.DOCTOR, opened_at=consultation.created_at
        )
    return consultation, created


def _room_insert(*, doctor: Doctor, appointment: Appointment) -> tuple[VideoConsultation, bool]:
    domain = settings.JITSI_DOMAIN
    for _attempt in range(_CREATE_ATTEMPTS):
        room_id = _new_room_id()
        try:
            consultation = VideoConsultation.objects.create(
                consultation_id=_new_consultation_id(),
                appointment=appointment,
                doctor=doctor,
                doctor_name=doctor.name,
                patient_id=appointment.user_id,
                patient_name=appointment.patient_name,
                room_id=room_id,
                room_name=f"{doctor.name} - {appointment.patient_name} Consultation",
                room_password=secrets.token_urlsafe(12),
                jitsi_domain=domain,
                room_url=f"https://{domain}/{room_id}",
                scheduled_start_time=appointment_starts_at(
                    appointment_date=appointment.appointment_date, time_slot=appointment.time_slot
                ),
                status=ConsultationStatus.SCHEDULED,
                network_issues=[],
            )
        except IntegrityError as exc:
            if _is_open_duplicate(exc):
                existing = _open_consultation(appointment)
                if existing:
                    return existing, False
            # Otherwise a random consultationId or roomId collided (or the open one just closed): retry.
            continue
        return consultation, True
    raise RuntimeError("Could not create a unique consultation after several attempts.")


# --- join -----------------------------------------------------------------------------------------------


def _refuse_if_appointment_cancelled(consultation: VideoConsultation, message: str) -> None:
    """A cancelled appointment's room is closed (here too, should a cancel's follow-up not have run yet) and
    refused. Read before the join's or end's own write: a join that starts after a cancel returned sees it."""
    cancelled = Appointment.objects.filter(pk=consultation.appointment_id, status=AppointmentStatus.CANCELLED)
    if cancelled.exists():
        VideoConsultation.objects.filter(pk=consultation.pk, status__in=OPEN_STATUSES).update(
            status=ConsultationStatus.CANCELLED,
            cancellation_reason=MSG_APPOINTMENT_CANCELLED,
            ended_by=EndedBy.SYSTEM,
            end_time=clock.now(),
            updated_at=clock.now(),
        )
        raise TransitionRefused(message)


def _both_joined() -> dict:
    return {
        "$and": [
            {"$ne": [{"$ifNull": ["$doctorJoinedAt", None]}, None]},
            {"$ne": [{"$ifNull": ["$patientJoinedAt", None]}, None]},
        ]
    }


def consultation_join(*, consultation: VideoConsultation, participant: str) -> VideoConsultation:
    """Record a participant's (first) join; when both have joined, SCHEDULED becomes IN_PROGRESS.

    One atomic pipeline update: the join time and the status move are decided on the document's current
    values, so whichever of two simultaneous joiners is applied second flips the status, and
    `actualStartTime` is the later of the two join times. Rejoining an open call keeps the first join time.
    """
    _refuse_if_appointment_cancelled(consultation, MSG_CANNOT_JOIN)
    field = "doctorJoinedAt" if participant == EndedBy.DOCTOR else "patientJoinedAt"
    now = clock.now()
    starts = {"$and": [{"$eq": ["$status", ConsultationStatus.SCHEDULED.value]}, _both_joined()]}
    document = _collection().find_one_and_update(
        {"_id": consultation.pk, "status": {"$in": [s.value for s in OPEN_STATUSES]}},
        [
            {"$set": {field: {"$ifNull": [f"${field}", now]}, "updatedAt": now}},
            {
                "$set": {
                    "actualStartTime": {
                        "$cond": [
                            starts,
                            {"$max": ["$doctorJoinedAt", "$patientJoinedAt"]},
                            {"$ifNull": ["$actualStartTime", None]},
                        ]
                    },
                    "status": {"$cond": [starts, ConsultationStatus.IN_PROGRESS.value, "$status"]},
                }
            },
        ],
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        raise TransitionRefused(MSG_CANNOT_JOIN)
    consultation.refresh_from_db()
    return consultation


# --- end, cancel, no-show -------------------------------------------------------------------------------


def _minutes_between(start: datetime | None, end: datetime) -> int:
    """Whole minutes, rounded up: a call that happened lasted at least a minute."""
    if start is None:
        return 0
    return max(0, math.ceil((end - start).total_seconds() / 60))


def consultation_end(*, consultation: VideoConsultation, ended_by: str) -> VideoConsultation:
    """IN_PROGRESS -> COMPLETED (`endTime`, `duration` in minutes rounded up, `endedBy`); completes the
    appointment too (only from the visit's window on: a call ended before it leaves the appointment
    CONFIRMED). A cancelled appointment's call cannot be ended, only cancelled."""
    _refuse_if_appointment_cancelled(consultation, MSG_CANNOT_END)
    now = clock.now()
    current = VideoConsultation.objects.filter(pk=consultation.pk).values("status", "actual_start_time").first()
    if current is None or current["status"] != ConsultationStatus.IN_PROGRESS:
        raise TransitionRefused(MSG_CANNOT_END)
    # actualStartTime never changes while IN_PROGRESS, so the duration read above stays right.
    moved = VideoConsultation.objects.filter(pk=consultation.pk, status=ConsultationStatus.IN_PROGRESS).update(
        status=ConsultationStatus.COMPLETED,
        end_time=now,
        duration=_minutes_between(current["actual_start_time"], now),
        ended_by=ended_by,
        updated_at=now,
    )
    if not moved:
        raise TransitionRefused(MSG_CANNOT_END)
    consultation.refresh_from_db()
    _complete_appointment(consultation)
    return consultation


def _complete_appointment(consultation: VideoConsultation) -> None:
    appointment = Appointment.objects.get(pk=consultation.appointment_id)
    try:
        appointment_complete(appointment=appointment, by=Actor.DOCTOR)
    except AppointmentTransitionRefused:
        # Already completed (e.g. by the doctor's own button), cancelled meanwhile, or the visit's window not
        # open yet (a call ended long before the visit's time does not complete it): nothing to do.
        logger.info(
            "Appointment %s not completed with consultation %s: status %s",
            appointment.appointment_id,
            consultation.consultation_id,
            appointment.status,
        )


def consultation_cancel(*, consultation: VideoConsultation, cancelled_by: str, reason: str = "") -> VideoConsultation:
    """SCHEDULED or IN_PROGRESS -> CANCELLED, with `cancellationReason` (a default one when none is given)."""
    now = clock.now()
    moved = VideoConsultation.objects.filter(pk=consultation.pk, status__in=OPEN_STATUSES).update(
        status=ConsultationStatus.CANCELLED,
        cancellation_reason=reason.strip() or DEFAULT_CANCELLATION_REASON,
        ended_by=cancelled_by,
        end_time=now,
        updated_at=now,
    )
    if not moved:
        raise TransitionRefused(MSG_CANNOT_CANCEL)
    consultation.refresh_from_db()
    return consultation


def consultations_cancel_for_appointment(*, appointment: Appointment, reason: str = MSG_APPOINTMENT_CANCELLED) -> int:
    """Close every open room of a cancelled appointment, so nobody joins a call that will not happen
    (on the appointment's cancel event; also the start's own undo)."""
    now = clock.now()
    return VideoConsultation.objects.filter(appointment=appointment, status__in=OPEN_STATUSES).update(
        status=ConsultationStatus.CANCELLED,
        cancellation_reason=reason,
        ended_by=EndedBy.SYSTEM,
        end_time=now,
        updated_at=now,
    )


def consultations_on_appointment_cancelled(*, appointment: Appointment, **_event: object) -> None:
    """The appointments/events.py listener: a cancelled appointment's open rooms close."""
    consultations_cancel_for_appointment(appointment=appointment)


def consultations_on_appointment_rescheduled(*, appointment: Appointment, **_event: object) -> None:
    """The appointments/events.py listener: a moved appointment's open room closes (it was for the old time;
    the doctor starts a new one at the new time)."""
    consultations_cancel_for_appointment(appointment=appointment, reason=MSG_APPOINTMENT_RESCHEDULED)


def consultation_mark_no_show(*, consultation: VideoConsultation, marked_by: str = EndedBy.DOCTOR) -> VideoConsultation:
    """SCHEDULED -> NO_SHOW when the patient has not joined and the scheduled start has passed."""
    now = clock.now()
    moved = VideoConsultation.objects.filter(
        pk=consultation.pk,
        status=ConsultationStatus.SCHEDULED,
        patient_joined_at__isnull=True,
        scheduled_start_time__lte=now,
    ).update(status=ConsultationStatus.NO_SHOW, ended_by=marked_by, end_time=now, updated_at=now)
    if not moved:
        consultation.refresh_from_db()
        if consultation.status != ConsultationStatus.SCHEDULED:
            raise TransitionRefused(MSG_CANNOT_MARK_NO_SHOW)
        if consultation.patient_joined_at is not None:
            raise TransitionRefused(MSG_PATIENT_HAS_JOINED)
        raise TransitionRefused(MSG_NO_SHOW_TOO_EARLY)
    consultation.refresh_from_db()
    return consultation


# --- cron -----------------------------------------------------------------------------------------------


def consultations_mark_no_shows(*, minutes: int | None = None) -> int:
    """Mark NO_SHOW (endedBy SYSTEM) every SCHEDULED consultation whose patient has not joined `minutes`
    (settings.CONSULTATION_NO_SHOW_MINUTES) after its scheduled start. Returns how many."""
    now = clock.now()
    minutes = settings.CONSULTATION_NO_SHOW_MINUTES if minutes is None else minutes
    # One updateMany; each document's change is atomic and guarded by its status, like every other move.
    return VideoConsultation.objects.filter(
        status=ConsultationStatus.SCHEDULED,
        patient_joined_at__isnull=True,
        scheduled_start_time__lte=now - timedelta(minutes=minutes),
    ).update(status=ConsultationStatus.NO_SHOW, ended_by=EndedBy.SYSTEM, end_time=now, updated_at=now)


def consultations_end_overdue(*, minutes: int | None = None) -> int:
    """Complete (endedBy SYSTEM) every call IN_PROGRESS for longer than `minutes`
    (settings.CONSULTATION_MAX_MINUTES). Returns how many."""
    now = clock.now()
    minutes = settings.CONSULTATION_MAX_MINUTES if minutes is None else minutes
    overdue = VideoConsultation.objects.filter(
        status=ConsultationStatus.IN_PROGRESS, actual_start_time__lte=now - timedelta(minutes=minutes)
    )
    ended = 0
    for consultation in overdue:
        try:
            consultation_end(consultation=consultation, ended_by=EndedBy.SYSTEM)
        except TransitionRefused:
            continue  # ended by a participant meanwhile
        ended += 1
    return ended


# --- feedback, network issues, staff metadata ----------------------------------------------------------


def consultation_give_feedback(
    *,
    consultation: VideoConsultation,
    participant: str,
    rating: int,
    comments: str = "",
) -> VideoConsultation:
    """Once per side, after COMPLETED. The patient rates the doctor (`doctorRating`, `patientComments`);
    the doctor rates the patient (`patientRating`, `doctorComments`). Ratings are validated 1-5 by the caller's
    serializer."""
    if participant == EndedBy.PATIENT:
        rating_key, comments_key = "doctorRating", "patientComments"
    else:
        rating_key, comments_key = "patientRating", "doctorComments"
    now = clock.now()
    given = {rating_key: rating, comments_key: comments.strip() or None}
    # `feedback.<rating>: null` matches a missing or null `feedback` too; $mergeObjects keeps the other side's.
    document = _collection().find_one_and_update(
        {"_id": consultation.pk, "status": ConsultationStatus.COMPLETED.value, f"feedback.{rating_key}": None},
        [
            {
                "$set": {
                    "feedback": {"$mergeObjects": [{"$ifNull": ["$feedback", {}]}, {"$literal": given}]},
                    "updatedAt": now,
                }
            }
        ],
        return_document=ReturnDocument.AFTER,
    )
    consultation.refresh_from_db()
    if document is None:
        if consultation.status != ConsultationStatus.COMPLETED:
            raise TransitionRefused(MSG_FEEDBACK_NOT_COMPLETED)
        raise TransitionRefused(MSG_FEEDBACK_ALREADY_GIVEN)
    if participant == EndedBy.PATIENT:
        # After the guarded write above, which succeeds once per consultation: never counted twice (a crash
        # between the two writes leaves this one rating uncounted; docs/operations.md, the rating formula).
        doctor_rating_add(doctor_pk=consultation.doctor_id, rating=rating)
    return consultation


def consultation_report_network_issue(*, consultation: VideoConsultation, issue: str, duration: int) -> dict:
    """Append one `networkIssues` entry while the call is open, atomically ($push), at most
    MAX_NETWORK_ISSUES per consultation. Returns the stored entry."""
    now = clock.now()
    entry = {"timestamp": now, "issue": issue, "duration": duration}
    result = _collection().update_one(
        {
            "_id": consultation.pk,
            "status": {"$in": [s.value for s in OPEN_STATUSES]},
            f"networkIssues.{MAX_NETWORK_ISSUES - 1}": {"$exists": False},
        },
        {"$push": {"networkIssues": entry}, "$set": {"updatedAt": now}},
    )
    if not result.modified_count:
        consultation.refresh_from_db()
        if consultation.status not in OPEN_STATUSES:
            raise TransitionRefused(MSG_CANNOT_REPORT_ISSUE)
        raise TransitionRefused(MSG_TOO_MANY_ISSUES)
    return entry


STAFF_EDITABLE = (
    "recording_enabled",
    "recording_url",
    "recording_duration",
    "recording_size",
    "video_quality",
    "audio_quality",
)


def _as_read(value: Any) -> Any:
    """The filter matching a value as the form read it: an empty form value is also a missing field or "",
    and False also a missing flag (documents written by the existing system may leave them out)."""
    if value is None:
        return {"$in": [None, ""]}
    if value is False:
        return {"$in": [False, None]}
    return value


class MetadataChanged(Conflict):
    """409: a staff edit's fields changed since the form was read; nothing was written."""

    default_message = MSG_METADATA_CHANGED


def _column(name: str) -> str:
    """The document field a staff-editable model field is stored in."""
    field = VideoConsultation._meta.get_field(name)
    return str(getattr(field, "column", None) or name)


def consultation_update_metadata(
    *, consultation: VideoConsultation, changes: dict[str, Any], read: dict[str, Any]
) -> VideoConsultation:
    """Staff set recording metadata and quality indicators: only the changed fields, in one update_one
    guarded by the values the staff member read (`read`, one per changed field), so a save never overwrites
    the status or join times that moved meanwhile, nor another edit of the same fields (MetadataChanged)."""
    unknown = set(changes) - set(STAFF_EDITABLE)
    if unknown:
        raise ValueError(f"Not staff-editable: {sorted(unknown)}")
    if changes:
        column: dict[str, str] = {name: _column(name) for name in changes}
        guard = {column[name]: _as_read(read[name]) for name in changes}
        values = {column[name]: value for name, value in changes.items()}
        result = _collection().update_one(
            {"_id": consultation.pk, **guard}, {"$set": {**values, "updatedAt": clock.now()}}
        )
        if not result.matched_count:
            raise MetadataChanged()
    consultation.refresh_from_db()
    return consultation

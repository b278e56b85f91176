"""Reads of video consultations. Someone else's consultation or appointment is "not found" (404), never 403.

URL keys: a consultation is named by its `consultationId` ("VC-" + ten digits) or its 24-hex `_id`; an
appointment by its `appointmentId` string or its 24-hex `_id` (appointments/selectors.py reads it).
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from django.db.models import Q

from appointments.models import Appointment, AppointmentType
from appointments.selectors import appointment_get_for_member
from appointments.video_rooms import VideoRoom
from consultations.models import OPEN_STATUSES, VideoConsultation
from core import clock
from core.errors import NotFound
from doctors.models import Doctor
from mongo.raw import collection


def _key_filter(key: str) -> Q:
    if ObjectId.is_valid(key):
        return Q(pk=ObjectId(key)) | Q(consultation_id=key)
    return Q(consultation_id=key)


def consultation_get_for_patient(*, user: object, key: str) -> VideoConsultation:
    """The member's own consultation. Raises NotFound."""
    consultation = VideoConsultation.objects.filter(_key_filter(key), patient=user).first()
    if consultation is None:
        raise NotFound()
    return consultation


def consultation_get_for_doctor(*, doctor: Doctor, key: str) -> VideoConsultation:
    """The doctor's own consultation. Raises NotFound."""
    consultation = VideoConsultation.objects.filter(_key_filter(key), doctor=doctor).first()
    if consultation is None:
        raise NotFound()
    return consultation


def consultation_of_appointment(*, appointment: Appointment) -> VideoConsultation | None:
    """The open consultation of an appointment, else its latest one (a cancelled call may be restarted)."""
    consultations = VideoConsultation.objects.filter(appointment=appointment)
    return consultations.filter(status__in=OPEN_STATUSES).first() or consultations.order_by("-created_at").first()


def consultation_get_for_member_appointment(*, user: object, appointment_id: str) -> VideoConsultation:
    """The consultation of the member's own ONLINE appointment, if one was started. Raises NotFound (the
    same plain 404 whether the appointment or its consultation is missing)."""
    try:
        appointment = appointment_get_for_member(user=user, appointment_id=appointment_id)
    except NotFound:
        raise NotFound() from None
    online = appointment.appointment_type == AppointmentType.ONLINE
    consultation = consultation_of_appointment(appointment=appointment) if online else None
    if consultation is None:
        raise NotFound()
    return consultation


def _created(document: dict[str, Any]) -> datetime:
    """A consultation's `createdAt` to compare, zone-aware (pymongo reads UTC without a zone); a missing or odd
    one (text, a number) is the oldest: comparing it with a datetime answered 500 on the member's list."""
    created = document.get("createdAt")
    if not isinstance(created, datetime):
        return datetime.min.replace(tzinfo=UTC)
    return clock.stored_instant(created)


def video_rooms_of_appointments(appointment_pks: Sequence[ObjectId]) -> dict[ObjectId, VideoRoom]:
    """Each appointment's consultation (the open one, else the latest), by appointment pk. One query on the
    seed's {appointmentId} index; registered with appointments (appointments/video_rooms.py)."""
    found = collection(VideoConsultation._meta.db_table).find(
        {"appointmentId": {"$in": list(appointment_pks)}},
        {"_id": 0, "appointmentId": 1, "consultationId": 1, "status": 1, "createdAt": 1},
    )
    open_values = {status.value for status in OPEN_STATUSES}
    best: dict[ObjectId, tuple[bool, Any, str]] = {}
    for doc in found:
        key = (doc.get("status") in open_values, _created(doc))
        pk = doc["appointmentId"]
        if pk not in best or key > best[pk][:2]:
            best[pk] = (*key, str(doc.get("consultationId")))
    return {pk: VideoRoom(consultation_id=cid, open=is_open) for pk, (is_open, _, cid) in best.items()}

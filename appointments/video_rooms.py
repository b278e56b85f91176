"""The video room of ONLINE appointments, as the member's list shows it, answered by consultations.

Appointments sits below consultations and never imports it: consultations registers its reader here from
its AppConfig.ready() (docs/decisions/0060-my-appointments-video-rooms.md). The member's list asks once per
page, so the list costs one more query however many ONLINE appointments it shows.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bson import ObjectId

from appointments.models import Appointment, AppointmentType


@dataclass(frozen=True)
class VideoRoom:
    """An appointment's consultation: its `consultationId`, and whether its room is open to join."""

    consultation_id: str
    open: bool


# reader(appointment_pks) -> {appointment pk: VideoRoom} for the appointments that have a consultation.
VideoRoomReader = Callable[[Sequence[ObjectId]], dict[ObjectId, VideoRoom]]
_readers: list[VideoRoomReader] = []


def video_room_reader_register(reader: VideoRoomReader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def appointment_fill_video_rooms(appointments: Sequence[Appointment]) -> None:
    """Set `consultation_id` and `video_room_open` (in memory) on each ONLINE appointment: the consultation's
    id (None until the doctor starts the call) and whether its room is open. IN_CLINIC ones keep neither.
    One query for the whole page, none when it has no ONLINE appointment."""
    online = [a for a in appointments if a.appointment_type == AppointmentType.ONLINE]
    rooms: dict[ObjectId, VideoRoom] = {}
    if online and _readers:
        for reader in _readers:
            rooms.update(reader([a.pk for a in online]))
    for appointment in online:
        room = rooms.get(appointment.pk)
        appointment.consultation_id = room.consultation_id if room else None  # type: ignore[attr-defined]
        appointment.video_room_open = bool(room and room.open)  # type: ignore[attr-defined]

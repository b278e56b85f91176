"""Writes on a doctor's weekly slots (`doctor_slots`): add, change, open, close, remove.

Check, then do: every rule (formats, a clinic of the doctor's, an in-clinic slot inside the clinic's hours,
no overlap with another active slot of the day) is checked before the write, under a per-day lock so two
requests cannot both pass the overlap check.
"""

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from clinics.models import Clinic
from core import clock
from core.errors import Conflict, Invalid
from core.validators import DAYS_OF_WEEK, is_time_24h, minutes_of_day, time_12h
from doctors.models import ConsultationType, Doctor, DoctorSlot, ScheduleException, ScheduleExceptionKind
from mongo.raw import collection

MSG_NOT_YOUR_CLINIC = "Choose one of the clinics on your profile."
MSG_UNKNOWN_CLINIC = "No clinic with this clinicId exists."
MSG_SLOT_OVERLAP = "This time overlaps your active {day} slot {start}-{end} at {clinic}."
MSG_SLOT_HAS_APPOINTMENTS = (
    "This slot has upcoming appointments. Deactivate it to stop new bookings, or cancel those appointments first."
)
MSG_CLINIC_HOURS = (
    "{clinic} is open {open}\u2013{close} on {days}. An in-clinic slot must fit inside those hours;"
    " make it ONLINE to see patients online outside them."
)
MSG_CLINIC_CLOSED = (
    "{clinic} is closed on {days}. An in-clinic slot needs the clinic open; make it ONLINE to see patients online."
)
MSG_SLOT_OVERLAPS_EXTRA_HOURS = (
    "This time overlaps your extra hours {start}-{end} on {date} at {clinic}. Remove those extra hours first,"
    " or choose another time."
)
MSG_SCHEDULE_BUSY = "Your schedule is being changed elsewhere right now. Please try again."
MSG_MAX_PATIENTS_BELOW_HELD = (
    "{held} patients are already booked at one upcoming time of this slot: maxPatients cannot be lower than"
    " that. Cancel or move those appointments first."
)

# What slot_create and slot_update may set (model attribute names).
SLOT_FIELDS = (
    "clinic_id",
    "day_of_week",
    "start_time",
    "end_time",
    "slot_duration",
    "max_patients",
    "consultation_fee",
    "consultation_type",
    "is_active",
)
SCHEDULE_LOCK_TTL = timedelta(seconds=15)
SCHEDULE_LOCK_ATTEMPTS = 20
SCHEDULE_LOCK_WAIT_S = 0.05


class SlotConflict(Conflict):
    """409: the slot change conflicts with the doctor's other slots or appointments."""


class SlotInvalid(Invalid):
    """400: the slot breaks a rule; `errors` is keyed by model attribute (`clinic_id`, `start_time`...)."""


# Checks other apps add (in their AppConfig.ready) that say whether a slot still holds upcoming bookings.
# doctors sits below appointments and never imports it: appointments registers its own check here.
SlotInUseCheck = Callable[[DoctorSlot], bool]
_slot_in_use_checks: list[SlotInUseCheck] = []


def slot_in_use_check_register(check: SlotInUseCheck) -> None:
    """Refuse `slot_delete` (409) while `check(slot)` is true. Registering the same check twice is a no-op."""
    if check not in _slot_in_use_checks:
        _slot_in_use_checks.append(check)


# Checks other apps add that say how many places are held at the busiest upcoming time of a slot: its
# maxPatients may not go below that (appointments registers `slot_most_places_held`).
SlotPlacesHeldCheck = Callable[[DoctorSlot], int]
_slot_places_held_checks: list[SlotPlacesHeldCheck] = []


def slot_places_held_check_register(check: SlotPlacesHeldCheck) -> None:
    """Refuse a slot change (409) that sets maxPatients below `check(slot)`. Registering twice is a no-op."""
    if check not in _slot_places_held_checks:
        _slot_places_held_checks.append(check)


def _raise_if_below_held(*, slot: DoctorSlot) -> None:
    """A stored slot's maxPatients may not drop below the places already held at one of its upcoming times."""
    if slot.pk is None or slot._state.adding:
        return
    held = max((check(slot) for check in _slot_places_held_checks), default=0)
    wanted = int(slot.max_patients or 0)
    if held <= wanted:
        return
    stored = DoctorSlot.objects.filter(pk=slot.pk).values_list("max_patients", flat=True).first()
    if stored is None or wanted < stored:  # an unchanged (already overbooked) value does not block other edits
        raise SlotConflict(MSG_MAX_PATIENTS_BELOW_HELD.format(held=held))


def _slot_errors(*, slot: DoctorSlot, doctor: Doctor, check_hours: bool = True) -> dict[str, list[str]]:
    """The seed's rules for a slot: formats, enum, fee, end after start, and a clinic the doctor practises at;
    then (`check_hours`) an active IN_CLINIC or BOTH slot inside that clinic's hours for its day."""
    errors: dict[str, list[str]] = {}
    try:
        slot.full_clean(exclude=["doctor", "clinic"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if doctor.clinic(slot.clinic_id) is None:
        errors.setdefault("clinic_id", []).append(MSG_NOT_YOUR_CLINIC)
        return errors
    clinic = Clinic.objects.filter(clinic_id=slot.clinic_id).first()
    if clinic is None:
        errors.setdefault("clinic_id", []).append(MSG_UNKNOWN_CLINIC)
    elif check_hours and not errors and (outside := slot_clinic_hours_error(slot=slot, clinic=clinic)):
        errors[outside[0]] = [outside[1]]
    return errors


def slot_clinic_hours_error(*, slot: DoctorSlot, clinic: Clinic) -> tuple[str, str] | None:
    """(field, message) when an active IN_CLINIC or BOTH slot falls outside `clinic`'s operating hours on its
    day (or the clinic is closed that day), else None. ONLINE and inactive slots, and days without published
    hours, have no limit: the same reading of the hours as availability (appointments/selectors.py).
    BOTH is refused too, not kept online-only: docs/decisions/0044-in-clinic-slots-inside-clinic-hours.md."""
    if slot.consultation_type == ConsultationType.ONLINE or not slot.is_active or not clinic.operating_hours:
        return None
    hours = clinic.operating_hours.for_day(slot.day_of_week)
    if hours is None:
        return None
    days = f"{slot.day_of_week}s"
    if hours.is_closed:
        return "day_of_week", MSG_CLINIC_CLOSED.format(clinic=clinic.name, days=days)
    if not (is_time_24h(hours.open) and is_time_24h(hours.close)):
        return None  # malformed hours count as unpublished, as in availability
    opens, closes = minutes_of_day(hours.open), minutes_of_day(hours.close)
    start, end = minutes_of_day(slot.start_time), minutes_of_day(slot.end_time)
    if opens <= start and end <= closes:
        return None
    message = MSG_CLINIC_HOURS.format(clinic=clinic.name, open=time_12h(opens), close=time_12h(closes), days=days)
    return ("start_time" if start < opens or start >= closes else "end_time"), message


def slot_overlapping(*, slot: DoctorSlot) -> DoctorSlot | None:
    """An active slot of the same doctor on the same day (any clinic) whose time overlaps this one.

    `HH:MM` strings compare like the times they spell, so the database does the interval test.
    """
    others = DoctorSlot.objects.filter(
        doctor_id=slot.doctor_id,
        day_of_week=slot.day_of_week,
        is_active=True,
        start_time__lt=slot.end_time,
        end_time__gt=slot.start_time,
    )
    if slot.pk is not None:
        others = others.exclude(pk=slot.pk)
    return others.order_by("start_time").first()


def _raise_if_overlapping(*, slot: DoctorSlot, doctor: Doctor) -> None:
    other = slot_overlapping(slot=slot)
    if other is not None:
        entry = doctor.clinic(other.clinic_id)
        raise SlotConflict(
            MSG_SLOT_OVERLAP.format(
                day=other.day_of_week,
                start=other.start_time,
                end=other.end_time,
                clinic=entry.name if entry else other.clinic_id,
            )
        )


def extra_hours_overlapping(*, slot: DoctorSlot) -> ScheduleException | None:
    """The doctor's earliest extra hours from today on, on the slot's weekday, whose time overlaps the slot's.

    One query on {doctorId, kind, endDate} (equality and one range); weekday and times compared here: a doctor
    has few extra hours to come (docs/decisions/0038-weekly-slot-over-extra-hours.md)."""
    found = ScheduleException.objects.filter(
        doctor_id=slot.doctor_id,
        kind=ScheduleExceptionKind.EXTRA_HOURS,
        end_date__gte=clock.local_today().isoformat(),
    )
    overlapping = [
        extra
        for extra in found
        if DAYS_OF_WEEK[date.fromisoformat(extra.start_date).weekday()] == slot.day_of_week
        and (extra.start_time or "") < slot.end_time  # extra hours always have both times
        and (extra.end_time or "") > slot.start_time
    ]
    return min(overlapping, key=lambda extra: (extra.start_date, extra.start_time), default=None)


def _raise_if_over_extra_hours(*, slot: DoctorSlot, doctor: Doctor) -> None:
    """A weekly slot may not overlap extra hours to come, as extra hours may not overlap a weekly slot
    (doctors/schedule/exceptions.py): whichever is added second is refused."""
    extra = extra_hours_overlapping(slot=slot)
    if extra is not None:
        entry = doctor.clinic(extra.clinic_id or "")
        raise SlotConflict(
            MSG_SLOT_OVERLAPS_EXTRA_HOURS.format(
                start=extra.start_time,
                end=extra.end_time,
                date=extra.start_date,
                clinic=entry.name if entry else extra.clinic_id,
            )
        )


def slot_check(*, slot: DoctorSlot, doctor: Doctor, weekly: bool = True) -> None:
    """Every rule of a slot, without writing: SlotInvalid (400) or SlotConflict (409, an overlap).

    The same check `slot_create` and `slot_update` run; the admin's slot form calls it to show the refusal.
    `weekly=False`: the slot extra hours stand for (exceptions.py), which checks other extra hours itself.
    """
    hours_change = _hours_may_change(slot=slot)
    _raise_if_invalid(slot=slot, doctor=doctor, check_hours=hours_change)
    if slot.is_active:
        _raise_if_overlapping(slot=slot, doctor=doctor)
        if weekly and hours_change:
            _raise_if_over_extra_hours(slot=slot, doctor=doctor)
    _raise_if_below_held(slot=slot)


# A change to one of these (or a new slot) is checked against the clinic's hours; other edits of a slot
# stored before the rule (a fee, maxPatients, closing it) are not refused for it.
HOURS_FIELDS = frozenset({"clinic_id", "day_of_week", "start_time", "end_time", "consultation_type", "is_active"})


def _hours_may_change(*, slot: DoctorSlot, update_fields: list[str] | None = None) -> bool:
    """A new slot, or a stored one whose HOURS_FIELDS (those being written) differ from the stored values."""
    if slot.pk is None or slot._state.adding:
        return True
    fields = HOURS_FIELDS if update_fields is None else HOURS_FIELDS & set(update_fields)
    if not fields:
        return False
    stored = DoctorSlot.objects.filter(pk=slot.pk).values(*fields).first()
    return stored is None or any(stored[name] != getattr(slot, name) for name in fields)


def _raise_if_invalid(*, slot: DoctorSlot, doctor: Doctor, check_hours: bool = True) -> None:
    errors = _slot_errors(slot=slot, doctor=doctor, check_hours=check_hours)
    if errors:
        raise SlotInvalid(next(iter(errors.values()))[0], errors=errors)


def _schedule_lock_take(*, locks: Collection[dict[str, Any]], key: str, owner: str) -> bool:
    now = clock.now()
    try:
        locks.insert_one({"_id": key, "owner": owner, "expiresAt": now + SCHEDULE_LOCK_TTL})
    except DuplicateKeyError:
        taken = locks.find_one_and_update(
            {"_id": key, "expiresAt": {"$lte": now}}, {"$set": {"owner": owner, "expiresAt": now + SCHEDULE_LOCK_TTL}}
        )
        return taken is not None
    return True


@contextmanager
def _schedule_lock(*, doctor_id: str, day: str) -> Iterator[None]:
    """Serialise slot writes of one doctor's day, so two requests cannot both pass the overlap check.

    A lock document with a unique `_id` (collection `doctor_schedule_locks`), waited for briefly; one left
    by a crashed process is taken over once its `expiresAt` has passed.
    """
    locks = collection("doctor_schedule_locks")
    key, owner = f"{doctor_id}:{day}", secrets.token_hex(8)
    for attempt in range(SCHEDULE_LOCK_ATTEMPTS):
        if _schedule_lock_take(locks=locks, key=key, owner=owner):
            break
        if attempt < SCHEDULE_LOCK_ATTEMPTS - 1:
            time.sleep(SCHEDULE_LOCK_WAIT_S)
    else:
        raise SlotConflict(MSG_SCHEDULE_BUSY)
    try:
        yield
    finally:
        locks.delete_one({"_id": key, "owner": owner})


schedule_lock = _schedule_lock  # the extra hours (doctors/schedule/exceptions.py) take the same lock


def _slot_save(*, slot: DoctorSlot, doctor: Doctor, update_fields: list[str] | None = None) -> DoctorSlot:
    hours_change = _hours_may_change(slot=slot, update_fields=update_fields)
    _raise_if_invalid(slot=slot, doctor=doctor, check_hours=hours_change)
    with _schedule_lock(doctor_id=doctor.doctor_id, day=slot.day_of_week):
        if slot.is_active:
            _raise_if_overlapping(slot=slot, doctor=doctor)
            if hours_change:  # under the lock extra hours take too (exceptions.py): one of two racing is refused
                _raise_if_over_extra_hours(slot=slot, doctor=doctor)
        if update_fields is None or "max_patients" in update_fields:
            _raise_if_below_held(slot=slot)
        slot.save(update_fields=update_fields)
    return slot


def slot_create(
    *,
    doctor: Doctor,
    clinic_id: str,
    day_of_week: str,
    start_time: str,
    end_time: str,
    consultation_fee: float,
    consultation_type: str,
    slot_duration: int = 30,
    max_patients: int = 1,
    is_active: bool = True,
) -> DoctorSlot:
    """Add a weekly slot. Raises SlotInvalid (400) or SlotConflict (409: overlap) before any write."""
    slot = DoctorSlot(
        doctor=doctor,
        clinic_id=clinic_id,
        day_of_week=day_of_week,
        start_time=start_time,
        end_time=end_time,
        consultation_fee=consultation_fee,
        consultation_type=consultation_type,
        slot_duration=slot_duration,
        max_patients=max_patients,
        is_active=is_active,
    )
    return _slot_save(slot=slot, doctor=doctor)


def slot_update(*, slot: DoctorSlot, doctor: Doctor, data: dict[str, Any]) -> DoctorSlot:
    """Change some of SLOT_FIELDS of the doctor's own slot; the same rules as slot_create."""
    unknown = set(data) - set(SLOT_FIELDS)
    if unknown:
        raise ValueError(f"slot_update cannot set {sorted(unknown)}")
    for name, value in data.items():
        setattr(slot, name, value)
    return _slot_save(slot=slot, doctor=doctor, update_fields=[*data, "updated_at"])


def slot_deactivate(*, slot: DoctorSlot, doctor: Doctor) -> DoctorSlot:
    """Stop new bookings in this slot; appointments already booked stay."""
    return slot_update(slot=slot, doctor=doctor, data={"is_active": False})


def slot_activate(*, slot: DoctorSlot, doctor: Doctor) -> DoctorSlot:
    """Open the slot again: refused (409) when it now overlaps another active slot."""
    return slot_update(slot=slot, doctor=doctor, data={"is_active": True})


def slot_delete(*, slot: DoctorSlot) -> None:
    """Remove a slot. Refused (409) while it holds upcoming appointments (the registered in-use checks)."""
    if any(check(slot) for check in _slot_in_use_checks):
        raise SlotConflict(MSG_SLOT_HAS_APPOINTMENTS)
    slot.delete()

"""Writes on doctors: portal sign-in and sign-out, and their weekly slots."""

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from pymongo.errors import DuplicateKeyError

from appointments.models import Appointment
from appointments.services.workflow import CANCELLABLE
from clinics.models import Clinic
from core.login_throttle import (
    MSG_TOO_MANY_ATTEMPTS,
    login_failure_record,
    login_failures_clear,
    login_retry_after,
    throttle_key,
)
from core.passwords import hash_password, validate_password_length, verify_password
from doctors.auth import IssuedToken, token_claims, token_issue
from doctors.models import Doctor, DoctorSession, DoctorSlot
from mongo.lookups import first_by_email


def doctor_set_password(*, doctor: Doctor, password: str) -> Doctor:
    """Hash and store the doctor's portal password (bcrypt, cost 10) and end the doctor's sessions.

    Raises ValidationError if the password is too long.
    """
    validate_password_length(password)
    doctor.set_password(password)
    doctor.save(update_fields=["password", "updated_at"])
    DoctorSession.objects.filter(doctor=doctor).delete()  # a new password signs out every open session
    return doctor


# --- Sign-in ----------------------------------------------------------------------------------------------

# One message for an unknown email, a wrong password and a doctor with no password: no account enumeration.
MSG_INVALID_CREDENTIALS = "Invalid email or password."
MSG_ACCOUNT_INACTIVE = "This doctor account is deactivated. Please contact OPD Wallet support."

MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20


class LoginRefused(Exception):
    """Sign-in refused: 401, or 429 when `retry_after` (seconds) is set."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    doctor: Doctor
    token: IssuedToken


def _failure_keys(email: str, ip_address: str) -> dict[str, int]:
    """Counter key -> the number of failures in one window that closes it."""
    return {throttle_key("email", email): MAX_FAILURES_PER_EMAIL, throttle_key("ip", ip_address): MAX_FAILURES_PER_IP}


@cache
def _dummy_hash(rounds: int) -> str:
    return hash_password("not-a-password-of-anyone")


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def doctor_login(*, email: str, password: str, ip_address: str, user_agent: str = "") -> SignedIn:
    """Check the credentials and open an 8-hour session. Raises LoginRefused (401 or 429)."""
    email = _normalise_email(email)
    keys = _failure_keys(email, ip_address)
    retry_after = login_retry_after(keys=keys)
    if retry_after is not None:
        raise LoginRefused(MSG_TOO_MANY_ATTEMPTS, retry_after=retry_after)
    doctor = first_by_email(Doctor, email=email)
    if doctor is None or not doctor.password:
        verify_password(password, _dummy_hash(settings.BCRYPT_ROUNDS))  # as slow as a real check
    if doctor is None or not doctor.check_password(password):
        login_failure_record(keys=keys)
        raise LoginRefused(MSG_INVALID_CREDENTIALS)
    if not doctor.is_active:
        raise LoginRefused(MSG_ACCOUNT_INACTIVE)
    login_failures_clear(key=throttle_key("email", email))
    now = timezone.now()
    Doctor.objects.filter(pk=doctor.pk).update(last_login=now)
    doctor.last_login = now
    issued = token_issue(doctor=doctor, now=now)
    DoctorSession.objects.create(
        jti=issued.jti,
        doctor=doctor,
        expires_at=issued.expires_at,
        ip_address=ip_address[:45],
        user_agent=user_agent[:300],
    )
    return SignedIn(doctor=doctor, token=issued)


def doctor_logout(*, token: str | None) -> None:
    """Revoke the session of this token (expired ones too); a no-op for a token that is not ours."""
    claims = token_claims(token, allow_expired=True)
    if claims is not None:
        DoctorSession.objects.filter(jti=claims["jti"]).delete()


# --- Weekly slots ---------------------------------------------------------------------------------------------

MSG_NOT_YOUR_CLINIC = "Choose one of the clinics on your profile."
MSG_UNKNOWN_CLINIC = "No clinic with this clinicId exists."
MSG_SLOT_OVERLAP = "This time overlaps your active {day} slot {start}-{end} at {clinic}."
MSG_SLOT_HAS_APPOINTMENTS = (
    "This slot has upcoming appointments. Deactivate it to stop new bookings, or cancel those appointments first."
)
MSG_SCHEDULE_BUSY = "Your schedule is being changed elsewhere right now. Please try again."

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


class SlotConflict(Exception):
    """The slot change conflicts with the doctor's other slots or appointments (409)."""


def _slot_errors(*, slot: DoctorSlot, doctor: Doctor) -> dict[str, list[str]]:
    """The seed's rules for a slot: formats, enum, fee, end after start, and a clinic the doctor practises at."""
    errors: dict[str, list[str]] = {}
    try:
        slot.full_clean(exclude=["doctor", "clinic"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if doctor.clinic(slot.clinic_id) is None:
        errors.setdefault("clinic_id", []).append(MSG_NOT_YOUR_CLINIC)
    elif not Clinic.objects.filter(clinic_id=slot.clinic_id).exists():
        errors.setdefault("clinic_id", []).append(MSG_UNKNOWN_CLINIC)
    return errors


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


def _schedule_lock_take(*, locks: Any, key: str, owner: str) -> bool:
    now = timezone.now()
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
    locks = connection.get_collection("doctor_schedule_locks")
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


def _slot_save(*, slot: DoctorSlot, doctor: Doctor, update_fields: list[str] | None = None) -> DoctorSlot:
    errors = _slot_errors(slot=slot, doctor=doctor)
    if errors:
        raise ValidationError(errors)
    with _schedule_lock(doctor_id=doctor.doctor_id, day=slot.day_of_week):
        if slot.is_active:
            _raise_if_overlapping(slot=slot, doctor=doctor)
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
    """Add a weekly slot. Raises ValidationError (400) or SlotConflict (409: overlap) before any write."""
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
    """Remove a slot. Refused (409) while it holds upcoming pending or confirmed appointments."""
    upcoming = Appointment.objects.filter(
        slot_id=slot.pk, status__in=CANCELLABLE, appointment_date__gte=timezone.localdate().isoformat()
    )
    if upcoming.exists():
        raise SlotConflict(MSG_SLOT_HAS_APPOINTMENTS)
    slot.delete()

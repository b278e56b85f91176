"""Writes on prescriptions: upload, replace the file, deactivate.

Which appointments take a prescription: CONFIRMED or COMPLETED ones (the visit is agreed or has happened).
Not PENDING_CONFIRMATION (the doctor has not accepted it yet) and not CANCELLED.

Never half a record, without multi-document transactions: the file is written first and the document
second; if the document cannot be written the file is removed, and if the file cannot be written no
document is made. The unique index on `appointmentId` is the final guard for "one per appointment"; the
appointment (and its video consultation) are linked afterwards by single-document updates, and if that
fails the prescription and its file are taken back.
"""

import logging
from typing import Any

from django.core.files import File
from django.db import IntegrityError

from appointments.models import Appointment, AppointmentStatus
from consultations.models import VideoConsultation
from core import clock
from core.errors import Conflict, NotFound, Unavailable
from core.sequences import next_sequence
from doctors.models import Doctor
from prescriptions.files import (
    MSG_FILE_MISSING,
    FileRefused,
    FileType,
    clean_file_name,
    file_check,
    file_delete,
    file_store,
)
from prescriptions.models import Prescription

logger = logging.getLogger(__name__)

MSG_NOT_PRESCRIBABLE = "A prescription can be uploaded only for a confirmed or completed appointment."
MSG_ALREADY_UPLOADED = "A prescription has already been uploaded for this appointment."
MSG_CHANGED_MEANWHILE = "This prescription changed while the file was uploading. Reload and try again."
MSG_NO_FREE_ID = "Could not number the prescription. Please try again."
MSG_STORAGE_FAILED = "The file could not be stored. Please try again."

PRESCRIBABLE_STATUSES = (AppointmentStatus.CONFIRMED, AppointmentStatus.COMPLETED)
ID_ATTEMPTS = 3


class PrescriptionConflict(Conflict):
    """409: the request conflicts with the current state."""


class StorageFailed(Unavailable):
    """503: the file could not be written; nothing was recorded."""

    default_message = MSG_STORAGE_FAILED


def prescription_id_counter(stamp: str) -> str:
    return f"prescriptionId:{stamp}"


def prescription_id_new() -> str:
    """`PRESC` + clinic-local date + a daily sequence (atomic counter): PRESC202610060001."""
    stamp = f"{clock.local_today():%Y%m%d}"
    return f"PRESC{stamp}{next_sequence(prescription_id_counter(stamp)):04d}"


def _text_or_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _duplicate_keys(exc: IntegrityError) -> set[str]:
    """The fields of the unique index that refused an insert (pymongo puts them in `keyPattern`)."""
    details: dict[str, Any] = getattr(exc.__cause__, "details", None) or {}
    errors = details.get("writeErrors") or [details]
    return {key for error in errors for key in (error.get("keyPattern") or {})}


def _store(*, uploaded_file: File, doctor_id: str, prescription_id: str, file_type: FileType) -> str:
    try:
        return file_store(
            uploaded_file=uploaded_file, doctor_id=doctor_id, prescription_id=prescription_id, file_type=file_type
        )
    except OSError as exc:
        logger.exception("Storing prescription %s failed", prescription_id)
        raise StorageFailed() from exc


def _insert(*, doctor: Doctor, uploaded_file: File, file_type: FileType, **fields: Any) -> Prescription:
    """Write the file, then the document; on a taken prescriptionId try the next number."""
    for _ in range(ID_ATTEMPTS):
        prescription_id = prescription_id_new()
        file_path = _store(
            uploaded_file=uploaded_file,
            doctor_id=doctor.doctor_id,
            prescription_id=prescription_id,
            file_type=file_type,
        )
        try:
            return Prescription.objects.create(prescription_id=prescription_id, file_path=file_path, **fields)
        except IntegrityError as exc:
            file_delete(file_path)
            if _duplicate_keys(exc) == {"prescriptionId"}:
                logger.warning("prescriptionId %s already taken; drawing the next one", prescription_id)
                continue
            raise PrescriptionConflict(MSG_ALREADY_UPLOADED) from exc
        except BaseException:
            file_delete(file_path)
            raise
    raise PrescriptionConflict(MSG_NO_FREE_ID)


def _link(*, appointment: Appointment, prescription: Prescription) -> None:
    now = clock.now()
    Appointment.objects.filter(pk=appointment.pk).update(
        prescription_id=prescription.pk, has_prescription=True, updated_at=now
    )
    VideoConsultation.objects.filter(appointment_id=appointment.pk).update(prescription=prescription, updated_at=now)
    appointment.prescription_id = prescription.pk
    appointment.has_prescription = True


def _take_back(prescription: Prescription) -> None:
    try:
        Prescription.objects.filter(pk=prescription.pk).delete()
    finally:
        file_delete(prescription.file_path)


def prescription_upload(
    *,
    doctor: Doctor,
    appointment: Appointment,
    uploaded_file: File | None,
    diagnosis: str | None = None,
    notes: str | None = None,
) -> Prescription:
    """Record the doctor's prescription for their own appointment and link it to the appointment.

    Raises NotFound (not the doctor's appointment), PrescriptionConflict (409), FileRefused (400) or FileTooLarge (413),
    StorageFailed (503).
    """
    if appointment.doctor_id != doctor.doctor_id:
        raise NotFound()
    if appointment.status not in PRESCRIBABLE_STATUSES:
        raise PrescriptionConflict(MSG_NOT_PRESCRIBABLE)
    if appointment.has_prescription or appointment.prescription_id:
        raise PrescriptionConflict(MSG_ALREADY_UPLOADED)
    if uploaded_file is None:
        raise FileRefused(MSG_FILE_MISSING)
    file_type = file_check(uploaded_file)

    prescription = _insert(
        doctor=doctor,
        uploaded_file=uploaded_file,
        file_type=file_type,
        appointment_id=appointment.pk,
        doctor_id=doctor.doctor_id,
        doctor_name=doctor.name,
        user_id=appointment.user_id,
        patient_name=appointment.patient_name,
        file_name=clean_file_name(uploaded_file.name) or f"prescription.{file_type.extension}",
        file_size=uploaded_file.size,
        upload_date=clock.now(),
        diagnosis=_text_or_none(diagnosis),
        notes=_text_or_none(notes),
        is_active=True,
    )
    try:
        _link(appointment=appointment, prescription=prescription)
    except BaseException:
        _take_back(prescription)
        raise
    return prescription


def prescription_replace_file(
    *, doctor: Doctor, prescription: Prescription, uploaded_file: File | None
) -> Prescription:
    """Swap the file of the doctor's own prescription; the old file goes once the new one is recorded.

    Raises NotFound (not the doctor's), PrescriptionConflict (409, replaced meanwhile), FileRefused, StorageFailed.
    """
    if prescription.doctor_id != doctor.doctor_id:
        raise NotFound()
    if uploaded_file is None:
        raise FileRefused(MSG_FILE_MISSING)
    file_type = file_check(uploaded_file)
    old_path = prescription.file_path
    new_path = _store(
        uploaded_file=uploaded_file,
        doctor_id=doctor.doctor_id,
        prescription_id=prescription.prescription_id,
        file_type=file_type,
    )
    now = clock.now()
    try:
        # Filtered on the old path: of two replacements racing, one wins and the other's file is removed.
        updated = Prescription.objects.filter(
            pk=prescription.pk, doctor_id=doctor.doctor_id, file_path=old_path
        ).update(
            file_name=clean_file_name(uploaded_file.name) or f"prescription.{file_type.extension}",
            file_path=new_path,
            file_size=uploaded_file.size,
            upload_date=now,
            updated_at=now,
        )
    except BaseException:
        file_delete(new_path)
        raise
    if not updated:
        file_delete(new_path)
        raise PrescriptionConflict(MSG_CHANGED_MEANWHILE)
    file_delete(old_path)
    prescription.refresh_from_db()
    return prescription


def _set_active(prescription: Prescription, active: bool) -> bool:
    changed = Prescription.objects.filter(pk=prescription.pk, is_active=not active).update(
        is_active=active, updated_at=clock.now()
    )
    prescription.is_active = active
    return bool(changed)


def prescription_deactivate(*, prescription: Prescription) -> bool:
    """Staff hide a prescription from the patient (`isActive: false`). True if it was active."""
    return _set_active(prescription, False)


def prescription_reactivate(*, prescription: Prescription) -> bool:
    """Staff show a deactivated prescription to the patient again. True if it was inactive."""
    return _set_active(prescription, True)

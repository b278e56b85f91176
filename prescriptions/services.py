"""Writes on prescriptions: upload, replace the file, deactivate.

Which appointments take a prescription: CONFIRMED or COMPLETED ones (the visit is agreed or has happened).
Not PENDING_CONFIRMATION (the doctor has not accepted it yet) and not CANCELLED.

An upload is four writes, in this order (docs/prescriptions.md#one-upload-whole-or-nothing), without
multi-document transactions:

1. the file, under a server-made name;
2. the appointment's link (`hasPrescription: true`, `prescriptionId`: the `_id` the document will have), ONE
   update_one guarded by `status in (CONFIRMED, COMPLETED)` and no prescription yet: a cancel racing the
   upload either lands first (the guard fails: the file is removed, 409) or after (the upload was made
   while the appointment was confirmed);
3. the prescription document (the unique index on `appointmentId` is the last guard for one per appointment);
4. the video consultation's `prescriptionId` (a copy, for the consultation's own answer).

A write that fails undoes the ones before it, in reverse order: the consultation's copy, the document, the
appointment's link (guarded on its own `prescriptionId`, so it never undoes another upload's) and the file.
A process killed between two writes leaves one of these, each repaired by `manage.py audit_integrity
--repair` once it is an hour old (never a fresh one, which may be an upload in flight):
after 1, a file without a document; after 2, also an appointment whose `prescriptionId` names no document;
after 3, a whole upload whose consultation lacks its `prescriptionId` copy.
"""

import logging
from typing import Any

from bson import ObjectId
from django.core.files import File
from django.db import IntegrityError
from pymongo.collection import Collection

from appointments.events import AppointmentEvent, appointment_event_emit
from appointments.models import Actor, Appointment, AppointmentStatus
from consultations.models import VideoConsultation
from core import clock
from core.errors import Conflict, NotFound, Unavailable
from core.sequences import next_sequence
from doctors.models import Doctor
from mongo.raw import collection
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


def _appointments() -> Collection[dict[str, Any]]:
    return collection(Appointment._meta.db_table)


def _link_appointment(*, appointment: Appointment, pk: ObjectId) -> None:
    """Write 2: one update_one guarded by the statuses that take a prescription and "none yet". Refused
    (PrescriptionConflict, with the reason the appointment's current state gives) when the guard fails."""
    linked = _appointments().update_one(
        {
            "_id": appointment.pk,
            "status": {"$in": [status.value for status in PRESCRIBABLE_STATUSES]},
            "hasPrescription": {"$ne": True},
            "prescriptionId": None,
        },
        {"$set": {"hasPrescription": True, "prescriptionId": pk, "updatedAt": clock.now()}},
    )
    if not linked.matched_count:
        appointment.refresh_from_db()
        if appointment.status not in PRESCRIBABLE_STATUSES:
            raise PrescriptionConflict(MSG_NOT_PRESCRIBABLE)
        raise PrescriptionConflict(MSG_ALREADY_UPLOADED)
    appointment.prescription_id = pk
    appointment.has_prescription = True


def _unlink_appointment(*, appointment: Appointment, pk: ObjectId) -> None:
    """Undo write 2, only if the link is still this upload's."""
    undone = _appointments().update_one(
        {"_id": appointment.pk, "prescriptionId": pk},
        {"$set": {"hasPrescription": False, "prescriptionId": None, "updatedAt": clock.now()}},
    )
    if undone.matched_count or appointment.prescription_id == pk:
        appointment.prescription_id = None
        appointment.has_prescription = False


def _insert_document(
    *, pk: ObjectId, doctor: Doctor, uploaded_file: File, file_type: FileType, **fields: Any
) -> Prescription:
    """Write 3, with the file of write 1 (already stored under `fields["file_path"]`); on a taken
    prescriptionId, the next number (and a file named after it). On any failure the file is removed."""
    for _ in range(ID_ATTEMPTS):
        try:
            return Prescription.objects.create(pk=pk, **fields)
        except IntegrityError as exc:
            if _duplicate_keys(exc) != {"prescriptionId"}:
                file_delete(fields["file_path"])
                raise PrescriptionConflict(MSG_ALREADY_UPLOADED) from exc
            logger.warning("prescriptionId %s already taken; drawing the next one", fields["prescription_id"])
            old_path = fields["file_path"]
            fields["prescription_id"] = prescription_id_new()
            try:
                fields["file_path"] = _store(
                    uploaded_file=uploaded_file,
                    doctor_id=doctor.doctor_id,
                    prescription_id=fields["prescription_id"],
                    file_type=file_type,
                )
            finally:
                file_delete(old_path)
        except BaseException:
            file_delete(fields["file_path"])
            raise
    file_delete(fields["file_path"])
    raise PrescriptionConflict(MSG_NO_FREE_ID)


def _link_consultations(*, appointment: Appointment, prescription: Prescription) -> None:
    """Write 4: the consultation's copy of the link."""
    VideoConsultation.objects.filter(appointment_id=appointment.pk).update(
        prescription=prescription, updated_at=clock.now()
    )


def _take_back(*, appointment: Appointment, prescription: Prescription) -> None:
    """Undo writes 4, 3, 2 and 1, in that order (each step left undone is repairable, see above)."""
    try:
        VideoConsultation.objects.filter(appointment_id=appointment.pk, prescription_id=prescription.pk).update(
            prescription=None
        )
        Prescription.objects.filter(pk=prescription.pk).delete()
        _unlink_appointment(appointment=appointment, pk=prescription.pk)
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

    pk = ObjectId()
    prescription_id = prescription_id_new()
    file_path = _store(  # write 1
        uploaded_file=uploaded_file, doctor_id=doctor.doctor_id, prescription_id=prescription_id, file_type=file_type
    )
    try:
        _link_appointment(appointment=appointment, pk=pk)  # write 2
    except PrescriptionConflict:
        file_delete(file_path)  # refused: nothing else was written
        raise
    except BaseException:
        try:  # failed with an unknown outcome (e.g. a lost reply): undo the link if it landed
            _unlink_appointment(appointment=appointment, pk=pk)
        finally:
            file_delete(file_path)
        raise
    try:
        prescription = _insert_document(  # write 3
            pk=pk,
            doctor=doctor,
            uploaded_file=uploaded_file,
            file_type=file_type,
            prescription_id=prescription_id,
            file_path=file_path,
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
    except BaseException:
        _unlink_appointment(appointment=appointment, pk=pk)  # the file is already removed
        raise
    try:
        _link_consultations(appointment=appointment, prescription=prescription)  # write 4
    except BaseException:
        _take_back(appointment=appointment, prescription=prescription)
        raise
    # The member learns it is ready (notifications); never its diagnosis or file.
    appointment_event_emit(
        AppointmentEvent.PRESCRIPTION_READY,
        appointment=appointment,
        by=Actor.DOCTOR,
        uploaded_at=prescription.upload_date,
    )
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

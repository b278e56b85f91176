"""The prescriptions' invariants, for `manage.py audit_integrity` (core/integrity.py; docs/operations.md).

- `prescriptions.one_per_appointment`: one prescription document per appointment (report only: the unique
  index on `appointmentId` should make it impossible), and each document's file present in storage (report
  only: a lost file comes back from backup).
- `prescriptions.orphan_files`: no stored file without its document (repair: delete the file once it is older
  than ORPHAN_AGE; a younger one may belong to an upload in progress, which writes the file first, so it is
  reported and left alone).
- `prescriptions.has_prescription`: no appointment with `hasPrescription: true` without an active prescription
  document (repair, when no prescription document exists for it at all and the appointment has not changed
  for ORPHAN_AGE: set `hasPrescription` false and `prescriptionId` null, guarded by the values read).

Reads ids and paths only (never diagnoses, notes or file contents).
"""

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import groupby, islice
from typing import Any

from core import clock
from core.integrity import AuditOptions, CheckResult, Finding, integrity_check
from mongo.raw import collection
from prescriptions.files import LEGACY_PREFIX, STORAGE_DIR, file_delete, file_exists, storage, storage_name

ORPHAN_AGE = timedelta(hours=1)
BATCH = 500
PROBLEM_TWO_PRESCRIPTIONS = "more than one prescription document for one appointment"
PROBLEM_FILE_MISSING = "prescription document whose file is missing"
PROBLEM_ORPHAN_FILE = "stored file without a prescription document"
PROBLEM_ORPHAN_FILE_FRESH = "stored file without a prescription document, younger than 1 hour (an upload in progress?)"
PROBLEM_HAS_PRESCRIPTION = "hasPrescription true without an active prescription document"
PROBLEM_HAS_PRESCRIPTION_RECENT = "hasPrescription true without an active prescription, changed within 1 hour"


def _prescriptions() -> Any:
    return collection("doctor_prescriptions")


def _batches(documents: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(documents, BATCH)):
        yield batch


@integrity_check("prescriptions.one_per_appointment", "one prescription per appointment, with its file present")
def check_one_per_appointment(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    cursor = _prescriptions().find(
        {}, {"_id": 1, "prescriptionId": 1, "appointmentId": 1, "filePath": 1}, sort=[("appointmentId", 1)]
    )
    for appointment_id, group in groupby(cursor, key=lambda document: document.get("appointmentId")):
        documents = list(group)
        result.examined += len(documents)
        if len(documents) > 1:
            ids = ",".join(str(document["_id"]) for document in documents)
            result.findings.append(
                Finding(PROBLEM_TWO_PRESCRIPTIONS, {"appointment": appointment_id, "prescriptions": ids})
            )
        for document in documents:
            if not file_exists(str(document.get("filePath") or "")):
                result.findings.append(
                    Finding(
                        PROBLEM_FILE_MISSING,
                        {
                            "prescription": document["_id"],
                            "prescriptionId": document.get("prescriptionId"),
                            "appointment": appointment_id,
                        },
                    )
                )
    return result


def _walk(directory: str) -> Iterator[str]:
    """Every file's storage name under `directory`, recursively; nothing when the directory does not exist."""
    try:
        directories, files = storage().listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{directory}/{name}"
    for name in sorted(directories):
        yield from _walk(f"{directory}/{name}")


def _referenced(doctor_dir: str, names: list[str]) -> set[str]:
    """Which of these storage names a prescription document points at: the doctor's documents first (the
    `prescriptions_doctor_date` index), then an exact lookup for the rest (a directory name is the doctorId
    made safe, so it can differ)."""
    known = {
        storage_name(str(document.get("filePath") or ""))
        for document in _prescriptions().find({"doctorId": doctor_dir}, {"filePath": 1})
    }
    rest = [name for name in names if name not in known]
    if rest:
        paths = [LEGACY_PREFIX + name for name in rest] + rest
        for document in _prescriptions().find({"filePath": {"$in": paths}}, {"filePath": 1}):
            known.add(storage_name(str(document.get("filePath") or "")))
    return {name for name in names if name in known}


def _modified(name: str) -> datetime | None:
    try:
        return storage().get_modified_time(name)
    except (OSError, NotImplementedError):
        return None


@integrity_check("prescriptions.orphan_files", "no stored prescription file without its document")
def check_orphan_files(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    try:
        doctor_dirs, loose = storage().listdir(STORAGE_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return result
    groups = [(doctor_dir, list(_walk(f"{STORAGE_DIR}/{doctor_dir}"))) for doctor_dir in sorted(doctor_dirs)]
    groups.append(("", [f"{STORAGE_DIR}/{name}" for name in sorted(loose)]))  # never a document's path
    cutoff = clock.now() - ORPHAN_AGE
    for doctor_dir, names in groups:
        result.examined += len(names)
        referenced = _referenced(doctor_dir, names) if doctor_dir else set()
        for name in names:
            if name in referenced:
                continue
            modified = _modified(name)
            old = modified is not None and modified < cutoff
            finding = Finding(PROBLEM_ORPHAN_FILE if old else PROBLEM_ORPHAN_FILE_FRESH, {"file": name}, repairable=old)
            if old and options.repair:
                file_delete(LEGACY_PREFIX + name)
                finding.repaired = not storage().exists(name)
            result.findings.append(finding)
    return result


@integrity_check("prescriptions.has_prescription", "no hasPrescription without an active prescription")
def check_has_prescription(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    appointments = collection("appointments")
    cursor = appointments.find(
        {"hasPrescription": True},
        {"_id": 1, "appointmentId": 1, "prescriptionId": 1, "updatedAt": 1},
        batch_size=BATCH,
    )
    cutoff = clock.now() - ORPHAN_AGE
    for batch in _batches(iter(cursor)):
        result.examined += len(batch)
        found: dict[Any, bool] = {}  # appointment _id -> has an active prescription
        for document in _prescriptions().find(
            {"appointmentId": {"$in": [a["_id"] for a in batch]}}, {"appointmentId": 1, "isActive": 1}
        ):
            active = document.get("isActive", True) is not False
            found[document["appointmentId"]] = found.get(document["appointmentId"], False) or active
        for appointment in batch:
            if found.get(appointment["_id"]):
                continue
            updated_at = appointment.get("updatedAt")
            settled = isinstance(updated_at, datetime) and clock.stored_instant(updated_at) < cutoff
            repairable = appointment["_id"] not in found and settled
            ids = {"appointment": appointment["_id"], "appointmentId": appointment.get("appointmentId")}
            problem = PROBLEM_HAS_PRESCRIPTION if settled else PROBLEM_HAS_PRESCRIPTION_RECENT
            finding = Finding(problem, ids, repairable=repairable)
            if repairable and options.repair:
                finding.repaired = bool(
                    appointments.update_one(
                        {
                            "_id": appointment["_id"],
                            "hasPrescription": True,
                            "prescriptionId": appointment.get("prescriptionId"),
                        },
                        {"$set": {"hasPrescription": False, "prescriptionId": None, "updatedAt": clock.now()}},
                    ).modified_count
                )
            result.findings.append(finding)
    return result

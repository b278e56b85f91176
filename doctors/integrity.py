"""Doctors' embedded clinic copies, for `manage.py audit_integrity` (core/integrity.py; docs/operations.md).

- `doctors.clinic_copies`: every entry of a doctor's `clinics` names a clinic that exists, and copies its name,
  address, city, state, pincode and location. A stale copy (the app stopped between a clinic's save and the
  bulk update that follows it) is repaired by running that update again (`doctor_clinics_sync`, idempotent);
  an entry naming no clinic is reported only (pick a real clinic in the admin).

Reads every clinic's copied fields once (clinics are few), then the doctors streamed with a projection.
"""

from typing import Any

from clinics.models import Clinic
from core.integrity import AuditOptions, CheckResult, Finding, integrity_check
from doctors.services import CLINIC_COPY_FIELDS, clinic_copy_column, doctor_clinics_sync
from mongo.raw import collection

PROBLEM_UNKNOWN_CLINIC = "doctor's clinic entry names no clinic"
PROBLEM_STALE_COPY = "doctor's clinic entry differs from the clinic"
COLUMNS = [clinic_copy_column(name) for name in CLINIC_COPY_FIELDS]


def _copied(document: dict[str, Any]) -> dict[str, Any]:
    return {column: document.get(column) for column in COLUMNS}


@integrity_check("doctors.clinic_copies", "doctors' embedded clinics exist and match the clinic")
def check_clinic_copies(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    clinics = {
        document["clinicId"]: _copied(document)
        for document in collection("clinics").find({}, {"_id": 0, "clinicId": 1, **dict.fromkeys(COLUMNS, 1)})
        if isinstance(document.get("clinicId"), str)  # else of the wrong type: core.stored_types reports it
    }
    stale: set[str] = set()
    for doctor in collection("doctors").find({}, {"doctorId": 1, "clinics": 1}, batch_size=500):
        entries = doctor.get("clinics")
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue  # not a document: core.stored_types reports it
            result.examined += 1
            clinic_id = entry.get("clinicId")
            ids = {"doctor": doctor.get("doctorId"), "clinic": clinic_id}
            if not isinstance(clinic_id, str) or clinic_id not in clinics:
                result.findings.append(Finding(PROBLEM_UNKNOWN_CLINIC, ids))
            elif _copied(entry) != clinics[clinic_id]:
                result.findings.append(Finding(PROBLEM_STALE_COPY, ids, repairable=True))
                stale.add(clinic_id)
    if options.repair and stale:
        for clinic in Clinic.objects.filter(clinic_id__in=sorted(stale)):
            doctor_clinics_sync(clinic)
        for finding in result.findings:
            finding.repaired = finding.repairable and finding.ids["clinic"] in stale
    return result

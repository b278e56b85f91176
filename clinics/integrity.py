"""The clinics' invariants, for `manage.py audit_integrity` (core/integrity.py; docs/operations.md).

- `clinics.geo_copy`: each clinic's GeoJSON copy (`geo`, clinics/geo.py) matches its `location`: present with
  the same point when the location is usable, absent when not. A missing or stale copy (written outside the
  app, or the app stopped between the save and the copy) is repaired by writing it again (idempotent).

Reads the two fields of every clinic once (clinics are few).
"""

from clinics.geo import clinics_geo_stale
from core.integrity import AuditOptions, CheckResult, Finding, integrity_check
from mongo.raw import collection

PROBLEM_GEO_STALE = "clinic's GeoJSON location is missing or differs from its location"


@integrity_check("clinics.geo_copy", "each clinic's GeoJSON location matches its location")
def check_geo_copy(options: AuditOptions) -> CheckResult:
    clinics = collection("clinics")
    result = CheckResult(examined=clinics.count_documents({}))
    stale = clinics_geo_stale(clinics)
    result.findings = [Finding(PROBLEM_GEO_STALE, {"clinic": clinic_id}, repairable=True) for clinic_id, _ in stale]
    if options.repair and stale:
        clinics.bulk_write([update for _, update in stale], ordered=False)
        for finding in result.findings:
            finding.repaired = True
    return result

"""Writes on clinics."""

from clinics.events import clinic_changed_emit
from clinics.geo import clinic_geo_write
from clinics.models import Clinic


def clinic_save(*, clinic: Clinic) -> Clinic:
    """Save a validated clinic (added or changed), write its GeoJSON location copy (clinics/geo.py), then tell
    the apps that copy it (doctors' embedded clinics).

    The copies are brought in step by the listeners in one bulk update each; running them again is harmless,
    so a crash between the writes is repaired by saving the clinic again (or by `audit_integrity --repair`)."""
    clinic.save()
    clinic_geo_write(clinic)
    clinic_changed_emit(clinic)
    return clinic

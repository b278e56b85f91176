"""Reads on clinics for the member API."""

from django.db.models import QuerySet

from clinics.models import Clinic


def clinic_list(*, city: str | None = None) -> QuerySet[Clinic]:
    """Active clinics, optionally in one city (exact match; the seed's {city, isActive} index)."""
    clinics = Clinic.objects.filter(is_active=True)
    if city:
        clinics = clinics.filter(city=city)
    return clinics.order_by("clinic_id")


def clinic_get(*, clinic_id: str) -> Clinic | None:
    return Clinic.objects.filter(clinic_id=clinic_id, is_active=True).first()

"""Writes on doctors' documents that follow other collections: the embedded clinic copies and the rating."""

from collections.abc import Sequence
from typing import Any

from bson import ObjectId

from clinics.models import Clinic
from core import clock
from core.errors import Invalid
from doctors.models import DoctorClinic
from mongo.raw import collection

MSG_UNKNOWN_CLINIC = "No clinic with clinicId {clinic_id} exists."
MSG_CLINIC_TWICE = "Each clinic can be listed only once."
# What a doctor's `clinics[]` entry copies from the clinic (the seed denormalises it); the fee is the doctor's.
CLINIC_COPY_FIELDS = ("name", "address", "city", "state", "pincode", "location")


def doctor_clinic_entries(
    *, picks: Sequence[DoctorClinic], previous: Sequence[DoctorClinic] = ()
) -> list[DoctorClinic]:
    """The embedded entries for the clinics picked (`clinic_id` and `consultation_fee` of each), every other
    field filled from `clinics` in one query; a clinic the doctor already had keeps its stored `distanceKm`.
    Raises Invalid for an unknown or repeated clinic."""
    ids = [pick.clinic_id for pick in picks]
    if len(set(ids)) != len(ids):
        raise Invalid(MSG_CLINIC_TWICE, errors={"clinics": [MSG_CLINIC_TWICE]})
    clinics = {clinic.clinic_id: clinic for clinic in Clinic.objects.filter(clinic_id__in=ids)}
    distances = {entry.clinic_id: entry.distance_km for entry in previous}
    entries = []
    for pick in picks:
        clinic = clinics.get(pick.clinic_id)
        if clinic is None:
            message = MSG_UNKNOWN_CLINIC.format(clinic_id=pick.clinic_id)
            raise Invalid(message, errors={"clinics": [message]})
        copied = {name: getattr(clinic, name) for name in CLINIC_COPY_FIELDS}
        entries.append(
            DoctorClinic(
                clinic_id=clinic.clinic_id,
                consultation_fee=pick.consultation_fee,
                distance_km=distances.get(clinic.clinic_id),
                **copied,
            )
        )
    return entries


def doctor_clinics_sync(clinic: Clinic) -> int:
    """Copy `clinic`'s name, address, city, state, pincode and location into every doctor's embedded entry of
    it, in one bulk update (`arrayFilters`). Idempotent. Returns how many doctors changed."""
    document = collection("clinics").find_one({"clinicId": clinic.clinic_id}, {"_id": 0})
    if document is None:
        return 0
    copied: dict[str, Any] = {
        f"clinics.$[entry].{clinic_copy_column(name)}": document.get(clinic_copy_column(name))
        for name in CLINIC_COPY_FIELDS
    }
    result = collection("doctors").update_many(
        {"clinics.clinicId": clinic.clinic_id},
        {"$set": {**copied, "updatedAt": clock.now()}},
        array_filters=[{"entry.clinicId": clinic.clinic_id}],
    )
    return result.modified_count


def clinic_copy_column(name: str) -> str:
    """The stored name of a copied field (the same in `clinics` and in a doctor's `clinics[]` entry)."""
    return DoctorClinic._meta.get_field(name).db_column or name


def doctor_rating_add(*, doctor_pk: ObjectId, rating: int) -> None:
    """Count one member's rating (1-5) into the doctor's `rating` (the mean of every rating counted) and
    `reviewCount`, in one atomic pipeline update:

        rating' = (rating * reviewCount + new) / (reviewCount + 1),  reviewCount' = reviewCount + 1

    Precondition: `rating` was validated 1-5 and belongs to a consultation counted only once."""
    count = {"$ifNull": ["$reviewCount", 0]}
    total = {"$multiply": [{"$ifNull": ["$rating", 0]}, count]}
    collection("doctors").update_one(
        {"_id": doctor_pk},
        [
            {
                "$set": {
                    "rating": {"$divide": [{"$add": [total, rating]}, {"$add": [count, 1]}]},
                    "reviewCount": {"$add": [count, 1]},
                    "updatedAt": clock.now(),
                }
            }
        ],
    )

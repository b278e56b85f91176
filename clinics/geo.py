"""The GeoJSON copy of each clinic's location, for MongoDB's own distance search (docs/decisions/0059).

The seed stores `location: {latitude, longitude}`. MongoDB's `2dsphere` index reads GeoJSON (or a legacy pair
by field order, which the seed's key names do not promise), so each clinic with a location also carries
`geo: {"type": "Point", "coordinates": [longitude, latitude]}`, a field of ours written only when the location
is set and removed when it is not. It is written after every clinic save (`clinic_save`), by the migration
and `manage.py clinics_geo_backfill` for documents written some other way (the seed, imports), and checked by
`audit_integrity` (`clinics.geo_copy`, repaired by writing it again). The `2dsphere` index on it is
`clinics_geo`. Doctors' embedded clinic entries need no copy: the search finds the clinics near a point, then
the doctors practising there by `clinics.clinicId`.
"""

import time
from typing import Any

from django.conf import settings
from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import OperationFailure

from clinics.models import Clinic
from core.geo import EARTH_RADIUS_KM, haversine_km
from mongo.compiler import FIRST_BATCH
from mongo.raw import collection

GEO_FIELD = "geo"
GEO_INDEX = "clinics_geo"
BATCH = 500


def geo_point(location: Any) -> dict[str, Any] | None:
    """The GeoJSON point of a stored `{latitude, longitude}` (a dict or a Location), or None when it has no
    usable one (missing, not numbers, out of range)."""
    if location is None:
        return None
    get = location.get if isinstance(location, dict) else lambda name: getattr(location, name, None)
    lat, lng = _number(get("latitude")), _number(get("longitude"))
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return {"type": "Point", "coordinates": [lng, lat]}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def geo_update(document: dict[str, Any]) -> dict[str, Any] | None:
    """The update that brings a clinic document's `geo` in step with its `location`, or None when it is."""
    point = geo_point(document.get("location"))
    if point == document.get(GEO_FIELD):
        return None
    return {"$set": {GEO_FIELD: point}} if point is not None else {"$unset": {GEO_FIELD: ""}}


def clinic_geo_write(clinic: Clinic) -> None:
    """Write (or remove) `clinic`'s GeoJSON copy from its saved location. One update; idempotent."""
    point = geo_point(clinic.location)
    update = {"$set": {GEO_FIELD: point}} if point is not None else {"$unset": {GEO_FIELD: ""}}
    collection(Clinic._meta.db_table).update_one({"clinicId": clinic.clinic_id}, update)


def clinics_geo_stale(clinics: Collection | None = None) -> list[tuple[Any, UpdateOne]]:
    """(clinicId, update) of every clinic whose `geo` is missing or differs from its `location` (reads the
    three fields of every clinic once)."""
    clinics = clinics if clinics is not None else collection(Clinic._meta.db_table)
    stale = []
    for document in clinics.find({}, {"clinicId": 1, "location": 1, GEO_FIELD: 1}, batch_size=BATCH):
        update = geo_update(document)
        if update is not None:
            stale.append((document.get("clinicId"), UpdateOne({"_id": document["_id"]}, update)))
    return stale


def clinics_geo_backfill(clinics: Collection | None = None) -> int:
    """Bring every clinic's GeoJSON copy in step with its location; returns how many changed. Idempotent."""
    clinics = clinics if clinics is not None else collection(Clinic._meta.db_table)
    updates = [update for _, update in clinics_geo_stale(clinics)]
    changed = 0
    for start in range(0, len(updates), BATCH):
        changed += clinics.bulk_write(updates[start : start + BATCH], ordered=False).modified_count
    return changed


def clinics_geo_index(clinics: Collection | None = None) -> None:
    """Make the `2dsphere` index on `geo` unless it exists (SecantusDB refuses to create it twice)."""
    clinics = clinics if clinics is not None else collection(Clinic._meta.db_table)
    if GEO_INDEX not in clinics.index_information():
        clinics.create_index([(GEO_FIELD, "2dsphere")], name=GEO_INDEX)


# --- distance search (doctors/discovery/selectors.py) ---------------------------------------------------------

# MongoDB's spherical distances use this radius (metres); ours, core/geo.py's, another. The server's radius
# filter is therefore asked for a hair more than the radius, and the great-circle distance decides.
SERVER_SPHERE_RADIUS_M = 6_378_100.0
# A "no" is asked again after this long, so workers started before `migrate` made the index take it up.
GEO_PROBE_RETRY_SECONDS = 300.0
_usable: dict[str, tuple[bool, float]] = {}


def geo_search_usable() -> bool:
    """Whether distance search may use the server's geo index: the `SEARCH_GEO_INDEX` setting (False forces the
    great-circle fallback), then a probe: the `clinics_geo` index exists (SecantusDB would answer without it,
    by a scan) and a `$nearSphere` query on `clinics.geo` is answered (MongoDB refuses it without a `2dsphere`
    index, a server without geo queries outright). A "yes" is kept for the process's life (a geo query that
    fails later forgets it: doctors/discovery/selectors.py); a "no" for GEO_PROBE_RETRY_SECONDS."""
    if not getattr(settings, "SEARCH_GEO_INDEX", True):
        return False
    answer, asked_at = _usable.get("probe", (False, -GEO_PROBE_RETRY_SECONDS - 1.0))
    if "probe" not in _usable or (not answer and time.monotonic() - asked_at > GEO_PROBE_RETRY_SECONDS):
        answer = _probe()
        _usable["probe"] = (answer, time.monotonic())
    return answer


def _probe() -> bool:
    clinics = collection(Clinic._meta.db_table)
    near = {"$geometry": {"type": "Point", "coordinates": [0.0, 0.0]}, "$maxDistance": 1}
    try:
        if GEO_INDEX not in clinics.index_information():
            return False
        clinics.find_one({GEO_FIELD: {"$nearSphere": near}}, {"_id": 1})
    except OperationFailure:
        return False
    return True


def geo_search_probe_forget() -> None:
    """Probe again on the next search (tests; after `clinics_geo_backfill` made the index)."""
    _usable.pop("probe", None)


def clinic_distances_near(
    *, lat: float, lng: float, radius_km: float | None = None, clinic_ids: list[str] | None = None
) -> dict[str, float]:
    """Kilometres (great-circle, core/geo.py) from (lat, lng) to each clinic with a location, nearest first;
    with `radius_km`, only the clinics that close; with `clinic_ids`, only those clinics. One `$nearSphere`
    query on the `clinics_geo` index, which with a radius reads only the clinics inside it; the distances are
    then measured as the fallback measures them, so both paths give the same numbers, order and radius."""
    near: dict[str, Any] = {"$geometry": {"type": "Point", "coordinates": [lng, lat]}}
    if radius_km is not None:
        near["$maxDistance"] = radius_km / EARTH_RADIUS_KM * SERVER_SPHERE_RADIUS_M * (1 + 1e-9) + 1.0
    match: dict[str, Any] = {GEO_FIELD: {"$nearSphere": near}}
    if clinic_ids is not None:
        match["clinicId"] = {"$in": clinic_ids}
    found = collection(Clinic._meta.db_table).find(
        match, {"_id": 0, "clinicId": 1, "location": 1}, batch_size=FIRST_BATCH
    )
    distances: dict[str, float] = {}
    for document in found:
        point = geo_point(document.get("location"))
        if point is None or not isinstance(document.get("clinicId"), str):
            continue
        km = haversine_km(lat, lng, point["coordinates"][1], point["coordinates"][0])
        if radius_km is None or km <= radius_km:
            distances[document["clinicId"]] = km
    return distances

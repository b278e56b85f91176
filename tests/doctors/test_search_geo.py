"""Distance search on the server's geo index (clinics' GeoJSON copy, `$nearSphere`) and its great-circle
fallback give the same doctors in the same order; the copy is written, backfilled and audited
(clinics/geo.py; docs/decisions/0059-search-that-finds.md)."""

import random
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from clinics.geo import (
    GEO_INDEX,
    clinic_distances_near,
    clinics_geo_backfill,
    clinics_geo_index,
    geo_point,
    geo_search_probe_forget,
    geo_search_usable,
)
from clinics.models import Clinic, Location
from clinics.services import clinic_save
from core.integrity import integrity_audit
from devtools.query_plans import query_plans
from mongo.raw import collection
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory, clinic_entry
from tests.member_api import member_client

pytestmark = pytest.mark.django_db

CP = {"lat": 28.6315, "lng": 77.2167}  # Connaught Place, Delhi


@pytest.fixture
def api() -> APIClient:
    return member_client()


@pytest.fixture(autouse=True)
def _probe_again() -> Iterator[None]:
    geo_search_probe_forget()
    yield
    geo_search_probe_forget()


def found(api: APIClient, **params: object) -> list[str]:
    response = api.get("/api/v1/doctors", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return [d["doctorId"] for d in response.json()["results"]]


def _doctors_around_delhi() -> None:
    """Doctors with one to three clinics scattered up to ~60 km around Connaught Place (some shared, one in
    Mumbai), doctors at the same spot (ties by doctorId), and one with no located clinic."""
    rng = random.Random(17)
    clinics = [
        ClinicFactory(
            location=Location(latitude=28.6315 + rng.uniform(-0.5, 0.5), longitude=77.2167 + rng.uniform(-0.5, 0.5))
        )
        for _ in range(12)
    ]
    near = [(28.6330, 77.2190), (28.6000, 77.2600), (28.5921, 77.0460)]  # ~0.3, ~5.4, ~17 km
    clinics += [ClinicFactory(location=Location(latitude=lat, longitude=lng)) for lat, lng in near]
    clinics.append(ClinicFactory(city="Mumbai", location=Location(latitude=19.076, longitude=72.8777)))
    for n in range(20):
        picks = rng.sample(clinics, rng.randint(1, 3))
        DoctorFactory(
            doctor_id=f"DOC{n:03d}", clinics=[clinic_entry(c) for c in picks], specialty_id=f"SPEC00{n % 2 + 1}"
        )
    DoctorFactory(doctor_id="DOC900", clinics=[clinic_entry(clinics[0])])  # same spot as some of the above
    DoctorFactory(doctor_id="DOC901", clinics=[clinic_entry(ClinicFactory(location=None))])


PARAMS = [
    {"ordering": "distance"},
    {"ordering": "distance", "radiusKm": 1},
    {"ordering": "distance", "radiusKm": 15},
    {"ordering": "distance", "radiusKm": 40},
    {"ordering": "distance", "radiusKm": 1500},
    {"radiusKm": 25},
    {"ordering": "distance", "radiusKm": 30, "specialtyId": "SPEC001"},
    {"ordering": "distance", "page_size": 5, "page": 2},
]


@pytest.mark.parametrize("params", PARAMS)
def test_geo_index_and_fallback_give_the_same_doctors_in_the_same_order(
    api: APIClient, settings: pytest.FixtureRequest, params: dict
) -> None:
    _doctors_around_delhi()
    assert geo_search_usable()
    on_index = found(api, **CP, **params)
    assert on_index or params.get("radiusKm") == 1
    settings.SEARCH_GEO_INDEX = False  # type: ignore[attr-defined]
    assert not geo_search_usable()
    assert found(api, **CP, **params) == on_index


def test_without_the_index_search_falls_back_with_the_same_results(api: APIClient) -> None:
    _doctors_around_delhi()
    on_index = found(api, **CP, ordering="distance", radiusKm=40)
    clinics = collection("clinics")
    clinics.drop_index(GEO_INDEX)
    try:
        geo_search_probe_forget()
        assert not geo_search_usable()
        assert found(api, **CP, ordering="distance", radiusKm=40) == on_index
    finally:
        clinics_geo_index()
    geo_search_probe_forget()
    assert geo_search_usable()


def test_both_paths_are_really_taken(api: APIClient, settings: pytest.FixtureRequest) -> None:
    """The index path asks the clinics with `$nearSphere`; the fallback reads the doctors' locations."""
    _doctors_around_delhi()

    def clinic_filters() -> list[dict]:
        plans = query_plans(lambda: found(api, **CP, ordering="distance", radiusKm=20))
        return [plan.filter for plan in plans if plan.collection == "clinics"]

    assert any("$nearSphere" in str(f) for f in clinic_filters())
    settings.SEARCH_GEO_INDEX = False  # type: ignore[attr-defined]
    assert not any("$nearSphere" in str(f) for f in clinic_filters())


def test_the_radius_query_rides_the_clinics_geo_index(api: APIClient) -> None:
    _doctors_around_delhi()
    assert geo_search_usable()  # the probe, before the plans are taken
    plans = query_plans(lambda: found(api, **CP, ordering="distance", radiusKm=20))
    (near,) = [plan for plan in plans if plan.collection == "clinics" and "$nearSphere" in str(plan.filter)]
    assert (near.stage, near.index) == ("IXSCAN", GEO_INDEX)


def test_radius_boundary_is_the_great_circle_one() -> None:
    """The server is asked for a hair more (its Earth radius differs); the great-circle distance decides."""
    clinic = ClinicFactory(location=Location(latitude=28.6315, longitude=77.2167 + 0.1))  # ~9.77 km east
    km = clinic_distances_near(**CP)[clinic.clinic_id]
    assert clinic_distances_near(**CP, radius_km=km) == {clinic.clinic_id: km}
    assert clinic_distances_near(**CP, radius_km=km - 0.001) == {}


def test_clinic_save_writes_and_removes_the_geojson_copy() -> None:
    clinic = ClinicFactory(location=None)
    assert "geo" not in _stored(clinic)
    clinic.location = Location(latitude=12.97, longitude=77.59)
    clinic_save(clinic=clinic)
    assert _stored(clinic)["geo"] == {"type": "Point", "coordinates": [77.59, 12.97]}
    clinic.location = None
    clinic_save(clinic=clinic)
    assert "geo" not in _stored(clinic)


def test_backfill_writes_missing_and_stale_copies_once() -> None:
    kept, stale, missing, unlocated = (ClinicFactory() for _ in range(3)), None, None, None
    kept, stale, missing = list(kept)
    unlocated = ClinicFactory(location=None)
    clinics = collection("clinics")
    clinics.update_one({"clinicId": stale.clinic_id}, {"$set": {"geo.coordinates": [0.0, 0.0]}})
    clinics.update_one({"clinicId": missing.clinic_id}, {"$unset": {"geo": ""}})
    clinics.update_one(
        {"clinicId": unlocated.clinic_id}, {"$set": {"geo": {"type": "Point", "coordinates": [1.0, 1.0]}}}
    )
    call_command("clinics_geo_backfill", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for clinic in (kept, stale, missing, unlocated):
        assert _stored(clinic).get("geo") == geo_point(_stored(clinic).get("location")), clinic.clinic_id
    assert clinics_geo_backfill() == 0


def test_audit_finds_and_repairs_a_stale_copy() -> None:
    clinic = ClinicFactory()
    ClinicFactory()
    collection("clinics").update_one({"clinicId": clinic.clinic_id}, {"$unset": {"geo": ""}})
    report = integrity_audit(repair=False, since=None, only=["clinics.geo_copy"])
    assert [finding.ids for _, finding in report.problems] == [{"clinic": clinic.clinic_id}]
    repaired = integrity_audit(repair=True, since=None, only=["clinics.geo_copy"])
    assert not repaired.problems and len(repaired.repaired) == 1
    assert _stored(clinic)["geo"] == geo_point(_stored(clinic)["location"])


def test_geo_point_refuses_what_is_not_a_location() -> None:
    assert geo_point(None) is None
    assert geo_point({"latitude": "28.6", "longitude": 77.2}) is None
    assert geo_point({"latitude": 91, "longitude": 77.2}) is None
    assert geo_point({"latitude": True, "longitude": 77.2}) is None
    assert geo_point(Location(latitude=28.6, longitude=77.2)) == {"type": "Point", "coordinates": [77.2, 28.6]}


def _stored(clinic: Clinic) -> dict:
    document = collection("clinics").find_one({"clinicId": clinic.clinic_id})
    assert document is not None
    return document


def test_a_no_is_asked_again_later_so_workers_started_before_migrate_take_up_the_index(
    api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the probe's answer was kept for the process's life, so a worker started before `migrate` made
    the index used the fallback until restarted."""
    from clinics import geo

    now = [1000.0]
    monkeypatch.setattr(geo.time, "monotonic", lambda: now[0])
    clinics = collection("clinics")
    clinics.drop_index(GEO_INDEX)
    try:
        geo_search_probe_forget()
        assert not geo_search_usable()
        clinics_geo_index()  # `migrate` runs while the worker keeps going
        now[0] += geo.GEO_PROBE_RETRY_SECONDS / 2
        assert not geo_search_usable()  # asked again only after a while
        now[0] += geo.GEO_PROBE_RETRY_SECONDS
        assert geo_search_usable()
    finally:
        if GEO_INDEX not in clinics.index_information():
            clinics_geo_index()
        geo_search_probe_forget()


def test_a_geo_query_refused_after_the_probe_falls_back(api: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """MongoDB refuses `$nearSphere` once the index is gone (SecantusDB scans instead, so the refusal is played
    here by the server's own error class): the page is answered by the fallback, and the probe is asked again."""
    from pymongo.errors import OperationFailure

    from doctors.discovery import selectors

    _doctors_around_delhi()
    on_index = found(api, **CP, ordering="distance", radiusKm=40)

    def refused(*args: object, **kwargs: object) -> None:
        raise OperationFailure("error processing query: unable to find index for $geoNear query", code=291)

    monkeypatch.setattr(selectors, "_ids_by_clinic_distance", refused)
    assert found(api, **CP, ordering="distance", radiusKm=40) == on_index
    geo_search_probe_forget()

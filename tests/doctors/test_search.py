"""Search that finds: city names as members type them, q on clinics and specialty descriptions, a radius,
and the list of cities."""

import pytest
from rest_framework.test import APIClient

from clinics.cities import city_display_name, city_key
from clinics.models import Location
from doctors.discovery.serializers import MSG_RADIUS_NEEDS_POSITION
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory, SpecialtyFactory, clinic_entry
from tests.member_api import member_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return member_client()


def found(api: APIClient, **params: object) -> list[str]:
    response = api.get("/api/v1/doctors", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return [d["doctorId"] for d in response.json()["results"]]


def doctor_in(city: str, **kwargs: object) -> str:
    return DoctorFactory(clinics=[clinic_entry(ClinicFactory(city=city))], **kwargs).doctor_id


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Delhi (NCR)", "Delhi (NCR)"),
        ("Delhi", "Delhi (NCR)"),
        ("delhi", "Delhi (NCR)"),
        ("  DELHI ", "Delhi (NCR)"),
        ("Bangalore", "Bengaluru"),
        ("bengaluru", "Bangalore"),
        ("Gurgaon", "Gurugram"),
        ("Bombay", "Mumbai"),
        ("Madras", "Chennai"),
        ("Calcutta", "Kolkata"),
    ],
)
def test_city_matches_as_members_type_it(api: APIClient, typed: str, stored: str) -> None:
    there = doctor_in(stored)
    doctor_in("Pune")
    assert found(api, city=typed) == [there]


def test_unknown_city_finds_nothing(api: APIClient) -> None:
    doctor_in("Delhi (NCR)")
    assert found(api, city="Atlantis") == []


def test_city_is_never_a_pattern(api: APIClient) -> None:
    doctor_in("Delhi (NCR)")
    assert found(api, city=".*") == []
    assert found(api, city="Del.*") == []


def test_city_keys_and_display_names() -> None:
    assert city_key("Delhi (NCR)") == city_key("delhi") == city_key("New Delhi")
    assert city_key("Bengaluru") == city_key("BANGALORE")
    assert city_key("Pune") != city_key("Mumbai")
    assert city_display_name("Delhi (NCR)") == "Delhi"
    assert city_display_name("Bangalore") == "Bengaluru"
    assert city_display_name("Pune") == "Pune"


def test_cities_lists_cities_with_active_doctors_by_canonical_name(api: APIClient) -> None:
    doctor_in("Delhi (NCR)")
    doctor_in("Delhi (NCR)")
    doctor_in("Bangalore")
    doctor_in("Bengaluru")
    doctor_in("Bengaluru")
    doctor_in("Pune", is_active=False)
    two_clinics = ClinicFactory.create_batch(2, city="Mumbai")
    DoctorFactory(clinics=[clinic_entry(c) for c in two_clinics])
    response = api.get("/api/v1/cities")
    assert response.status_code == 200
    assert response.json() == [
        {"name": "Bengaluru", "doctorCount": 3},
        {"name": "Delhi", "doctorCount": 2},
        {"name": "Mumbai", "doctorCount": 1},
    ]


def test_cities_needs_a_member() -> None:
    assert APIClient().get("/api/v1/cities").status_code == 401


def test_q_matches_a_clinic_name(api: APIClient) -> None:
    clinic = ClinicFactory(name="Sunrise Skin & Hair Centre")
    there = DoctorFactory(clinics=[clinic_entry(clinic)]).doctor_id
    DoctorFactory()
    assert found(api, q="sunrise") == [there]


def test_q_matches_words_of_the_specialty_description(api: APIClient) -> None:
    derma = SpecialtyFactory(
        specialty_id="SPEC004", name="Dermatologist", code="DERM", description="Skin, hair and nail conditions."
    )
    dermatologist = DoctorFactory(specialty_master=derma, specializations=["Cosmetology"]).doctor_id
    DoctorFactory()
    assert found(api, q="skin") == [dermatologist]
    assert found(api, q="NAIL") == [dermatologist]


@pytest.mark.parametrize("q", [".*", "(", "[a-z]", "$where"])
def test_q_is_still_never_a_pattern(api: APIClient, q: str) -> None:
    DoctorFactory()
    assert found(api, q=q) == []


# Connaught Place, New Delhi; the factory's clinic is in Dwarka (about 15 km away).
CP = {"lat": 28.6315, "lng": 77.2167}


def test_radius_keeps_doctors_with_a_clinic_that_close(api: APIClient) -> None:
    near = DoctorFactory(
        clinics=[clinic_entry(ClinicFactory(location=Location(latitude=28.6330, longitude=77.2190)))]
    ).doctor_id
    dwarka = DoctorFactory().doctor_id
    mumbai = DoctorFactory(
        clinics=[clinic_entry(ClinicFactory(city="Mumbai", location=Location(latitude=19.076, longitude=72.8777)))]
    ).doctor_id
    unlocated = DoctorFactory(clinics=[clinic_entry(ClinicFactory(location=None))]).doctor_id
    assert found(api, radiusKm=1, **CP) == [near]
    assert set(found(api, radiusKm=20, **CP)) == {near, dwarka}
    assert found(api, radiusKm=20, ordering="distance", **CP) == [near, dwarka]
    assert mumbai in found(api, radiusKm=1500, **CP)
    assert unlocated not in found(api, radiusKm=5000, **CP)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"radiusKm": 5}, {"radiusKm": [MSG_RADIUS_NEEDS_POSITION]}),
        ({"radiusKm": 0, **CP}, None),
        ({"radiusKm": "far", **CP}, None),
    ],
)
def test_radius_errors(api: APIClient, params: dict, errors: dict | None) -> None:
    response = api.get("/api/v1/doctors", params)
    assert response.status_code == 400
    assert "radiusKm" in response.json()
    if errors:
        assert response.json() == errors


def test_stored_city_names_are_kept_a_while_and_refreshed_by_a_save(
    api: APIClient, settings: pytest.FixtureRequest
) -> None:
    from doctors.discovery.selectors import _stored_city_names
    from tests.db_commands import count_db_commands

    settings.CITY_NAMES_CACHE_SECONDS = 60  # type: ignore[attr-defined]
    doctor_in("Pune")
    assert _stored_city_names() == ["Pune"]
    with count_db_commands() as commands:
        assert _stored_city_names() == ["Pune"]
    assert commands.count == 0
    there = doctor_in("Mumbai")  # a save in this process forgets the copy
    assert found(api, city="bombay") == [there]

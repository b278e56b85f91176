"""Member discovery: specialties, doctors (filters, ordering, distance), clinics."""

import itertools

import pytest
from rest_framework.test import APIClient

from appointments.next_free_store import next_free_forget_all
from clinics.models import Location
from core.geo import haversine_km
from doctors.discovery.serializers import MSG_DISTANCE_NEEDS_POSITION, MSG_LAT_LNG_TOGETHER
from doctors.models import Doctor
from tests.clinics.factories import ClinicFactory, week_hours
from tests.db_commands import count_db_commands
from tests.doctors.factories import DoctorFactory, SpecialtyFactory, clinic_entry
from tests.member_api import member_client
from tests.users.factories import StaffFactory
from users.models import Role

pytestmark = pytest.mark.django_db

CONNAUGHT_PLACE = {"lat": "28.6315", "lng": "77.2167"}
SECRETS = {"password", "email", "lastLogin", "role", "phone"}


@pytest.fixture
def api() -> APIClient:
    return member_client()


def ids(response: object) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["doctorId"] for row in response.json()["results"]]


def located_doctor(doctor_id: str, lat: float, lng: float, city: str = "Delhi (NCR)", **fields: object) -> Doctor:
    clinic = ClinicFactory(city=city, location=Location(latitude=lat, longitude=lng))
    return DoctorFactory(doctor_id=doctor_id, clinic=clinic, **fields)


# --- specialties -------------------------------------------------------------------------------------------


def test_specialties_lists_the_active_master_in_display_order(api: APIClient) -> None:
    SpecialtyFactory(specialty_id="SPEC002", name="Dermatologist", display_order=2)
    SpecialtyFactory(specialty_id="SPEC001", name="General Physician", display_order=1)
    SpecialtyFactory(specialty_id="SPEC009", name="Retired", is_active=False)
    body = api.get("/api/v1/specialties").json()
    assert body["count"] == 2
    assert [(s["specialtyId"], s["name"]) for s in body["results"]] == [
        ("SPEC001", "General Physician"),
        ("SPEC002", "Dermatologist"),
    ]


# --- doctors: shape ----------------------------------------------------------------------------------------


def test_doctor_list_shows_only_active_doctors_without_login_secrets(api: APIClient) -> None:
    DoctorFactory(doctor_id="DOC001")
    DoctorFactory(doctor_id="DOC002", is_active=False)
    body = api.get("/api/v1/doctors").json()
    assert (body["count"], [d["doctorId"] for d in body["results"]]) == (1, ["DOC001"])
    doctor = body["results"][0]
    assert not SECRETS & set(doctor)
    assert doctor["clinics"][0]["clinicId"].startswith("CLINIC")
    assert doctor["clinics"][0]["distanceKm"] is None


def test_doctor_list_is_paginated(api: APIClient) -> None:
    DoctorFactory.create_batch(3)
    body = api.get("/api/v1/doctors", {"page_size": 2, "page": 2}).json()
    assert (body["count"], len(body["results"]), body["next"]) == (3, 1, None)
    assert body["previous"] is not None


def test_doctor_detail_by_doctor_id(api: APIClient) -> None:
    doctor = DoctorFactory(doctor_id="DOC001", name="Dr. Vikas Mittal")
    response = api.get("/api/v1/doctors/DOC001")
    assert response.status_code == 200
    assert response.json()["_id"] == str(doctor.pk)
    assert response.json()["name"] == "Dr. Vikas Mittal"
    assert not SECRETS & set(response.json())


@pytest.mark.parametrize("doctor_id", ["DOC404", "DOC002"])
def test_unknown_or_inactive_doctor_is_404(api: APIClient, doctor_id: str) -> None:
    DoctorFactory(doctor_id="DOC002", is_active=False)
    assert api.get(f"/api/v1/doctors/{doctor_id}").status_code == 404


# --- doctors: filters --------------------------------------------------------------------------------------


def test_filter_by_specialty(api: APIClient) -> None:
    derma = SpecialtyFactory(specialty_id="SPEC004", name="Dermatologist")
    DoctorFactory(doctor_id="DOC001")
    DoctorFactory(doctor_id="DOC003", specialty_master=derma)
    assert ids(api.get("/api/v1/doctors", {"specialtyId": "SPEC004"})) == ["DOC003"]


def test_filter_by_city_matches_any_practice_city(api: APIClient) -> None:
    delhi, mumbai = ClinicFactory(city="Delhi (NCR)"), ClinicFactory(city="Mumbai")
    DoctorFactory(doctor_id="DOC001", clinics=[clinic_entry(delhi), clinic_entry(mumbai)])
    DoctorFactory(doctor_id="DOC002", clinic=delhi)
    assert ids(api.get("/api/v1/doctors", {"city": "Mumbai"})) == ["DOC001"]
    assert ids(api.get("/api/v1/doctors", {"city": "Delhi (NCR)"})) == ["DOC001", "DOC002"]
    assert ids(api.get("/api/v1/doctors", {"city": "Pune"})) == []


@pytest.mark.parametrize(("kind", "expected"), [("ONLINE", ["DOC001", "DOC002"]), ("IN_CLINIC", ["DOC001", "DOC003"])])
def test_filter_by_consultation_type(api: APIClient, kind: str, expected: list) -> None:
    DoctorFactory(doctor_id="DOC001")
    DoctorFactory(doctor_id="DOC002", available_offline=False)
    DoctorFactory(doctor_id="DOC003", available_online=False)
    assert ids(api.get("/api/v1/doctors", {"type": kind})) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [("vikas", ["DOC001"]), ("PULMONARY", ["DOC001"]), ("derma", ["DOC003"]), ("dr.", ["DOC001", "DOC003"])],
)
def test_q_searches_name_and_specializations_case_insensitively(api: APIClient, q: str, expected: list) -> None:
    DoctorFactory(doctor_id="DOC001", name="Dr. Vikas Mittal", specializations=["Pulmonary Medicine"])
    DoctorFactory(
        doctor_id="DOC003",
        name="Dr. Priya Sharma",
        specializations=["Dermatology", "Cosmetology"],
        specialty_master=SpecialtyFactory(specialty_id="SPEC004", name="Dermatologist"),
    )
    assert ids(api.get("/api/v1/doctors", {"q": q})) == expected


@pytest.mark.parametrize("q", [".*", "(", "[a-z]+", "^Dr", "a{1,99999}", "\\"])
def test_q_is_matched_literally_never_as_a_regex(api: APIClient, q: str) -> None:
    DoctorFactory(doctor_id="DOC001", name="Dr. Vikas Mittal")
    assert ids(api.get("/api/v1/doctors", {"q": q})) == []


def test_q_length_is_capped(api: APIClient) -> None:
    response = api.get("/api/v1/doctors", {"q": "x" * 101})
    assert response.status_code == 400
    assert list(response.json()) == ["q"]


def test_filters_combine(api: APIClient) -> None:
    DoctorFactory(doctor_id="DOC001", name="Dr. Asha Rao")
    DoctorFactory(doctor_id="DOC002", name="Dr. Asha Iyer", available_online=False)
    assert ids(api.get("/api/v1/doctors", {"q": "asha", "type": "ONLINE", "specialtyId": "SPEC001"})) == ["DOC001"]


# --- doctors: ordering and distance -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("rating", ["DOC002", "DOC003", "DOC001"]),
        ("-rating", ["DOC001", "DOC003", "DOC002"]),
        ("consultationFee", ["DOC003", "DOC001", "DOC002"]),
        ("-consultationFee", ["DOC002", "DOC001", "DOC003"]),
        ("experienceYears", ["DOC001", "DOC002", "DOC003"]),
        ("-experienceYears", ["DOC003", "DOC002", "DOC001"]),
    ],
)
def test_ordering(api: APIClient, ordering: str, expected: list) -> None:
    DoctorFactory(doctor_id="DOC001", rating=4.9, consultation_fee=800, experience_years=3)
    DoctorFactory(doctor_id="DOC002", rating=3.5, consultation_fee=1500, experience_years=10)
    DoctorFactory(doctor_id="DOC003", rating=4.2, consultation_fee=0, experience_years=25)
    assert ids(api.get("/api/v1/doctors", {"ordering": ordering})) == expected


def test_lat_lng_fill_each_clinic_distance_rounded_to_two_places(api: APIClient) -> None:
    located_doctor("DOC001", 28.5921, 77.046)
    clinic = api.get("/api/v1/doctors", CONNAUGHT_PLACE).json()["results"][0]["clinics"][0]
    assert clinic["distanceKm"] == round(haversine_km(28.6315, 77.2167, 28.5921, 77.046), 2)
    assert 17 < clinic["distanceKm"] < 18


def test_stored_distance_is_never_shown_as_if_it_were_the_member_s(api: APIClient) -> None:
    doctor = DoctorFactory()
    doctor.clinics[0].distance_km = 12.67
    doctor.save()
    assert api.get("/api/v1/doctors").json()["results"][0]["clinics"][0]["distanceKm"] is None


def test_ordering_by_distance_uses_the_nearest_clinic_and_puts_unlocated_last(api: APIClient) -> None:
    located_doctor("DOC001", 28.5921, 77.046)  # Dwarka, ~17 km
    located_doctor("DOC002", 28.6280, 77.2200)  # next door
    far, near = (
        ClinicFactory(location=Location(latitude=lat, longitude=lng))
        for lat, lng in ((19.07, 72.87), (28.5167, 77.1598))
    )  # Mumbai; Vasant Kunj ~13 km
    DoctorFactory(doctor_id="DOC003", clinics=[clinic_entry(far), clinic_entry(near)])
    DoctorFactory(doctor_id="DOC004", clinic=ClinicFactory(location=None))
    assert ids(api.get("/api/v1/doctors", {"ordering": "distance", **CONNAUGHT_PLACE})) == [
        "DOC002",
        "DOC003",
        "DOC001",
        "DOC004",
    ]
    page = api.get("/api/v1/doctors", {"ordering": "distance", "page_size": 2, "page": 2, **CONNAUGHT_PLACE})
    assert ids(page) == ["DOC001", "DOC004"]
    assert page.json()["count"] == 4


def test_ordering_by_distance_respects_the_filters(api: APIClient) -> None:
    located_doctor("DOC001", 28.6280, 77.2200, available_online=False)
    located_doctor("DOC002", 28.5921, 77.046)
    assert ids(api.get("/api/v1/doctors", {"ordering": "distance", "type": "ONLINE", **CONNAUGHT_PLACE})) == ["DOC002"]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"ordering": "distance"}, {"ordering": [MSG_DISTANCE_NEEDS_POSITION]}),
        ({"lat": "28.6"}, {"lng": [MSG_LAT_LNG_TOGETHER]}),
        ({"lng": "77.2"}, {"lat": [MSG_LAT_LNG_TOGETHER]}),
    ],
)
def test_position_errors(api: APIClient, params: dict, errors: dict) -> None:
    response = api.get("/api/v1/doctors", params)
    assert (response.status_code, response.json()) == (400, errors)


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "91", "lng": "0"},
        {"lat": "0", "lng": "-181"},
        {"lat": "north", "lng": "0"},
        {"lat": "nan", "lng": "0"},
        {"lat": "0", "lng": "inf"},
        {"ordering": "name"},
        {"type": "HOME"},
    ],
)
def test_invalid_parameters_are_400_field_errors(api: APIClient, params: dict) -> None:
    response = api.get("/api/v1/doctors", params)
    assert response.status_code == 400
    assert set(response.json()) <= set(params)


# --- round trips ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"city": "Delhi (NCR)", "q": "dr", "ordering": "-rating"}, {"ordering": "distance", **CONNAUGHT_PLACE}],
)
def test_round_trips_of_the_doctor_list_do_not_grow_with_the_page_size(api: APIClient, params: dict) -> None:
    clinics = ClinicFactory.create_batch(3)
    for n in range(60):
        DoctorFactory(clinics=[clinic_entry(c) for c in clinics], name=f"Dr. Number {n}")
    api.get("/api/v1/doctors", params)  # once-per-process reads (the geo index probe) out of the count
    counts = {}
    for size, stored in itertools.product((5, 50), ("worked out", "stored")):  # the next free times
        if stored == "worked out":
            next_free_forget_all()
        with count_db_commands() as commands:
            response = api.get("/api/v1/doctors", {"page_size": size, **params})
        assert len(response.json()["results"]) == size
        counts[size, stored] = commands.count
    assert counts[5, "worked out"] == counts[50, "worked out"], counts
    assert counts[5, "stored"] == counts[50, "stored"] < counts[5, "worked out"], counts


# --- clinics ----------------------------------------------------------------------------------------------------


def test_clinics_lists_active_clinics_with_operating_hours(api: APIClient) -> None:
    ClinicFactory(clinic_id="CLINIC001", operating_hours=week_hours(closed=("Sunday",)))
    ClinicFactory(clinic_id="CLINIC002", is_active=False)
    body = api.get("/api/v1/clinics").json()
    assert [c["clinicId"] for c in body["results"]] == ["CLINIC001"]
    hours = body["results"][0]["operatingHours"]
    assert hours["Monday"] == {"open": "08:00", "close": "20:00", "isClosed": False}
    assert hours["Sunday"]["isClosed"] is True


def test_clinics_filter_by_city(api: APIClient) -> None:
    ClinicFactory(clinic_id="CLINIC001", city="Delhi (NCR)")
    ClinicFactory(clinic_id="CLINIC002", city="Mumbai")
    assert [c["clinicId"] for c in api.get("/api/v1/clinics", {"city": "Mumbai"}).json()["results"]] == ["CLINIC002"]


def test_clinic_detail(api: APIClient) -> None:
    clinic = ClinicFactory(clinic_id="CLINIC001", operating_hours=None)
    body = api.get("/api/v1/clinics/CLINIC001").json()
    assert (body["_id"], body["clinicId"], body["operatingHours"]) == (str(clinic.pk), "CLINIC001", None)


@pytest.mark.parametrize("clinic_id", ["CLINIC404", "CLINIC002"])
def test_unknown_or_inactive_clinic_is_404(api: APIClient, clinic_id: str) -> None:
    ClinicFactory(clinic_id="CLINIC002", is_active=False)
    assert api.get(f"/api/v1/clinics/{clinic_id}").status_code == 404


# --- who may look -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/specialties", "/api/v1/doctors", "/api/v1/clinics"])
def test_discovery_needs_a_member(path: str) -> None:
    assert APIClient().get(path).status_code == 401
    assert member_client(StaffFactory(role=Role.OPERATIONS)).get(path).status_code == 403

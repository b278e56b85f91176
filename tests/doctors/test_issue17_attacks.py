"""Issue 17 attacks on doctor search and the list of cities, as a careless or hostile member app, and on doctors'
stored data those read (docs/decisions/0074-issue17-attacks.md). Each test failed before its fix."""

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from clinics.cities import city_display_name, city_key
from clinics.models import Location
from consultations.models import ConsultationStatus
from core import clock
from core.validators import MSG_DATE
from doctors.discovery.selectors import city_names_forget
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.member_api import member_client

pytestmark = pytest.mark.django_db

MONDAY = "2031-01-06"
CP = {"lat": 28.6315, "lng": 77.2167}  # Connaught Place, Delhi


@pytest.fixture(autouse=True)
def _monday_morning(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    instant = datetime.fromisoformat(f"{MONDAY}T07:00").replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(clock, "now", lambda: instant)
    city_names_forget()  # raw writes below bypass the save signal that refreshes the stored names
    yield
    city_names_forget()


@pytest.fixture
def api() -> APIClient:
    return member_client()


def found(api: APIClient, **params: object) -> list[str]:
    response = api.get("/api/v1/doctors", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return [d["doctorId"] for d in response.json()["results"]]


def fullwidth(text: str) -> str:
    """The same characters in their full-width forms (digits and Latin letters, U+FF10 onwards)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def set_raw(doctor_id: str, **fields: object) -> None:
    connection.get_collection("doctors").update_one({"doctorId": doctor_id}, {"$set": fields})


# --- availableOn is ASCII YYYY-MM-DD, as booking takes it -------------------------------------------------------


@pytest.mark.parametrize("day", [fullwidth(MONDAY), "2031-1-6", "2031-01-6", "2031-02-30", "0000-01-01"])
def test_available_on_is_ascii_yyyy_mm_dd_only(api: APIClient, day: str) -> None:
    """strptime took full-width digits and unpadded parts: a doctor was "available" on a date booking refuses."""
    DoctorSlotFactory()
    response = api.get("/api/v1/doctors", {"availableOn": day})
    assert response.status_code == 400
    assert response.json() == {"availableOn": [MSG_DATE]}


# --- city names: a blank name is no city; Unicode look-alikes are the same city ----------------------------------


@pytest.mark.parametrize("stored", ["(NCR)", "()", " ( x ) ", "", "   ", "-"])
def test_a_stored_city_with_no_name_is_not_a_city(api: APIClient, stored: str) -> None:
    """A clinic city that is only a region in brackets (or punctuation) was listed as a city named "", and
    `city=()` found its doctors."""
    DoctorFactory(clinics=[clinic_entry(ClinicFactory(city=stored))])
    delhi = DoctorFactory().doctor_id
    assert api.get("/api/v1/cities").json() == [{"name": "Delhi", "doctorCount": 1}]
    for typed in ("()", "(NCR)", "-", " ( x ) "):
        assert found(api, city=typed) == []
    assert found(api, city="Delhi") == [delhi]


@pytest.mark.parametrize(
    "typed",
    [
        fullwidth("Delhi"),  # a phone keyboard in full-width mode
        "Delhi\u200b",  # a zero-width space pasted with the name
        "\u200dDELHI",  # a zero-width joiner
        "Delhi\u00a0(NCR)",  # a no-break space
        "Ｄｅｌｈｉ (NCR)",  # noqa: RUF001 - full-width letters, on purpose
    ],
)
def test_unicode_look_alikes_of_a_city_find_it(api: APIClient, typed: str) -> None:
    there = DoctorFactory().doctor_id
    DoctorFactory(clinics=[clinic_entry(ClinicFactory(city="Pune"))])
    assert found(api, city=typed) == [there]


def test_city_keys_fold_unicode_compatibility_forms() -> None:
    assert city_key(fullwidth("Bangalore")) == city_key("Bengaluru")
    assert city_key("(NCR)") == city_key("") == ""
    assert city_display_name(fullwidth("Pune")) == "Pune"


# --- doctors' stored data in search -----------------------------------------------------------------------------


def test_a_clinic_location_without_coordinates_is_unlocated(api: APIClient) -> None:
    """`location: {}` loads as a Location of None and None: distances answered 500."""
    odd = DoctorFactory().doctor_id
    set_raw(odd, **{"clinics.0.location": {}})
    near = DoctorFactory(
        clinics=[clinic_entry(ClinicFactory(location=Location(latitude=28.6330, longitude=77.2190)))]
    ).doctor_id
    assert found(api, ordering="distance", **CP) == [near, odd]
    response = api.get("/api/v1/doctors", {"ordering": "distance", **CP})
    (shown,) = [d for d in response.json()["results"] if d["doctorId"] == odd]
    assert shown["clinics"][0]["distanceKm"] is None
    assert api.get(f"/api/v1/doctors/{odd}").status_code == 200


# --- pages never overlap, and the count is the number of results -----------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ordering": "rating"},
        {"ordering": "-consultationFee"},
        {"ordering": "nextAvailable"},
        {"ordering": "distance", **CP},
        {"ordering": "distance", "radiusKm": 100, **CP},
        {"ordering": "nextAvailable", "radiusKm": 100, "availableOn": MONDAY, "q": "Dr", "city": "delhi", **CP},
        {"ordering": "distance", "radiusKm": 100, "availableOn": MONDAY, "q": "care", **CP},
        {"availableOn": MONDAY, "type": "ONLINE", "withNextAvailable": "false"},
    ],
)
def test_pages_never_overlap_and_count_agrees(api: APIClient, params: dict) -> None:
    same_place = ClinicFactory(location=Location(latitude=28.6330, longitude=77.2190))
    for n in range(7):  # ties everywhere: same rating, fee, place and first free time
        clinic = same_place if n % 2 else ClinicFactory()
        DoctorSlotFactory(doctor=DoctorFactory(clinics=[clinic_entry(clinic)]), clinic=clinic)
    everything = found(api, **params)
    assert everything
    pages, page = [], 1
    while True:
        response = api.get("/api/v1/doctors", {**params, "page_size": 2, "page": page})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == len(everything)
        pages += [d["doctorId"] for d in body["results"]]
        if not body["next"]:
            break
        page += 1
    assert pages == everything


# --- the schema -------------------------------------------------------------------------------------------------

UPPER_SNAKE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def _texts(node: object, where: str = "") -> Iterator[tuple[str, str]]:
    """Every description, summary and title anywhere in the schema, nested ones included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary", "title") and isinstance(value, str):
                yield f"{where}.{key}", value
            else:
                yield from _texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _texts(value, f"{where}[{n}]")


def _enum_values(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        yield from (str(v) for v in node.get("enum", []) if v is not None)
        for value in node.values():
            yield from _enum_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _enum_values(value)


def test_public_text_names_no_server_setting() -> None:
    """The contract test looks for lower-case code names only: the cancel operation named the server's
    `DOCTOR_NO_SHOW_MINUTES` setting. Upper-case words with underscores are allowed only as enum values."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    values = set(_enum_values(schema)) | set(ConsultationStatus.values)  # statuses a response carries as text
    leaks = [
        (where, word) for where, text in _texts(schema) for word in UPPER_SNAKE.findall(text) if word not in values
    ]
    assert leaks == []


def test_with_next_available_false_is_honoured_by_every_ordering(api: APIClient) -> None:
    """`ordering=nextAvailable` filled `nextAvailable` even with `withNextAvailable=false`, which the contract
    says leaves it null on every doctor: the order still follows it."""
    late = DoctorSlotFactory(day_of_week="Tuesday").doctor_id
    soon = DoctorSlotFactory(day_of_week="Monday").doctor_id
    response = api.get("/api/v1/doctors", {"ordering": "nextAvailable", "withNextAvailable": "false"})
    assert [d["doctorId"] for d in response.json()["results"]] == [soon, late]
    assert [d["nextAvailable"] for d in response.json()["results"]] == [None, None]


@pytest.mark.parametrize("field", ["city", "q", "specialtyId"])
@pytest.mark.parametrize("blank", ["", " ", "\t", "\u00a0 "])
def test_a_blank_filter_is_no_filter(api: APIClient, field: str, blank: str) -> None:
    """`q=` found everyone but `q=%20` (a search box with a space) was a 400 "This field may not be blank.":
    whitespace is no filter, like nothing."""
    doctor = DoctorFactory().doctor_id
    assert found(api, **{field: blank}) == [doctor]


def test_each_listed_city_finds_as_many_doctors_as_it_counts(api: APIClient) -> None:
    """Whatever the stored spellings, `city=<a listed name>` finds exactly `doctorCount` doctors."""
    spellings = ["Delhi (NCR)", "DELHI", "New Delhi", " delhi ", fullwidth("Delhi"), "Bangalore", "Bengaluru", "Pune"]
    for stored in spellings:
        DoctorFactory(clinics=[clinic_entry(ClinicFactory(city=stored))])
    DoctorFactory(clinics=[clinic_entry(ClinicFactory(city="Delhi")), clinic_entry(ClinicFactory(city="New Delhi"))])
    DoctorFactory(clinics=[clinic_entry(ClinicFactory(city="Pune"))], is_active=False)
    DoctorFactory(clinics=[clinic_entry(ClinicFactory(city="(NCR)"))])
    cities = api.get("/api/v1/cities").json()
    assert cities == [
        {"name": "Delhi", "doctorCount": 6},
        {"name": "Bengaluru", "doctorCount": 2},
        {"name": "Pune", "doctorCount": 1},
    ]
    for city in cities:
        response = api.get("/api/v1/doctors", {"city": city["name"], "page_size": 100})
        assert response.json()["count"] == city["doctorCount"], city


def test_a_doctor_whose_doctor_id_is_not_text_does_not_break_search(api: APIClient) -> None:
    """A doctor stored with `doctorId: 5` (no API path can name it) answered 500 on every search page it was on:
    its id was sorted with the others' text ids. It is listed without a free time; the others keep theirs."""
    odd = DoctorSlotFactory().doctor_id
    good = DoctorSlotFactory().doctor_id
    set_raw(odd, doctorId=5)
    connection.get_collection("doctor_slots").update_many({"doctorId": odd}, {"$set": {"doctorId": 5}})
    for params in ({}, {"ordering": "nextAvailable"}, {"ordering": "distance", **CP}, {"radiusKm": 50, **CP}):
        response = api.get("/api/v1/doctors", params)
        assert response.status_code == 200, params
        by_id = {d["doctorId"]: d["nextAvailable"] for d in response.json()["results"]}
        assert by_id["5"] is None and by_id[good] is not None, params
    assert found(api, availableOn=MONDAY) == [good]

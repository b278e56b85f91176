"""Every query the app runs often is served by an index (explain shows IXSCAN, never COLLSCAN).

The queries checked are the ones the app really sends: each test runs a selector or a request and asks the
server to explain every command it captured (devtools/query_plans.py). docs/decisions/0021 says why the
shapes matter on SecantusDB: flat filters, plain (not partial) indexes for lookups, no top-level `$or`.
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection

from appointments.models import Appointment, AppointmentStatus
from appointments.selectors import (
    appointment_get_for_member,
    next_available,
    places_taken,
    slot_availability,
    slot_availability_range,
    slot_most_places_held,
)
from appointments.services.places import place_holders
from devtools.query_plans import Plan, query_plan, query_plans, seed_query_shapes
from doctors.discovery.selectors import doctor_filter, doctor_get, doctor_order
from doctors.models import ScheduleException
from doctors.schedule.selectors import schedule_exceptions
from tests.appointments.factories import AppointmentFactory
from tests.clinics.factories import ClinicFactory
from tests.doctors.clients import doctor_api_client, doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.member_api import member_client
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# The seed's indexes (OPD_WALLET_HEALTHCARE_SCHEMAS.md, "Indexes"), as key patterns per collection.
SEED_INDEXES = {
    "doctors": [{"doctorId": 1}, {"specialtyId": 1, "isActive": 1}, {"clinics.city": 1}, {"email": 1}],
    "clinics": [{"clinicId": 1}, {"city": 1, "isActive": 1}],
    "doctor_slots": [{"doctorId": 1, "clinicId": 1, "dayOfWeek": 1}, {"isActive": 1}],
    "appointments": [
        {"userId": 1, "status": 1},
        {"appointmentId": 1},
        {"appointmentNumber": 1},
        {"doctorId": 1, "appointmentDate": 1},
    ],
    "doctor_prescriptions": [
        {"prescriptionId": 1},
        {"appointmentId": 1},
        {"doctorId": 1, "uploadDate": -1},
        {"userId": 1, "uploadDate": -1},
    ],
    "video_consultations": [
        {"doctorId": 1, "scheduledStartTime": -1},
        {"patientId": 1, "scheduledStartTime": -1},
        {"status": 1, "scheduledStartTime": -1},
    ],
}
UNIQUE_SEED_INDEXES = {
    "doctors": [{"email": 1}],
    "clinics": [{"clinicId": 1}],
    "doctor_prescriptions": [{"prescriptionId": 1}, {"appointmentId": 1}],
}


def key_patterns(collection: str, *, unique: bool = False) -> list[dict]:
    return [
        dict(index["key"])
        for index in connection.get_collection(collection).list_indexes()
        if not unique or index.get("unique")
    ]


def warm_city_names(settings: Any) -> None:
    """`city` is matched against the stored city names, read by one scan and kept a minute per process
    (doctors/discovery/selectors.py); the searches checked here run with that copy in hand."""
    from doctors.discovery.selectors import _stored_city_names

    settings.CITY_NAMES_CACHE_SECONDS = 60
    _stored_city_names()


def assert_index_scans(plans: list[Plan]) -> None:
    assert plans, "no query was sent"
    scans = [(plan.collection, plan.stage, plan.index, plan.filter) for plan in plans]
    assert all(plan.stage == "IXSCAN" for plan in plans), scans


@pytest.mark.parametrize("collection", sorted(SEED_INDEXES))
def test_the_seeds_indexes_exist_with_their_key_patterns(collection: str) -> None:
    present = key_patterns(collection)
    assert [pattern for pattern in SEED_INDEXES[collection] if pattern not in present] == []


@pytest.mark.parametrize("collection", sorted(UNIQUE_SEED_INDEXES))
def test_the_seeds_unique_indexes_are_unique(collection: str) -> None:
    present = key_patterns(collection, unique=True)
    assert [pattern for pattern in UNIQUE_SEED_INDEXES[collection] if pattern not in present] == []


@pytest.mark.parametrize("shape", seed_query_shapes(), ids=lambda shape: shape.label)
def test_each_seed_query_shape_is_an_index_scan(shape: Any) -> None:
    plan = query_plan(shape.queryset())
    assert plan.stage == "IXSCAN", plan.filter
    assert next(iter(plan.key_pattern)) in plan.filter, (plan.index, plan.filter)


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"specialty_id": "SPEC001", "city": "Mumbai"}, "doctors_specialty_city_active"),
        ({"city": "Mumbai"}, "doctors_city_active"),
        ({"specialty_id": "SPEC001"}, "doctors_specialty_active"),
    ],
)
def test_doctor_search_is_an_index_scan(filters: dict, index: str, settings: Any) -> None:
    warm_city_names(settings)
    plans = query_plans(lambda: list(doctor_order(doctor_filter(**filters), ordering=None)[:20]))
    assert [(plan.stage, plan.index) for plan in plans] == [("IXSCAN", index)]


def test_a_doctor_is_found_by_doctor_id_through_an_index() -> None:
    doctor = DoctorFactory()
    assert_index_scans(query_plans(lambda: doctor_get(doctor_id=doctor.doctor_id)))


def test_availability_reads_only_through_indexes() -> None:
    slot = DoctorSlotFactory()
    day = date(2031, 1, 6)  # a Monday, like the factory's slot
    plans = query_plans(lambda: slot_availability(doctor=slot.doctor, date=day))
    assert [plan.collection for plan in plans] == [
        "doctor_schedule_exceptions",
        "doctor_slots",
        "clinics",
        "appointments",
    ]
    assert_index_scans(plans)


def test_schedule_exceptions_of_a_doctor_are_read_through_an_index() -> None:
    doctor = DoctorFactory()
    ScheduleException.objects.create(
        doctor=doctor,
        kind="TIME_OFF",
        start_date="2031-01-07",
        end_date="2031-01-09",
        reason="Conference",
        created_by_role="DOCTOR",
        created_by_id=doctor.doctor_id,
    )
    plans = query_plans(
        lambda: schedule_exceptions(doctor_ids=[doctor.doctor_id], start=date(2031, 1, 6), end=date(2031, 1, 12))
    )
    assert [(plan.stage, plan.index) for plan in plans] == [("IXSCAN", "schedule_exc_doctor_dates")]


def test_the_places_taken_on_a_day_are_read_through_an_index() -> None:
    AppointmentFactory(doctor__doctor_id="DOC001", appointment_date="2031-01-06")
    plans = query_plans(lambda: places_taken(doctor_id="DOC001", appointment_date="2031-01-06"))
    assert [(plan.stage, plan.index) for plan in plans] == [("IXSCAN", "appointments_doctor_date")]


def test_the_holders_of_one_time_are_read_through_an_index() -> None:
    plans = query_plans(lambda: place_holders(doctor_id="DOC001", appointment_date="2031-01-06", time_slot="09:00 AM"))
    assert_index_scans(plans)


def test_the_places_held_in_a_slot_are_read_through_an_index() -> None:
    slot = DoctorSlotFactory()
    plans = query_plans(lambda: slot_most_places_held(slot))
    assert_index_scans(plans)


def test_doctor_list_and_availability_requests_use_only_indexes(settings: Any) -> None:
    clinic = ClinicFactory(city="Mumbai")
    doctor = DoctorFactory(clinics=[clinic_entry(clinic)])
    warm_city_names(settings)
    DoctorSlotFactory(doctor=doctor, clinic=clinic)
    api = member_client()
    requests: list[Callable[[], Any]] = [
        lambda: api.get("/api/v1/doctors", {"specialtyId": doctor.specialty_id, "city": "Mumbai"}),
        lambda: api.get("/api/v1/doctors", {"city": "Mumbai", "lat": 19.07, "lng": 72.88, "ordering": "distance"}),
        lambda: api.get(f"/api/v1/doctors/{doctor.doctor_id}"),
        lambda: api.get(f"/api/v1/doctors/{doctor.doctor_id}/availability", {"date": "2031-01-06"}),
    ]
    for request in requests:
        assert_index_scans(query_plans(request))


def test_an_appointment_is_looked_up_by_its_key_first() -> None:
    """`first_by_key`: the key leads the filter, since SecantusDB walks the index of the first indexed clause
    (its explain reports such a filter with a residual as COLLSCAN); the key alone is an index scan."""
    appointment = AppointmentFactory()
    for reference, key in ((str(appointment.pk), "_id"), (appointment.appointment_id, "appointmentId")):
        found: list = []
        plans = query_plans(
            lambda ref=reference, into=found: into.append(
                appointment_get_for_member(user=appointment.user, appointment_id=ref)
            )
        )
        assert found == [appointment]
        assert next(iter(plans[0].filter)) == key
        key_alone = query_plan(Appointment.objects.filter(**{"pk" if key == "_id" else "appointment_id": reference}))
        assert key_alone.stage == "IXSCAN"


def test_the_portal_dashboard_and_doctor_api_read_only_through_indexes() -> None:
    doctor = DoctorFactory()
    today = date.today()  # noqa: DTZ011 - any day: the plan does not depend on it
    for offset in range(3):
        AppointmentFactory(
            doctor=doctor,
            appointment_date=(today + timedelta(days=offset)).isoformat(),
            status=AppointmentStatus.CONFIRMED,
        )
    portal, api = doctor_portal_client(doctor), doctor_api_client(doctor)
    assert_index_scans(query_plans(lambda: portal.get("/portal/")))
    assert_index_scans(query_plans(lambda: api.get("/api/v1/doctor/appointments", {"date": today.isoformat()})))


def test_a_member_signs_in_through_the_email_index() -> None:
    member = UserFactory()
    client = member_client(member)
    credentials = {"email": member.email, "password": DEFAULT_PASSWORD}
    plans = query_plans(lambda: client.post("/api/v1/auth/token", credentials))
    assert [plan.index for plan in plans if plan.collection == "users"][:1] == ["users_email"]


def test_a_month_of_one_doctor_reads_only_through_indexes() -> None:
    slot = DoctorSlotFactory()
    plans = query_plans(
        lambda: slot_availability_range(doctors=[slot.doctor], start=date(2031, 1, 6), end=date(2031, 2, 5))
    )
    assert [plan.collection for plan in plans] == [
        "doctor_schedule_exceptions",
        "doctor_slots",
        "clinics",
        "appointments",
    ]
    assert_index_scans(plans)


def test_next_available_of_a_page_leads_every_read_with_the_doctors() -> None:
    """Several doctors: every read but the clinics' leads with `doctorId: {$in: [...]}`. SecantusDB's explain
    calls a `$in` with a residual clause COLLSCAN, yet runs it through the index (mongo/README.md, measured:
    20 doctors' places over a week of 40,000 appointments in about 40 ms, a real scan over a second); MongoDB
    plans it on the {doctorId, appointmentDate} index."""
    slots = [DoctorSlotFactory() for _ in range(3)]
    plans = query_plans(lambda: next_available(doctors=[slot.doctor for slot in slots]))
    assert [plan.collection for plan in plans] == [
        "doctor_schedule_exceptions",
        "doctor_slots",
        "clinics",
        "appointments",
    ]
    for plan in plans:
        leading = next(iter(plan.filter))
        assert (leading, plan.filter[leading].keys() >= {"$in"}) in {("doctorId", True), ("clinicId", True)}, plan
    assert [plan.stage for plan in plans if plan.collection == "doctor_slots"] == ["IXSCAN"]


def test_a_doctors_upcoming_time_off_and_the_appointments_it_covers_are_read_through_indexes() -> None:
    from appointments.services.time_off import time_off_affected
    from doctors.schedule.selectors import schedule_exception_list

    doctor = DoctorFactory()
    time_off = ScheduleException(doctor=doctor, kind="TIME_OFF", start_date="2031-01-07", end_date="2031-01-09")
    assert_index_scans(query_plans(lambda: list(schedule_exception_list(doctor=doctor, kind="TIME_OFF"))))
    assert_index_scans(query_plans(lambda: time_off_affected(time_off=time_off)))

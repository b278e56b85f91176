"""`load_demo_data` and `demo_banner`: the seed samples plus generated data, idempotent, valid, and usable."""

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from appointments.models import Appointment
from clinics.models import Clinic
from consultations.models import VideoConsultation
from core.validators import minutes_of_day
from demo import catalog
from demo.generate import SEED_DOCTOR_SCHEDULE
from demo.management.commands.load_demo_data import MSG_NOT_IN_PRODUCTION
from doctors.models import Doctor, DoctorSlot, Specialty
from prescriptions.models import Prescription
from users.models import Role, User

pytestmark = pytest.mark.django_db

DOCTORS = 12
COLLECTIONS = (
    "specialty_master",
    "users",
    "clinics",
    "doctors",
    "doctor_slots",
    "appointments",
    "doctor_prescriptions",
    "video_consultations",
)


def _load(**options: object) -> str:
    out = StringIO()
    call_command("load_demo_data", doctors=DOCTORS, force=True, stdout=out, **options)
    return out.getvalue()


def _snapshot() -> dict[str, list[dict]]:
    return {name: list(connection.get_collection(name).find({}).sort("_id")) for name in COLLECTIONS}


@pytest.fixture
def loaded() -> str:
    return _load()


def test_it_loads_the_seed_samples_and_the_generated_data(loaded: str) -> None:
    assert Doctor.objects.count() == 2 + DOCTORS
    assert Specialty.objects.count() == len(catalog.SPECIALTIES)
    assert Clinic.objects.count() == 2 + len(catalog.CITIES)  # at least one clinic per city
    assert User.objects.filter(role=Role.MEMBER).count() == 3 + 20
    assert set(User.objects.exclude(role=Role.MEMBER).values_list("email", "role")) == {
        ("admin@example.com", Role.ADMIN),
        ("ops@example.com", Role.OPERATIONS),
    }
    seed_schedule = sum(len(days) for _, _, days, *_ in SEED_DOCTOR_SCHEDULE)
    assert DoctorSlot.objects.filter(doctor_id__in=["DOC001", "DOC003"]).count() == 1 + seed_schedule
    assert DoctorSlot.objects.exclude(doctor_id__in=["DOC001", "DOC003"]).count() > DOCTORS
    assert Appointment.objects.count() >= 4 + 25
    assert Prescription.objects.count() == 2
    assert VideoConsultation.objects.count() == 1
    assert "doctors                     14 inserted       0 skipped" in loaded


def test_loading_twice_changes_nothing(loaded: str) -> None:
    before = _snapshot()
    again = _load()
    assert _snapshot() == before
    assert " 0 inserted" in again
    assert all(" 0 inserted" in line for line in again.splitlines() if "inserted" in line)


def test_more_doctors_later_adds_them_without_touching_the_first_ones(loaded: str) -> None:
    first = {doc["_id"]: doc for doc in connection.get_collection("doctors").find({})}
    first_slots = {doc["_id"] for doc in connection.get_collection("doctor_slots").find({})}
    call_command("load_demo_data", doctors=DOCTORS + 10, force=True, stdout=StringIO())
    now = {doc["_id"]: doc for doc in connection.get_collection("doctors").find({})}
    assert len(now) == len(first) + 10
    assert all(now[pk] == doc for pk, doc in first.items())
    slots_of_first = {
        doc["_id"]
        for doc in connection.get_collection("doctor_slots").find(
            {"doctorId": {"$in": [doc["doctorId"] for doc in first.values()]}}
        )
    }
    assert slots_of_first == first_slots  # a doctor's weekly slots do not depend on how many are generated


def test_every_loaded_document_passes_the_models_validation(loaded: str) -> None:
    for model in (Specialty, User, Clinic, Doctor, DoctorSlot, Appointment, Prescription, VideoConsultation):
        for obj in model.objects.all():
            obj.full_clean()


def test_weekly_slots_never_overlap_and_sit_inside_clinic_hours(loaded: str) -> None:
    hours = {clinic.clinic_id: clinic.operating_hours for clinic in Clinic.objects.all()}
    by_day: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for slot in DoctorSlot.objects.all():
        start, end = minutes_of_day(slot.start_time), minutes_of_day(slot.end_time)
        day = hours[slot.clinic_id].for_day(slot.day_of_week)
        assert not day.is_closed, slot
        assert minutes_of_day(day.open) <= start < end <= minutes_of_day(day.close), slot
        assert Doctor.objects.get(doctor_id=slot.doctor_id).clinic(slot.clinic_id) is not None, slot
        by_day.setdefault((slot.doctor_id, slot.day_of_week), []).append((start, end))
    for windows in by_day.values():
        windows.sort()
        assert all(earlier[1] <= later[0] for earlier, later in pairwise(windows)), windows


def test_upcoming_demo_bookings_hold_their_places(loaded: str) -> None:
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    upcoming = Appointment.objects.filter(appointment_date__gte=today, status__in=["PENDING_CONFIRMATION", "CONFIRMED"])
    assert upcoming.count() > 0
    # Places are counted from the appointments (appointments/services/places.py): no time holds more live
    # demo bookings than its slot's maxPatients, and availability leaves a full time out.
    held: dict[tuple[str, str, str], int] = {}
    for appointment in upcoming:
        key = (appointment.doctor_id, appointment.appointment_date, appointment.time_slot)
        held[key] = held.get(key, 0) + 1
    capacity = {slot.pk: slot.max_patients for slot in DoctorSlot.objects.all()}
    for appointment in upcoming:
        key = (appointment.doctor_id, appointment.appointment_date, appointment.time_slot)
        assert held[key] <= capacity.get(appointment.slot_id, 1), key
    assert upcoming.filter(doctor_id="DOC001", user__email="member@example.com").exists()


def test_the_demo_logins_work(loaded: str) -> None:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token", {"email": "member@example.com", "password": catalog.DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert client.get("/api/v1/me").json()["memberId"] == "USR001"
    for email in ("dr.vikas@example.com", "dr.priya@example.com"):
        assert Doctor.objects.get(email=email).check_password(catalog.DEMO_PASSWORD)
    for email in ("admin@example.com", "ops@example.com"):
        staff = User.objects.get(email=email)
        assert staff.is_staff and staff.check_password(catalog.DEMO_PASSWORD)


def test_the_seed_prescriptions_have_files_to_download(loaded: str) -> None:
    client = APIClient()
    tokens = client.post(
        "/api/v1/auth/token", {"email": "member@example.com", "password": catalog.DEMO_PASSWORD}, format="json"
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    response = client.get("/api/v1/prescriptions/PRESC002/file")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_it_refuses_to_run_with_debug_off_unless_forced() -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError) as refused:
        call_command("load_demo_data", doctors=1, stdout=StringIO())
    assert str(refused.value) == MSG_NOT_IN_PRODUCTION
    assert not Doctor.objects.exists()


@pytest.mark.django_db(False)
def test_the_banner_prints_the_urls_and_demo_logins() -> None:
    out = StringIO()
    call_command("demo_banner", url="http://127.0.0.1:8123/", stdout=out)
    text = out.getvalue()
    for path in ("/auth/doctor/login", "/admin/", "/api/docs/", "/healthz"):
        assert f"http://127.0.0.1:8123{path}" in text
    for login in catalog.DEMO_LOGINS:
        assert login.email in text
    assert catalog.DEMO_PASSWORD in text

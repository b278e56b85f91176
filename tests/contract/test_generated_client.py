"""The schema as a contract: a Python client generated from /api/schema/ by openapi-python-client (pinned in
requirements-dev.txt; it runs offline) drives a whole member journey against the live server.

Sign in, search, a month of availability, book, list, cancel, join a video call, download a prescription —
all through the generated client, so any schema that lies about a path, a parameter or a body fails here.
"""

import importlib
import json
import subprocess
import sys
import urllib.request
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from appointments.models import Appointment
from consultations.models import EndedBy, VideoConsultation
from consultations.services import consultation_end, consultation_join, consultation_start
from core import clock
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.prescriptions.factories import PrescriptionFactory
from tests.prescriptions.sample_files import pdf_bytes
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# The prescription file's types are binary to the generator (it knows application/octet-stream by name).
CONFIG = {
    "post_hooks": [],
    "content_type_overrides": {
        kind: "application/octet-stream" for kind in ("application/pdf", "image/png", "image/jpeg")
    },
}
PACKAGE = "opd_wallet_client"
MONDAY = date(2031, 1, 6)


def freeze(monkeypatch: pytest.MonkeyPatch, day: date, hhmm: str) -> None:
    """The live server runs in this process, so it reads this clock too."""
    instant = datetime.fromisoformat(f"{day.isoformat()}T{hhmm}").replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(clock, "now", lambda: instant)


def generate(schema: dict, into: Path) -> tuple[ModuleType, str]:
    """Generate the client package under `into` and import it; returns it and the generator's output."""
    (into / "schema.json").write_text(json.dumps(schema))
    (into / "config.json").write_text(json.dumps(CONFIG))
    done = subprocess.run(  # noqa: S603 - fixed argv
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(into / "schema.json"),
            "--output-path",
            str(into / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(into / "config.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    sys.path.insert(0, str(into))
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]
    return importlib.import_module(PACKAGE), output


def operations(schema: dict) -> set[str]:
    return {op["operationId"] for item in schema["paths"].values() for op in item.values() if "operationId" in op}


def call(module: str, **kwargs: Any) -> Any:
    """`sync_detailed` of one generated operation module; asserts a 2xx and returns the parsed body."""
    operation = importlib.import_module(f"{PACKAGE}.api.{module}")
    response = operation.sync_detailed(**kwargs)
    assert 200 <= response.status_code < 300, (module, response.status_code, response.content[:500])
    return response.parsed


@pytest.fixture
def schema(live_server: Any) -> dict:
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:  # noqa: S310 - our server
        return json.load(answer)


def test_the_generator_drops_no_operation(schema: dict, tmp_path: Path) -> None:
    _client, output = generate(schema, tmp_path)
    assert "Endpoint will not be generated" not in output, output
    assert "WARNING" not in output, output
    generated = {
        path.stem
        for path in (tmp_path / PACKAGE / "api").rglob("*.py")
        if path.stem != "__init__" and (path.parent.name != "api")
    }
    assert generated == operations(schema)


def test_a_member_journey_through_the_generated_client(
    schema: dict, live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, MONDAY, "07:00")
    clinic = ClinicFactory(name="Lotus Skin Clinic", city="Bengaluru")
    doctor = DoctorFactory(clinics=[clinic_entry(clinic)], name="Dr. Asha Rao")
    DoctorSlotFactory(doctor=doctor, clinic=clinic, day_of_week="Monday", start_time="09:00", end_time="10:00")
    DoctorSlotFactory(doctor=doctor, clinic=clinic, day_of_week="Wednesday", start_time="15:00", end_time="16:00")
    member = UserFactory(email="journey@example.com")
    pkg, _ = generate(schema, tmp_path)
    models = importlib.import_module(f"{PACKAGE}.models")
    anonymous = pkg.Client(base_url=live_server.url)

    # Sign in.
    tokens = call(
        "member.api_v1_auth_token_create",
        client=anonymous,
        body=models.MemberLoginRequest(email=member.email, password=DEFAULT_PASSWORD),
    )
    api = pkg.AuthenticatedClient(base_url=live_server.url, token=tokens.access)

    # Search: an old city name and a word of the clinic's name find the doctor, with the next free time.
    cities = call("discovery.api_v1_cities_list", client=api)
    assert [(c.name, c.doctor_count) for c in cities] == [("Bengaluru", 1)]
    page = call("discovery.api_v1_doctors_list", client=api, city="bangalore", q="lotus")
    (found,) = page.results
    assert found.doctor_id == doctor.doctor_id
    assert (found.next_available.date, found.next_available.time_slot) == (MONDAY, "09:00 AM")

    # A month of availability in one call.
    month = call(
        "booking.api_v1_doctors_availability_retrieve",
        doctor_id=doctor.doctor_id,
        client=api,
        from_=MONDAY,
        to=date(2031, 2, 5),
    )
    assert len(month.days) == 31
    free = {day.date: [t.time_slot for t in day.slots] for day in month.days if day.slots}
    assert free[MONDAY] == ["09:00 AM", "09:30 AM"]
    assert free[date(2031, 1, 8)] == ["03:00 PM", "03:30 PM"]

    # Book two times: an online one for today and one at the clinic on Wednesday.
    def book(**fields: Any) -> Any:
        body = models.AppointmentBookRequest(doctor_id=doctor.doctor_id, **fields)
        return call("booking.api_v1_appointments_create", client=api, body=body)

    online = book(
        appointment_type=models.AppointmentTypeEnum.ONLINE,
        appointment_date=MONDAY.isoformat(),
        time_slot="09:00 AM",
        contact_number="+919876543210",
        call_preference=models.CallPreferenceEnum.VIDEO,
    )
    visit = book(
        appointment_type=models.AppointmentTypeEnum.IN_CLINIC,
        appointment_date="2031-01-08",
        time_slot="03:00 PM",
        clinic_id=clinic.clinic_id,
    )

    # List: both upcoming, the online one with no call yet.
    upcoming = call("booking.api_v1_appointments_list", client=api, when=models.ApiV1AppointmentsListWhen.UPCOMING)
    assert [a.appointment_id for a in upcoming.results] == [online.appointment_id, visit.appointment_id]
    assert (upcoming.results[0].consultation_id, upcoming.results[0].video_room_open) == (None, False)

    # Cancel the clinic visit.
    cancelled = call("booking.api_v1_appointments_cancel_create", appointment_id=visit.appointment_id, client=api)
    assert cancelled.status.value == "CANCELLED"

    # The doctor opens the room near the time; the list shows it, and the member joins through the client.
    freeze(monkeypatch, MONDAY, "08:58")
    consultation, _ = consultation_start(doctor=doctor, appointment=Appointment.objects.get(pk=online.field_id))
    upcoming = call("booking.api_v1_appointments_list", client=api, when=models.ApiV1AppointmentsListWhen.UPCOMING)
    (shown,) = upcoming.results
    assert (shown.consultation_id, shown.video_room_open) == (consultation.consultation_id, True)
    joined = call("member.api_v1_consultations_join_create", consultation_id=shown.consultation_id, client=api)
    assert joined.room_url.startswith("https://")

    # After the call the doctor writes a prescription; the member downloads it.
    freeze(monkeypatch, MONDAY, "09:05")
    consultation_join(consultation=consultation, participant=EndedBy.DOCTOR)
    consultation_end(consultation=VideoConsultation.objects.get(pk=consultation.pk), ended_by=EndedBy.DOCTOR)
    prescription = PrescriptionFactory(appointment=Appointment.objects.get(pk=online.field_id))
    default_storage.save(prescription.file_path, ContentFile(pdf_bytes()))
    mine = call("member.api_v1_prescriptions_list", client=api)
    assert [p.prescription_id for p in mine.results] == [prescription.prescription_id]
    file = call("member.api_v1_prescriptions_file_retrieve", prescription_id=prescription.prescription_id, client=api)
    assert file.payload.read().startswith(b"%PDF")

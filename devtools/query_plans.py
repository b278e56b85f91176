"""Which plan the database picks for the queries the app sends: the seed's query shapes, as the ORM words them.

`query_plan(queryset)` runs the queryset once, captures the command the ORM sent and asks the server to
`explain` that very command, so what is checked is the app's real filter, not a hand-written copy of it.
Used by tests/core/test_query_plans.py (IXSCAN, kept so) and by `make bench` (the plans table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from django.db import connection
from django.db.models import QuerySet

from devtools.db_commands import count_db_commands

SCAN_STAGES = ("IXSCAN", "COLLSCAN", "EXPRESS_IXSCAN", "IDHACK")


@dataclass(frozen=True)
class Plan:
    collection: str
    stage: str  # IXSCAN or COLLSCAN
    index: str | None
    filter: dict
    key_pattern: dict | None = None


@dataclass(frozen=True)
class Shape:
    label: str
    queryset: Callable[[], QuerySet]
    index: str  # the seed's index for it (the planner may prefer another one on the same leading field)


def _scan_node(node: Any) -> dict | None:
    """The first IXSCAN/COLLSCAN node of an explain answer, wherever the server nests it."""
    if isinstance(node, dict):
        if node.get("stage") in SCAN_STAGES:
            return node
        children = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _scan_node(child)
        if found is not None:
            return found
    return None


def explain(command: Mapping[str, Any]) -> Plan:
    """The winning plan of a captured `find` or `aggregate` command."""
    name = next(iter(command))
    if name == "aggregate":
        inner = {"aggregate": command["aggregate"], "pipeline": command["pipeline"], "cursor": {}}
        pipeline = command["pipeline"]
        match = pipeline[0].get("$match", {}) if pipeline else {}
    elif name == "find":
        inner = {key: command[key] for key in ("find", "filter", "sort", "skip", "limit") if key in command}
        match = command.get("filter", {})
    else:
        raise ValueError(f"cannot explain {name}")
    database = connection.database  # type: ignore[attr-defined]  # the MongoDB backend's pymongo Database
    answer = database.command({"explain": inner, "verbosity": "queryPlanner"})
    scan = _scan_node(answer.get("queryPlanner") or answer.get("stages") or answer) or {}
    return Plan(
        collection=command[name],
        stage=scan.get("stage", "?"),
        index=scan.get("indexName"),
        filter=match,
        key_pattern=dict(scan["keyPattern"]) if scan.get("keyPattern") else None,
    )


def query_plans(call: Callable[[], Any]) -> list[Plan]:
    """Run `call` (a selector, a request through the test client) and explain every query it sent."""
    with count_db_commands() as sent:
        call()
    return [explain(command) for name, command in sent.sent if name in ("aggregate", "find")]


def query_plan(queryset: QuerySet) -> Plan:
    """Run `queryset` and explain the (first) query it sent."""
    plans = query_plans(lambda: list(queryset))
    if not plans:
        raise ValueError(f"{queryset!r} sent no query")
    return plans[0]


def seed_query_shapes() -> list[Shape]:
    """The seed's indexed query shapes (OPD_WALLET_HEALTHCARE_SCHEMAS.md, "Indexes"), through the ORM."""
    from appointments.models import Appointment
    from clinics.models import Clinic
    from consultations.models import VideoConsultation
    from doctors.models import Doctor, DoctorSlot
    from prescriptions.models import Prescription

    someone = ObjectId("674d8e123abc456789012345")
    return [
        Shape(
            "doctors by specialty, active",
            lambda: Doctor.objects.filter(specialty_id="SPEC001", is_active=True),
            "doctors_specialty_active",
        ),
        Shape("doctors by clinic city", lambda: Doctor.objects.filter(clinics__city="Mumbai"), "doctors_clinics_city"),
        Shape(
            "clinics by city, active",
            lambda: Clinic.objects.filter(city="Mumbai", is_active=True),
            "clinics_city_active",
        ),
        Shape(
            "weekly slots by doctor, clinic, day",
            lambda: DoctorSlot.objects.filter(doctor_id="DOC001", clinic_id="CLINIC001", day_of_week="Monday"),
            "slots_doctor_clinic_day",
        ),
        Shape(
            "appointments by doctor and date",
            lambda: Appointment.objects.filter(doctor_id="DOC001", appointment_date="2025-10-01"),
            "appointments_doctor_date",
        ),
        Shape(
            "appointments by user and status",
            lambda: Appointment.objects.filter(user_id=someone, status="CONFIRMED"),
            "appointments_user_status",
        ),
        Shape(
            "prescriptions by doctor, newest first",
            lambda: Prescription.objects.filter(doctor_id="DOC001").order_by("-upload_date"),
            "prescriptions_doctor_date",
        ),
        Shape(
            "prescriptions by user, newest first",
            lambda: Prescription.objects.filter(user_id=someone).order_by("-upload_date"),
            "prescriptions_user_date",
        ),
        Shape(
            "consultations by doctor, by time",
            lambda: VideoConsultation.objects.filter(doctor_id=someone).order_by("-scheduled_start_time"),
            "consultations_doctor_time",
        ),
        Shape(
            "consultations by patient, by time",
            lambda: VideoConsultation.objects.filter(patient_id=someone).order_by("-scheduled_start_time"),
            "consultations_patient_time",
        ),
        Shape(
            "consultations by status, by time",
            lambda: VideoConsultation.objects.filter(status="SCHEDULED").order_by("-scheduled_start_time"),
            "consultations_status_time",
        ),
    ]

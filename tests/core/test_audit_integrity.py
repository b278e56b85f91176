"""`manage.py audit_integrity`: each invariant broken by a raw pymongo write is found (exit code 1), `--repair`
fixes the safe ones and a second run is clean; the test world audits clean (core/integrity.py, <app>/integrity.py).
"""

import json
import os
import time
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from bson import ObjectId
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from pymongo.errors import DuplicateKeyError

from appointments.integrity import (
    NOTE_NO_SLOT,
    PROBLEM_CANCELLED_NUMBERED,
    PROBLEM_MEMBER_TWICE,
    PROBLEM_NUMBER_OUT_OF_RANGE,
    PROBLEM_OVER_CAPACITY,
    PROBLEM_PLACE_TWICE,
    PROBLEM_UNNUMBERED,
)
from appointments.models import AppointmentStatus
from consultations.integrity import PROBLEM_OPEN_ROOM_CANCELLED, PROBLEM_TWO_OPEN_ROOMS
from core import clock
from core.integrity import AuditReport, integrity_audit
from core.validators import DAYS_OF_WEEK
from mongo.raw import collection
from prescriptions.files import storage
from prescriptions.integrity import (
    PROBLEM_FILE_MISSING,
    PROBLEM_HAS_PRESCRIPTION,
    PROBLEM_HAS_PRESCRIPTION_RECENT,
    PROBLEM_ORPHAN_FILE,
    PROBLEM_ORPHAN_FILE_FRESH,
    PROBLEM_TWO_PRESCRIPTIONS,
)
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorSlotFactory
from tests.prescriptions.factories import PrescriptionFactory
from tests.world import PDF_BYTES, build_world

pytestmark = pytest.mark.django_db

TIME = "10:00 AM"


def _day(offset: int = 3) -> str:
    return (clock.local_today() + timedelta(days=offset)).isoformat()


def _weekday(day: str) -> str:
    return DAYS_OF_WEEK[date.fromisoformat(day).weekday()]


def _slot(doctor: Any = None, *, day: str, max_patients: int = 1) -> Any:
    kwargs = {"doctor": doctor} if doctor is not None else {}
    return DoctorSlotFactory(day_of_week=_weekday(day), max_patients=max_patients, **kwargs)


def _set(appointment: Any, **fields: Any) -> None:
    collection("appointments").update_one({"_id": appointment.pk}, {"$set": fields})


def _audit(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_integrity", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def _problems(report: AuditReport) -> set[str]:
    return {finding.problem for _, finding in report.problems}


def _number_everything() -> None:
    """What --repair does for the factories' un-numbered appointments, so a test sees only its own breakage."""
    integrity_audit(repair=True, only=["appointments.places"])


# --- a clean world ----------------------------------------------------------------------------------------------


def test_the_test_world_audits_clean_once_its_appointments_are_numbered() -> None:
    build_world()
    assert _problems(integrity_audit()) <= {PROBLEM_UNNUMBERED}  # the factories write un-numbered (legacy) holders
    code, out = _audit("--repair")
    assert code == 0, out
    code, out = _audit()
    assert code == 0, out
    assert "Integrity audit: clean" in out
    places = collection("appointments").find({"status": {"$ne": "CANCELLED"}, "appointmentDate": {"$gte": _day(0)}})
    assert all(1 <= document["placeNumber"] <= 3 for document in places)


def test_an_empty_database_audits_clean_and_json_says_so() -> None:
    code, out = _audit("--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert {check["check"] for check in report["checks"]} >= {
        "appointments.capacity",
        "appointments.places",
        "appointments.one_per_member_time",
        "consultations.open_rooms",
        "prescriptions.one_per_appointment",
        "prescriptions.orphan_files",
        "prescriptions.has_prescription",
    }


# --- appointments -----------------------------------------------------------------------------------------------


def test_more_live_appointments_than_max_patients_is_found_and_not_repaired() -> None:
    day = _day()
    slot = _slot(day=day, max_patients=1)
    first = AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot=TIME)
    AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot=TIME)
    _set(first, placeNumber=1)

    code, out = _audit("--repair")
    assert code == 1
    assert PROBLEM_OVER_CAPACITY in out
    assert PROBLEM_OVER_CAPACITY in _problems(integrity_audit())


def test_capacity_is_the_slot_availability_offers_not_an_overlapping_bigger_one() -> None:
    day = _day()
    offered = _slot(day=day, max_patients=1)  # 09:00 at the doctor's first clinic, earlier in availability's order
    DoctorSlotFactory(
        doctor=offered.doctor, day_of_week=_weekday(day), start_time="10:00", end_time="12:00", max_patients=4
    )
    for _ in range(2):
        AppointmentFactory(doctor=offered.doctor, appointment_date=day, time_slot=TIME)
    report = integrity_audit()
    (finding,) = [f for _, f in report.problems if f.problem == PROBLEM_OVER_CAPACITY]
    assert finding.ids["maxPatients"] == 1


def test_a_time_no_slot_offers_is_a_note_not_a_problem() -> None:
    AppointmentFactory(appointment_date=_day(), time_slot=TIME)  # the doctor has no weekly slot at all
    code, out = _audit()
    assert code == 0, out
    assert f"NOTE appointments.capacity: {NOTE_NO_SLOT}" in out


def test_an_unnumbered_holder_is_numbered_by_repair() -> None:
    day = _day()
    slot = _slot(day=day, max_patients=3)
    taken = AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot=TIME)
    legacy = AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot=TIME)
    _set(taken, placeNumber=1)

    code, out = _audit()
    assert code == 1
    assert f"REPAIRABLE appointments.places: {PROBLEM_UNNUMBERED}" in out and str(legacy.pk) in out
    code, out = _audit("--repair")
    assert code == 0, out
    assert f"REPAIRED appointments.places: {PROBLEM_UNNUMBERED}" in out
    assert collection("appointments").find_one({"_id": legacy.pk})["placeNumber"] == 2
    assert _audit()[0] == 0


def test_a_cancelled_appointment_holding_a_place_number_gives_it_back_on_repair() -> None:
    day = _day()
    slot = _slot(day=day, max_patients=2)
    cancelled = AppointmentFactory(
        doctor=slot.doctor, appointment_date=day, time_slot=TIME, status=AppointmentStatus.CANCELLED
    )
    _set(cancelled, placeNumber=1)

    assert PROBLEM_CANCELLED_NUMBERED in _problems(integrity_audit())
    code, _ = _audit("--repair")
    assert code == 0
    assert "placeNumber" not in collection("appointments").find_one({"_id": cancelled.pk})
    assert _audit()[0] == 0


def test_a_place_number_out_of_range_is_found() -> None:
    day = _day()
    slot = _slot(day=day, max_patients=2)
    appointment = AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot=TIME)
    _set(appointment, placeNumber=3)
    code, out = _audit("--repair")
    assert code == 1
    assert PROBLEM_NUMBER_OUT_OF_RANGE in out


def test_one_place_held_twice_is_found_unless_the_database_refuses_it() -> None:
    day = _day()
    slot = _slot(day=day, max_patients=2)
    first = AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot=TIME)
    second = AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot=TIME)
    _set(first, placeNumber=1)
    try:
        _set(second, placeNumber=1)
    except DuplicateKeyError:  # the unique place index (docs/booking.md) refuses it: only the un-numbered
        assert _audit("--repair")[0] == 0  # second holder is left, and the repair numbers it
        return
    assert PROBLEM_PLACE_TWICE in _problems(integrity_audit(repair=True))


def test_a_member_holding_two_live_appointments_at_one_time_is_found() -> None:
    day = _day()
    slot = _slot(day=day, max_patients=3)
    first = AppointmentFactory(doctor=slot.doctor, appointment_date=day, time_slot=TIME)
    AppointmentFactory(doctor=slot.doctor, user=first.user, appointment_date=day, time_slot=TIME)
    code, out = _audit("--repair")
    assert code == 1
    assert PROBLEM_MEMBER_TWICE in out and str(first.user_id) in out


def test_past_dates_are_audited_only_when_asked() -> None:
    past = _day(-7)
    slot = _slot(day=past, max_patients=1)
    for _ in range(2):
        AppointmentFactory(doctor=slot.doctor, appointment_date=past, time_slot=TIME)
    assert _audit()[0] == 0
    code, out = _audit("--since", past)
    assert code == 1
    assert PROBLEM_OVER_CAPACITY in out


# --- consultations ----------------------------------------------------------------------------------------------


def test_an_open_room_on_a_cancelled_appointment_is_cancelled_by_repair() -> None:
    room = VideoConsultationFactory(appointment=OnlineAppointmentFactory(appointment_date=_day()))
    collection("appointments").update_one({"_id": room.appointment_id}, {"$set": {"status": "CANCELLED"}})

    code, out = _audit()
    assert code == 1
    assert PROBLEM_OPEN_ROOM_CANCELLED in out
    code, out = _audit("--repair")
    assert code == 0, out
    document = collection("video_consultations").find_one({"_id": room.pk})
    assert (document["status"], document["endedBy"]) == ("CANCELLED", "SYSTEM")
    assert _audit()[0] == 0


def test_two_open_rooms_for_one_appointment_are_found_unless_the_database_refuses_them() -> None:
    room = VideoConsultationFactory(appointment=OnlineAppointmentFactory(appointment_date=_day()))
    rooms = collection("video_consultations")
    twin = {**rooms.find_one({"_id": room.pk}), "_id": ObjectId(), "consultationId": "VC-TWIN", "roomId": "twin"}
    try:
        rooms.insert_one(twin)
    except DuplicateKeyError:  # consultations_one_open_per_appointment refuses it
        return
    _number_everything()
    code, out = _audit("--repair")
    assert code == 1
    assert PROBLEM_TWO_OPEN_ROOMS in out


# --- prescriptions ----------------------------------------------------------------------------------------------


def test_two_prescriptions_for_one_appointment_are_found_unless_the_database_refuses_them() -> None:
    prescription = PrescriptionFactory()
    storage().save(prescription.file_path, ContentFile(PDF_BYTES))
    documents = collection("doctor_prescriptions")
    twin = {**documents.find_one({"_id": prescription.pk}), "_id": ObjectId(), "prescriptionId": "PRESC-TWIN"}
    try:
        documents.insert_one(twin)
    except DuplicateKeyError:  # the seed's unique index on appointmentId refuses it
        return
    assert PROBLEM_TWO_PRESCRIPTIONS in _problems(integrity_audit(repair=True))


def test_a_prescription_whose_file_is_missing_is_found() -> None:
    prescription = PrescriptionFactory()  # its file was never written
    code, out = _audit("--repair")
    assert code == 1
    assert PROBLEM_FILE_MISSING in out and str(prescription.pk) in out


def _orphan(name: str, age_s: float) -> str:
    saved = storage().save(name, ContentFile(PDF_BYTES))
    then = time.time() - age_s
    os.utime(storage().path(saved), (then, then))
    return saved


def test_an_old_file_without_its_document_is_deleted_by_repair_a_fresh_one_is_left_alone(
    filesystem_prescriptions: None,
) -> None:
    prescription = PrescriptionFactory()
    storage().save(prescription.file_path, ContentFile(PDF_BYTES))
    old = _orphan(f"doctors/{prescription.doctor_id}/PRESC-GONE-old.pdf", age_s=2 * 3600)
    fresh = _orphan("doctors/DOC-ELSEWHERE/PRESC-GONE-fresh.pdf", age_s=60)

    report = integrity_audit()
    assert _problems(report) >= {PROBLEM_ORPHAN_FILE, PROBLEM_ORPHAN_FILE_FRESH}
    _number_everything()
    code, out = _audit("--repair")
    assert code == 1  # the fresh one stays: it may belong to an upload in progress
    assert f"REPAIRED prescriptions.orphan_files: {PROBLEM_ORPHAN_FILE} [file={old}]" in out
    assert not storage().exists(old)
    assert storage().exists(fresh) and storage().exists(prescription.file_path)

    storage().delete(fresh)
    assert _audit()[0] == 0


def test_has_prescription_without_a_prescription_is_set_false_by_repair_once_settled() -> None:
    settled = AppointmentFactory(appointment_date=_day(-3), status=AppointmentStatus.COMPLETED)
    recent = AppointmentFactory(appointment_date=_day(-3), status=AppointmentStatus.COMPLETED)
    two_hours_ago = clock.now() - timedelta(hours=2)
    _set(settled, hasPrescription=True, prescriptionId=ObjectId(), updatedAt=two_hours_ago)
    _set(recent, hasPrescription=True, updatedAt=clock.now())

    assert _problems(integrity_audit()) == {PROBLEM_HAS_PRESCRIPTION, PROBLEM_HAS_PRESCRIPTION_RECENT}
    code, _ = _audit("--repair")
    assert code == 1  # the recent one may be an upload in progress
    document = collection("appointments").find_one({"_id": settled.pk})
    assert (document["hasPrescription"], document["prescriptionId"]) == (False, None)
    assert collection("appointments").find_one({"_id": recent.pk})["hasPrescription"] is True

    _set(recent, updatedAt=two_hours_ago)
    assert _audit("--repair")[0] == 0
    assert _audit()[0] == 0


def test_has_prescription_with_its_prescription_is_fine() -> None:
    prescription = PrescriptionFactory(appointment=AppointmentFactory(appointment_date=_day(-3)))
    storage().save(prescription.file_path, ContentFile(PDF_BYTES))
    _set(prescription.appointment, hasPrescription=True, prescriptionId=prescription.pk)
    assert _audit()[0] == 0


def test_findings_name_ids_never_medical_content() -> None:
    prescription = PrescriptionFactory(diagnosis="Secret diagnosis", notes="Secret notes")
    _set(prescription.appointment, hasPrescription=True)
    code, out = _audit("--json")
    assert code == 1
    assert "Secret" not in out and prescription.patient_name not in out


# --- notifications ----------------------------------------------------------------------------------------------


def _notes(report: AuditReport, check: str) -> list[Any]:
    return report.results[check][1].notes


def test_reminders_left_pending_by_a_crash_are_a_note_and_withdrawn_by_repair() -> None:
    from notifications.integrity import NOTE_NOT_WANTED
    from notifications.services import notify_booked

    appointment = AppointmentFactory(appointment_date=_day(), status=AppointmentStatus.CONFIRMED)
    notify_booked(appointment=appointment)  # its reminders, as the booking's event writes them
    assert _notes(integrity_audit(only=["notifications.scheduled"]), "notifications.scheduled") == []
    _set(appointment, status="CANCELLED")  # a crash between the cancel and its withdrawal of the reminders

    report = integrity_audit(only=["notifications.scheduled"])
    notes = _notes(report, "notifications.scheduled")
    assert {note.problem for note in notes} == {NOTE_NOT_WANTED}
    assert not report.problems  # the worker would withdraw them when due: not a broken invariant
    integrity_audit(repair=True, only=["notifications.scheduled"])
    assert {row["status"] for row in collection("notifications").find({"kind": "REMINDER"})} == {"WITHDRAWN"}
    assert _notes(integrity_audit(only=["notifications.scheduled"]), "notifications.scheduled") == []


def test_a_claim_a_dead_worker_left_is_a_note() -> None:
    from notifications.delivery import notification_claim
    from notifications.integrity import NOTE_STALE_CLAIM
    from notifications.services import notify_booked

    notify_booked(appointment=AppointmentFactory(appointment_date=_day()))
    claimed = notification_claim()
    assert claimed is not None
    assert _notes(integrity_audit(only=["notifications.stale_claims"]), "notifications.stale_claims") == []
    collection("notifications").update_one({"_id": claimed["_id"]}, {"$set": {"nextAttemptAt": clock.now()}})
    notes = _notes(integrity_audit(only=["notifications.stale_claims"]), "notifications.stale_claims")
    assert [note.problem for note in notes] == [NOTE_STALE_CLAIM]


# --- values of the wrong type (the existing system's raw writes) ------------------------------------------------


def _wrong_types(report: AuditReport) -> list[dict[str, str]]:
    return [finding.as_dict()["ids"] for name, finding in report.problems if name == "core.stored_types"]


def test_values_of_the_wrong_type_are_found_by_collection_id_and_field_and_never_repaired() -> None:
    from core.integrity import PROBLEM_WRONG_TYPE

    appointment = AppointmentFactory(appointment_date=_day(), status=AppointmentStatus.CONFIRMED)
    _number_everything()
    assert _audit()[0] == 0
    doctor = appointment.doctor
    doctors = collection("doctors")
    doctors.update_one({"_id": doctor.pk}, {"$set": {"rating": "Secret diagnosis", "clinics.0.location.latitude": "x"}})
    doctors.update_one({"_id": doctor.pk}, {"$push": {"clinics": None}})
    _set(appointment, createdAt="yesterday", consultationFee={"amount": 5})

    report = integrity_audit(repair=True)

    assert {(ids["collection"], ids["_id"], ids["fields"]) for ids in _wrong_types(report)} == {
        ("doctors", str(doctor.pk), f"rating, clinics.0.location.latitude, clinics.{len(doctor.clinics)}"),
        ("appointments", str(appointment.pk), "consultationFee, createdAt"),
    }
    assert {finding.problem for _, finding in report.problems} == {PROBLEM_WRONG_TYPE}
    assert collection("doctors").find_one({"_id": doctor.pk})["rating"] == "Secret diagnosis"  # not repaired
    code, out = _audit("--json")
    assert code == 1 and "Secret" not in out


def test_a_check_that_stops_on_an_error_is_a_finding_and_the_others_still_run(caplog: Any) -> None:
    from core import integrity

    def broken(options: integrity.AuditOptions) -> integrity.CheckResult:
        raise ValueError("could not convert string to float: 'Secret diagnosis'")

    integrity.integrity_check("tests.broken", "a check that raises")(broken)
    try:
        report = integrity_audit()
    finally:
        integrity._checks.pop("tests.broken")

    assert [(name, f.problem) for name, f in report.problems] == [("tests.broken", integrity.PROBLEM_CHECK_FAILED)]
    assert len(report.results) > 1
    assert "Secret" not in caplog.text and "tests.broken" in caplog.text

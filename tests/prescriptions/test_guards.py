"""A prescription upload is guarded by the appointment's state and is whole or nothing
(docs/prescriptions.md#one-upload-whole-or-nothing): against a racing cancel, a failed link, and a process
killed between its writes."""

import itertools
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.db.models import QuerySet
from django.utils import timezone
from pymongo.collection import Collection
from pymongo.errors import AutoReconnect
from pymongo.uri_parser import parse_uri

from appointments.models import Actor, Appointment, AppointmentStatus
from appointments.services.workflow import appointment_cancel
from consultations.models import VideoConsultation
from core import clock
from doctors.models import Doctor
from prescriptions.files import storage, storage_name
from prescriptions.models import Prescription
from prescriptions.services import MSG_NOT_PRESCRIBABLE, PrescriptionConflict, prescription_upload
from tests.appointments.factories import AppointmentFactory
from tests.consultations.factories import VideoConsultationFactory
from tests.prescriptions.conftest import stored_names
from tests.prescriptions.sample_files import pdf_bytes, upload

pytestmark = pytest.mark.django_db
Files = Callable[[], list[str]]


def _upload(doctor: Doctor, appointment: Appointment) -> Prescription:
    return prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes(), "rx.pdf"))


def assert_nothing(appointment: Appointment, stored_files: Files) -> None:
    """No trace of an upload: no document, no file, no link."""
    appointment.refresh_from_db()
    assert not Prescription.objects.filter(appointment_id=appointment.pk).exists()
    assert stored_files() == []
    assert (appointment.has_prescription, appointment.prescription_id) == (False, None)
    assert not VideoConsultation.objects.filter(appointment=appointment, prescription__isnull=False).exists()


def assert_whole(appointment: Appointment, stored_files: Files) -> Prescription:
    """The whole upload: the document, its one file, the appointment's link and the consultation's copy."""
    appointment.refresh_from_db()
    prescription = Prescription.objects.get(appointment_id=appointment.pk)
    assert stored_files() == [storage_name(prescription.file_path)]
    assert (appointment.has_prescription, appointment.prescription_id) == (True, prescription.pk)
    for consultation in VideoConsultation.objects.filter(appointment=appointment):
        assert consultation.prescription_id == prescription.pk
    return prescription


# --- a cancel racing the upload --------------------------------------------------------------------------------


def test_an_upload_that_read_the_appointment_before_its_cancel_is_refused_and_leaves_nothing(
    stored_files: Files,
) -> None:
    appointment = AppointmentFactory(status=AppointmentStatus.CONFIRMED)
    stale = Appointment.objects.get(pk=appointment.pk)  # the upload's read, before the member's cancel
    appointment_cancel(appointment=appointment, by=Actor.STAFF)
    with pytest.raises(PrescriptionConflict) as caught:
        _upload(stale.doctor, stale)
    assert caught.value.message == MSG_NOT_PRESCRIBABLE
    assert_nothing(appointment, stored_files)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


ROUNDS = 16


@pytest.mark.django_db(transaction=True)
def test_an_upload_racing_the_members_cancel_is_linked_only_while_the_appointment_is_confirmed(
    monkeypatch: pytest.MonkeyPatch, stored_files: Files
) -> None:
    # The clock tells the two threads' writes apart: the upload's times end in an even millisecond, the
    # cancel's in an odd one, so the appointment's final `updatedAt` says whose write landed last.
    base = timezone.now().replace(microsecond=0)
    ticks = itertools.count()
    role = threading.local()
    monkeypatch.setattr(
        clock, "now", lambda: base + timedelta(milliseconds=2 * next(ticks) + role.__dict__.get("odd", 0))
    )
    attached_after_cancel = 0
    for _ in range(ROUNDS):
        appointment = AppointmentFactory(status=AppointmentStatus.CONFIRMED)
        results = _race_upload_and_cancel(appointment, role)
        assert results["cancel"] is None
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CANCELLED
        if results["upload"] is None:
            assert_whole(appointment, stored_files)
            stored = connection.get_collection("appointments").find_one({"_id": appointment.pk})
            last_write_ms = stored["updatedAt"].microsecond // 1000
            attached_after_cancel += last_write_ms % 2 == 0  # the link landed on the cancelled appointment
        else:
            assert results["upload"] == MSG_NOT_PRESCRIBABLE
            assert_nothing(appointment, stored_files)
        for name in stored_files():  # next round: a clean slate
            storage().delete(name)
    assert attached_after_cancel == 0


def _race_upload_and_cancel(appointment: Appointment, role: threading.local) -> dict[str, str | None]:
    barrier = threading.Barrier(2)
    results: dict[str, str | None] = {}

    def upload_it() -> None:
        stale = Appointment.objects.get(pk=appointment.pk)
        barrier.wait()
        try:
            _upload(stale.doctor, stale)
            results["upload"] = None
        except PrescriptionConflict as exc:
            results["upload"] = exc.message
        finally:
            connections.close_all()

    def cancel_it() -> None:
        role.odd = 1
        stale = Appointment.objects.get(pk=appointment.pk)
        barrier.wait()
        try:
            appointment_cancel(appointment=stale, by=Actor.STAFF)
            results["cancel"] = None
        except Exception as exc:
            results["cancel"] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload_it), threading.Thread(target=cancel_it)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- a failed link undoes every part -------------------------------------------------------------------------


def test_a_failed_consultation_link_undoes_the_appointments_link_too(
    monkeypatch: pytest.MonkeyPatch, stored_files: Files
) -> None:
    consultation = VideoConsultationFactory(appointment__status=AppointmentStatus.CONFIRMED)
    appointment = consultation.appointment
    real_update = QuerySet.update

    def failing_update(self: QuerySet, **kwargs: Any) -> int:
        if self.model is VideoConsultation and kwargs.get("prescription") is not None:
            raise AutoReconnect("connection lost while linking the consultation")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", failing_update)
    with pytest.raises(AutoReconnect):
        _upload(appointment.doctor, appointment)
    assert_nothing(appointment, stored_files)

    monkeypatch.setattr(QuerySet, "update", real_update)
    _upload(appointment.doctor, Appointment.objects.get(pk=appointment.pk))  # a later upload is not refused
    assert_whole(appointment, stored_files)


def test_a_lost_reply_to_the_appointments_link_is_undone(monkeypatch: pytest.MonkeyPatch, stored_files: Files) -> None:
    appointment = AppointmentFactory(status=AppointmentStatus.CONFIRMED)
    real_update_one = Collection.update_one

    def lost_reply(self: Collection, filter: dict, update: Any, *args: Any, **kwargs: Any) -> Any:
        result = real_update_one(self, filter, update, *args, **kwargs)
        if self.name == "appointments" and update.get("$set", {}).get("hasPrescription") is True:
            raise AutoReconnect("the link landed, its reply was lost")
        return result

    monkeypatch.setattr(Collection, "update_one", lost_reply)
    with pytest.raises(AutoReconnect):
        _upload(appointment.doctor, appointment)
    assert_nothing(appointment, stored_files)


# --- a process killed between the writes ---------------------------------------------------------------------

# The upload's writes, in order (prescriptions/services.py): 1 the file, 2 the appointment's link, 3 the
# document, 4 the consultation's copy. Each kill point pauses the uploading process before one write.
KILL_POINTS = ["_link_appointment", "_insert_document", "_link_consultations"]

UPLOADER = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from appointments.models import Appointment
    from doctors.models import Doctor
    from prescriptions import services

    point, appointment_pk, doctor_pk, pdf = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    real = getattr(services, point)

    def pause(**kwargs):
        print("PAUSED", flush=True)
        time.sleep(600)  # SIGKILLed here
        return real(**kwargs)

    setattr(services, point, pause)
    from bson import ObjectId
    appointment = Appointment.objects.get(pk=ObjectId(appointment_pk))
    doctor = Doctor.objects.get(doctor_id=doctor_pk)
    with open(pdf, "rb") as handle:
        uploaded = SimpleUploadedFile("rx.pdf", handle.read(), content_type="application/pdf")
    services.prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=uploaded)
    print("DONE", flush=True)
    """
)


def _kill_between_writes(point: str, appointment: Appointment, tmp_path: Path) -> None:
    pdf = tmp_path / "rx.pdf"
    pdf.write_bytes(pdf_bytes())
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opd_wallet.settings",
        "MONGODB_URI": _uri_with_database(db["HOST"], db["NAME"]),
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "TIME_ZONE": django_settings.TIME_ZONE,
    }
    args = [point, str(appointment.pk), appointment.doctor.doctor_id, str(pdf)]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", UPLOADER, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.strip() == "PAUSED", process.stderr.read() if process.stderr else line
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


def _uri_with_database(host: str, name: str) -> str:
    nodes = ",".join(f"{h}:{p}" for h, p in parse_uri(host)["nodelist"])
    return f"mongodb://{nodes}/{name}"


def repair_as_documented(appointment: Appointment) -> list[str]:
    """What `manage.py audit_integrity --repair` does for an upload cut short (docs/prescriptions.md), once
    the leftovers are an hour old: a link naming no document is undone, a file no document names is
    deleted, a whole upload's missing consultation copy is set. Returns the repairs made."""
    repairs = []
    stored = connection.get_collection("appointments").find_one({"_id": appointment.pk})
    document = Prescription.objects.filter(appointment_id=appointment.pk).first()
    if stored.get("hasPrescription") and not Prescription.objects.filter(pk=stored.get("prescriptionId")).exists():
        connection.get_collection("appointments").update_one(
            {"_id": appointment.pk, "prescriptionId": stored.get("prescriptionId")},
            {"$set": {"hasPrescription": False, "prescriptionId": None}},
        )
        repairs.append("dangling link")
    named = {storage_name(p.file_path) for p in Prescription.objects.all()}
    for name in stored_names():
        if name not in named:
            storage().delete(name)
            repairs.append("orphan file")
    if document is not None and stored.get("prescriptionId") == document.pk:
        copies = VideoConsultation.objects.filter(appointment=appointment, prescription__isnull=True)
        if copies.update(prescription=document):
            repairs.append("consultation copy")
    return repairs


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("point", "expected_repairs"),
    [
        ("_link_appointment", ["orphan file"]),
        ("_insert_document", ["dangling link", "orphan file"]),
        ("_link_consultations", ["consultation copy"]),
    ],
)
def test_an_upload_killed_between_its_writes_leaves_only_what_the_repair_fixes(
    point: str, expected_repairs: list[str], tmp_path: Path, stored_files: Files
) -> None:
    consultation = VideoConsultationFactory(appointment__status=AppointmentStatus.CONFIRMED)
    appointment = consultation.appointment
    _kill_between_writes(point, appointment, tmp_path)

    assert repair_as_documented(appointment) == expected_repairs
    if point == "_link_consultations":
        assert_whole(appointment, stored_files)  # the upload had landed; its copy is set by the repair
    else:
        assert_nothing(appointment, stored_files)
        _upload(appointment.doctor, Appointment.objects.get(pk=appointment.pk))  # and the doctor uploads again
        assert_whole(appointment, stored_files)

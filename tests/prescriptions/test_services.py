"""Upload, replace and deactivate, against the real database and real files on disk."""

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus
from core.errors import NotFound
from core.sequences import next_sequence
from doctors.models import Doctor
from prescriptions.files import MSG_FILE_TYPE, FileRefused, storage, storage_name
from prescriptions.models import Prescription
from prescriptions.selectors import prescription_list_for_member
from prescriptions.services import (
    MSG_ALREADY_UPLOADED,
    MSG_NOT_PRESCRIBABLE,
    PrescriptionConflict,
    StorageFailed,
    prescription_deactivate,
    prescription_id_counter,
    prescription_id_new,
    prescription_reactivate,
    prescription_replace_file,
    prescription_upload,
)
from tests.appointments.factories import AppointmentFactory
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorFactory
from tests.prescriptions.factories import PrescriptionFactory
from tests.prescriptions.sample_files import jpeg_bytes, pdf_bytes, png_bytes, text_bytes, upload

pytestmark = pytest.mark.django_db
Files = Callable[[], list[str]]


def _upload(doctor: Doctor, appointment: Appointment, content: bytes = b"", name: str = "rx.pdf") -> Prescription:
    return prescription_upload(
        doctor=doctor,
        appointment=appointment,
        uploaded_file=upload(content or pdf_bytes(), name),
        diagnosis="  Upper Respiratory Tract Infection ",
        notes="Complete the course.",
    )


def test_upload_fills_every_seed_field_and_links_the_appointment(
    doctor: Doctor, appointment: Appointment, settings: pytest.FixtureRequest
) -> None:
    prescription = _upload(doctor, appointment, name="prescription_20251006_143022.pdf")

    stored = Prescription.objects.get(pk=prescription.pk)
    today = timezone.localdate().strftime("%Y%m%d")
    assert re.fullmatch(rf"PRESC{today}\d{{4}}", stored.prescription_id)
    assert stored.appointment_id == appointment.pk
    assert (stored.doctor_id, stored.doctor_name) == (doctor.doctor_id, doctor.name)
    assert (stored.user_id, stored.patient_name) == (appointment.user_id, appointment.patient_name)
    assert stored.file_name == "prescription_20251006_143022.pdf"
    assert re.fullmatch(
        rf"/uploads/doctors/{doctor.doctor_id}/{stored.prescription_id}-[0-9a-f]{{32}}\.pdf", stored.file_path
    )
    assert stored.file_size == len(pdf_bytes())
    assert abs((timezone.now() - stored.upload_date).total_seconds()) < 60
    assert (stored.diagnosis, stored.notes, stored.is_active) == (
        "Upper Respiratory Tract Infection",
        "Complete the course.",
        True,
    )
    assert storage().open(storage_name(stored.file_path)).read() == pdf_bytes()
    appointment.refresh_from_db()
    assert (appointment.prescription_id, appointment.has_prescription) == (stored.pk, True)


@pytest.mark.parametrize(("content", "ext"), [(png_bytes(), "png"), (jpeg_bytes(), "jpg")])
def test_png_and_jpeg_are_stored_with_the_extension_of_their_content(
    doctor: Doctor, appointment: Appointment, content: bytes, ext: str
) -> None:
    prescription = _upload(doctor, appointment, content=content, name="scan.pdf")
    assert prescription.file_path.endswith(f".{ext}")
    assert prescription.file_name == "scan.pdf"


def test_upload_links_the_video_consultation_of_the_appointment() -> None:
    consultation = VideoConsultationFactory(appointment__status=AppointmentStatus.COMPLETED)
    prescription = _upload(consultation.doctor, consultation.appointment)
    consultation.refresh_from_db()
    assert consultation.prescription_id == prescription.pk


def test_a_doctor_cannot_upload_for_another_doctors_appointment(appointment: Appointment, stored_files: Files) -> None:
    with pytest.raises(NotFound):
        _upload(DoctorFactory(), appointment)
    assert stored_files() == []
    assert not Prescription.objects.exists()


@pytest.mark.parametrize("status", [AppointmentStatus.PENDING_CONFIRMATION, AppointmentStatus.CANCELLED])
def test_only_confirmed_or_completed_appointments_take_a_prescription(
    doctor: Doctor, status: str, stored_files: Files
) -> None:
    with pytest.raises(PrescriptionConflict) as caught:
        _upload(doctor, AppointmentFactory(doctor=doctor, status=status))
    assert caught.value.message == MSG_NOT_PRESCRIBABLE
    assert stored_files() == []


def test_a_second_prescription_for_the_same_appointment_is_refused(
    doctor: Doctor, appointment: Appointment, stored_files: Files
) -> None:
    _upload(doctor, appointment)
    with pytest.raises(PrescriptionConflict) as caught:
        _upload(doctor, Appointment.objects.get(pk=appointment.pk))
    assert caught.value.message == MSG_ALREADY_UPLOADED
    assert len(stored_files()) == 1


def test_a_failed_document_write_removes_the_stored_file(
    doctor: Doctor, appointment: Appointment, stored_files: Files
) -> None:
    # A prescription for this appointment exists but the appointment was never linked (a racing upload):
    # the pre-check passes, the file is written, the unique index on appointmentId refuses the document.
    PrescriptionFactory(appointment=appointment)
    with pytest.raises(PrescriptionConflict) as caught:
        _upload(doctor, appointment)
    assert caught.value.message == MSG_ALREADY_UPLOADED
    assert stored_files() == []
    assert Prescription.objects.count() == 1


def test_a_taken_prescription_id_removes_that_file_and_draws_the_next_number(
    doctor: Doctor, appointment: Appointment, stored_files: Files
) -> None:
    stamp = f"{timezone.localdate():%Y%m%d}"
    taken = f"PRESC{stamp}{next_sequence(prescription_id_counter(stamp)) + 1:04d}"
    PrescriptionFactory(prescription_id=taken)

    prescription = _upload(doctor, appointment)

    assert prescription.prescription_id > taken
    assert stored_files() == [storage_name(prescription.file_path)]


def test_a_failed_file_write_leaves_no_document(
    doctor: Doctor, appointment: Appointment, settings: pytest.FixtureRequest, filesystem_prescriptions: None
) -> None:
    blocker = Path(settings.MEDIA_ROOT) / "doctors" / doctor.doctor_id
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the doctor's folder should be")
    with pytest.raises(StorageFailed):
        _upload(doctor, appointment)
    assert not Prescription.objects.exists()
    appointment.refresh_from_db()
    assert not appointment.has_prescription


def test_a_refused_file_writes_nothing(doctor: Doctor, appointment: Appointment, stored_files: Files) -> None:
    with pytest.raises(FileRefused) as caught:
        _upload(doctor, appointment, content=text_bytes())
    assert caught.value.message == MSG_FILE_TYPE
    assert stored_files() == []
    assert not Prescription.objects.exists()


def test_the_uploaded_name_never_reaches_the_stored_path(doctor: Doctor, appointment: Appointment) -> None:
    prescription = _upload(doctor, appointment, name="../../../etc/cron.d/x;rm -rf ~ .pdf")
    assert prescription.file_name == "x;rm -rf ~ .pdf"
    assert re.fullmatch(r"/uploads/doctors/DOC\d+/PRESC\d{12}-[0-9a-f]{32}\.pdf", prescription.file_path)


def test_replacing_the_file_records_the_new_one_and_removes_the_old(
    doctor: Doctor, appointment: Appointment, stored_files: Files, settings: pytest.FixtureRequest
) -> None:
    prescription = _upload(doctor, appointment)
    old_path = prescription.file_path

    replaced = prescription_replace_file(
        doctor=doctor, prescription=prescription, uploaded_file=upload(png_bytes(), "b.png")
    )

    stored = Prescription.objects.get(pk=prescription.pk)
    assert stored.file_path == replaced.file_path != old_path
    assert (stored.file_name, stored.file_size) == ("b.png", len(png_bytes()))
    assert stored_files() == [storage_name(stored.file_path)]
    assert storage().open(storage_name(stored.file_path)).read() == png_bytes()


def test_replacing_a_legacy_seed_file_removes_it_under_the_media_root(
    doctor: Doctor, appointment: Appointment, stored_files: Files, settings: pytest.FixtureRequest
) -> None:
    legacy = Path(settings.MEDIA_ROOT) / "doctors" / doctor.doctor_id / "prescription_20251006_143022.pdf"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(pdf_bytes())
    prescription = PrescriptionFactory(
        appointment=appointment, file_path=f"/uploads/doctors/{doctor.doctor_id}/prescription_20251006_143022.pdf"
    )
    replaced = prescription_replace_file(doctor=doctor, prescription=prescription, uploaded_file=upload(pdf_bytes()))
    assert stored_files() == [storage_name(replaced.file_path)]


def test_another_doctor_cannot_replace_the_file(doctor: Doctor, appointment: Appointment, stored_files: Files) -> None:
    prescription = _upload(doctor, appointment)
    with pytest.raises(NotFound):
        prescription_replace_file(doctor=DoctorFactory(), prescription=prescription, uploaded_file=upload(png_bytes()))
    assert Prescription.objects.get(pk=prescription.pk).file_path == prescription.file_path
    assert stored_files() == [storage_name(prescription.file_path)]


def test_a_refused_replacement_keeps_the_old_file(
    doctor: Doctor, appointment: Appointment, stored_files: Files
) -> None:
    prescription = _upload(doctor, appointment)
    with pytest.raises(FileRefused):
        prescription_replace_file(doctor=doctor, prescription=prescription, uploaded_file=upload(text_bytes()))
    assert stored_files() == [storage_name(prescription.file_path)]


def test_deactivating_hides_the_prescription_from_the_patient(doctor: Doctor, appointment: Appointment) -> None:
    prescription = _upload(doctor, appointment)
    assert prescription_deactivate(prescription=prescription) is True
    assert prescription_deactivate(prescription=prescription) is False
    assert not Prescription.objects.get(pk=prescription.pk).is_active
    assert list(prescription_list_for_member(user=appointment.user)) == []
    assert prescription_reactivate(prescription=prescription) is True
    assert list(prescription_list_for_member(user=appointment.user)) == [prescription]


@pytest.mark.django_db(transaction=True)
def test_prescription_ids_are_unique_under_concurrency() -> None:
    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = list(pool.map(lambda _: prescription_id_new(), range(60)))
    assert len(set(ids)) == 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_for_one_appointment_record_one_prescription_and_one_file(stored_files: Files) -> None:
    appointment = AppointmentFactory()
    doctor = appointment.doctor

    def attempt(_: int) -> str:
        try:
            _upload(doctor, Appointment.objects.get(pk=appointment.pk))
        except PrescriptionConflict as exc:
            return exc.message
        return "created"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))

    assert results.count("created") == 1
    assert set(results) == {"created", MSG_ALREADY_UPLOADED}
    prescription = Prescription.objects.get(appointment_id=appointment.pk)
    assert stored_files() == [storage_name(prescription.file_path)]

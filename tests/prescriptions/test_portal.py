"""Doctor portal: upload and replace on the appointment page, the prescriptions list, downloads; others 404."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from appointments.models import Appointment, AppointmentStatus
from doctors.models import Doctor
from prescriptions.files import MSG_FILE_TYPE, storage_name
from prescriptions.models import Prescription
from prescriptions.portal_views import MSG_REPLACED, MSG_UPLOADED
from prescriptions.services import MSG_ALREADY_UPLOADED, MSG_NOT_PRESCRIBABLE, prescription_upload
from tests.appointments.factories import AppointmentFactory
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory
from tests.prescriptions.sample_files import pdf_bytes, png_bytes, text_bytes, upload

pytestmark = pytest.mark.django_db
Files = Callable[[], list[str]]


@pytest.fixture
def portal(doctor: Doctor) -> Client:
    return doctor_portal_client(doctor)


def _page(appointment: Appointment) -> str:
    return f"/portal/appointments/{appointment.pk}/"


def _upload_url(appointment: Appointment) -> str:
    return f"/portal/appointments/{appointment.appointment_id}/prescription/"


def _messages(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_appointment_page_offers_the_upload_form(portal: Client, appointment: Appointment) -> None:
    html = portal.get(_page(appointment)).content.decode()
    assert f'action="{_upload_url(appointment)}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "Not uploaded" in html


def test_uploading_from_the_portal_records_it_and_shows_it_on_the_page(
    portal: Client, appointment: Appointment, stored_files: Files
) -> None:
    response = portal.post(
        _upload_url(appointment),
        {"file": upload(pdf_bytes(), "rx.pdf"), "diagnosis": "URTI", "notes": ""},
        follow=True,
    )
    prescription = Prescription.objects.get()
    assert response.redirect_chain[-1][0].startswith(f"/portal/appointments/{appointment.pk}/")
    assert _messages(response) == [
        MSG_UPLOADED.format(prescription_id=prescription.prescription_id, patient=appointment.patient_name)
    ]
    html = response.content.decode()
    assert "Uploaded" in html and "rx.pdf" in html and "URTI" in html
    assert f"/portal/prescriptions/{prescription.prescription_id}/file" in html
    assert stored_files() == [storage_name(prescription.file_path)]
    appointment.refresh_from_db()
    assert appointment.has_prescription


def test_a_refused_file_is_an_error_message_and_nothing_is_kept(
    portal: Client, appointment: Appointment, stored_files: Files
) -> None:
    response = portal.post(_upload_url(appointment), {"file": upload(text_bytes(), "rx.pdf")}, follow=True)
    assert _messages(response) == [MSG_FILE_TYPE]
    assert stored_files() == [] and not Prescription.objects.exists()


def test_a_file_over_the_limit_is_an_error_message(
    portal: Client, appointment: Appointment, settings: pytest.FixtureRequest
) -> None:
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    response = portal.post(_upload_url(appointment), {"file": upload(pdf_bytes())}, follow=True)
    assert _messages(response) == ["The file is larger than the 1000 bytes limit."]
    assert not Prescription.objects.exists()


def test_a_second_upload_and_an_unconfirmed_appointment_are_error_messages(
    portal: Client, appointment: Appointment, doctor: Doctor
) -> None:
    portal.post(_upload_url(appointment), {"file": upload(pdf_bytes())}, follow=True)
    again = portal.post(_upload_url(appointment), {"file": upload(png_bytes())}, follow=True)
    assert _messages(again) == [MSG_ALREADY_UPLOADED]
    pending = AppointmentFactory(doctor=doctor, status=AppointmentStatus.PENDING_CONFIRMATION)
    refused = portal.post(_upload_url(pending), {"file": upload(pdf_bytes())}, follow=True)
    assert _messages(refused) == [MSG_NOT_PRESCRIBABLE]
    assert "once the appointment is confirmed or completed" in portal.get(_page(pending)).content.decode()


def test_replacing_from_the_portal_swaps_the_file(
    portal: Client, doctor: Doctor, appointment: Appointment, stored_files: Files
) -> None:
    prescription = prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes()))
    response = portal.post(
        f"/portal/prescriptions/{prescription.prescription_id}/replace/",
        {"file": upload(png_bytes(), "better.png"), "next": _page(appointment)},
        follow=True,
    )
    assert _messages(response) == [MSG_REPLACED.format(prescription_id=prescription.prescription_id)]
    stored = Prescription.objects.get()
    assert stored.file_name == "better.png"
    assert stored_files() == [storage_name(stored.file_path)]


def test_the_prescriptions_page_lists_own_uploads_with_download_links(
    portal: Client, doctor: Doctor, appointment: Appointment
) -> None:
    mine = prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes(), "mine.pdf"))
    other_doctor = DoctorFactory()
    theirs = prescription_upload(
        doctor=other_doctor, appointment=AppointmentFactory(doctor=other_doctor), uploaded_file=upload(pdf_bytes())
    )
    html = portal.get("/portal/prescriptions/").content.decode()
    assert mine.prescription_id in html and "mine.pdf" in html
    assert theirs.prescription_id not in html
    download = portal.get(f"/portal/prescriptions/{mine.prescription_id}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert download["Content-Disposition"].startswith('attachment; filename="mine.pdf"')
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_prescriptions_page_is_empty_at_first(portal: Client) -> None:
    assert "No prescriptions yet" in portal.get("/portal/prescriptions/").content.decode()


def test_another_doctor_gets_404_on_every_portal_route(doctor: Doctor, appointment: Appointment) -> None:
    prescription = prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes()))
    fresh = AppointmentFactory(doctor=doctor)
    other = doctor_portal_client(DoctorFactory())
    for key in (prescription.prescription_id, str(prescription.pk)):
        assert other.get(f"/portal/prescriptions/{key}/file").status_code == 404
        replace = other.post(f"/portal/prescriptions/{key}/replace/", {"file": upload(png_bytes())})
        assert replace.status_code == 404
    for key in (fresh.appointment_id, str(fresh.pk)):
        assert other.post(f"/portal/appointments/{key}/prescription/", {"file": upload(pdf_bytes())}).status_code == 404
    assert Prescription.objects.get().file_path == prescription.file_path
    assert Prescription.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in_and_never_get_a_file(doctor: Doctor, appointment: Appointment) -> None:
    prescription = prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes()))
    anonymous = Client()
    for url in ("/portal/prescriptions/", f"/portal/prescriptions/{prescription.prescription_id}/file"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert re.match(r"^/auth/doctor/login\?next=", response["Location"])
    response = anonymous.post(_upload_url(AppointmentFactory(doctor=doctor)), {"file": upload(pdf_bytes())})
    assert response.status_code == 302
    assert Prescription.objects.count() == 1

"""In a real browser: the doctor uploads a prescription from the appointment page, the dashboard marks it."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from prescriptions.models import Prescription
from prescriptions.portal_views import MSG_UPLOADED
from prescriptions.services import prescription_upload
from tests.appointments.factories import AppointmentFactory
from tests.browser_fixtures import save_screenshot
from tests.doctors.factories import DoctorFactory
from tests.prescriptions.sample_files import pdf_bytes, png_bytes, text_bytes, upload
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_doctor_uploads_a_prescription_and_the_dashboard_marks_it(
    page: Page, sign_in_doctor: object, tmp_path: Path
) -> None:
    doctor = DoctorFactory()
    AppointmentFactory(doctor=doctor, user=UserFactory(name="Priya Nair"), time_slot="10:00 AM")
    scan = tmp_path / "Priya prescription.pdf"
    scan.write_bytes(pdf_bytes())

    sign_in_doctor(page, doctor)
    today = page.get_by_role("region", name="Today")
    expect(today.get_by_text("No prescription yet")).to_be_visible()
    today.get_by_role("link", name="Priya Nair", exact=True).click()

    panel = page.get_by_role("region", name="Prescription")
    expect(panel.get_by_test_id("rx-status")).to_have_text("Not uploaded")
    panel.get_by_label("Prescription file (PDF, JPEG or PNG)").set_input_files(str(scan))
    panel.get_by_label("Diagnosis").fill("Upper Respiratory Tract Infection")
    panel.get_by_role("button", name="Upload prescription").click()

    prescription = Prescription.objects.get()
    expect(page.get_by_role("status")).to_contain_text(
        MSG_UPLOADED.format(prescription_id=prescription.prescription_id, patient="Priya Nair")
    )
    expect(panel.get_by_test_id("rx-status")).to_have_text("Uploaded")
    expect(panel.get_by_role("link", name="Priya prescription.pdf")).to_be_visible()
    save_screenshot(page, "prescription-uploaded-1280")

    with page.expect_download() as download_info:
        panel.get_by_role("link", name="Priya prescription.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "Priya prescription.pdf"
    assert Path(download.path()).read_bytes() == pdf_bytes()

    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Today").click()
    expect(page.get_by_role("region", name="Today").get_by_text("✓ Prescription uploaded")).to_be_visible()

    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Prescriptions").click()
    row = page.get_by_role("row").filter(has_text=prescription.prescription_id)
    expect(row).to_contain_text("Priya Nair")
    expect(row).to_contain_text("Upper Respiratory Tract Infection")
    expect(row.get_by_role("link", name="Priya prescription.pdf")).to_be_visible()
    save_screenshot(page, "prescriptions-list-1280")


def test_doctor_replaces_a_wrong_file(page: Page, sign_in_doctor: object, tmp_path: Path) -> None:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor)
    prescription_upload(doctor=doctor, appointment=appointment, uploaded_file=upload(pdf_bytes(), "wrong.pdf"))
    better = tmp_path / "right.png"
    better.write_bytes(png_bytes())
    sign_in_doctor(page, doctor)
    page.goto(f"/portal/appointments/{appointment.pk}/")
    panel = page.get_by_role("region", name="Prescription")
    panel.get_by_text("Wrong file? Replace it").click()
    panel.get_by_label("Prescription file (PDF, JPEG or PNG)").set_input_files(str(better))
    panel.get_by_role("button", name="Replace the file").click()
    expect(page.get_by_role("status")).to_contain_text("was replaced")
    expect(panel.get_by_role("link", name="right.png")).to_be_visible()
    assert Prescription.objects.get().file_name == "right.png"


def test_a_file_over_the_limit_is_stopped_before_it_is_sent(
    page: Page, sign_in_doctor: object, tmp_path: Path, settings: pytest.FixtureRequest
) -> None:
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor)
    big = tmp_path / "big.pdf"
    big.write_bytes(pdf_bytes())  # 1.5 KB
    sign_in_doctor(page, doctor)
    page.goto(f"/portal/appointments/{appointment.pk}/")
    panel = page.get_by_role("region", name="Prescription")
    panel.get_by_label("Prescription file (PDF, JPEG or PNG)").set_input_files(str(big))
    panel.get_by_role("button", name="Upload prescription").click()
    expect(panel.get_by_text("The file is larger than the 1000 bytes limit.")).to_be_visible()
    assert page.url.endswith(f"/portal/appointments/{appointment.pk}/")
    assert not Prescription.objects.exists()


def test_a_renamed_text_file_is_refused_in_the_browser(page: Page, sign_in_doctor: object, tmp_path: Path) -> None:
    doctor = DoctorFactory()
    appointment = AppointmentFactory(doctor=doctor)
    fake = tmp_path / "prescription.pdf"
    fake.write_bytes(text_bytes())
    sign_in_doctor(page, doctor)
    page.goto(f"/portal/appointments/{appointment.pk}/")
    panel = page.get_by_role("region", name="Prescription")
    panel.get_by_label("Prescription file (PDF, JPEG or PNG)").set_input_files(str(fake))
    panel.get_by_role("button", name="Upload prescription").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Only PDF, JPEG or PNG files can be uploaded."
    )  # errors are announced at once
    expect(panel.get_by_test_id("rx-status")).to_have_text("Not uploaded")
    assert not Prescription.objects.exists()

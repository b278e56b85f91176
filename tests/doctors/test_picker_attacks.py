"""Attacks on the admin's clinic and specialty pickers: hostile fees, forged management forms, ids of other
kinds. Each is the form again with an error (or a 400), never a 500, and the doctor is left as it was."""

from typing import Any

import pytest
from django.test import Client

from doctors.models import Doctor
from mongo.raw import collection
from tests.admin_forms import admin_url, form_data, staff_client
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory
from tests.doctors.test_reference_data import _pick_clinics

pytestmark = pytest.mark.django_db


def _stored(doctor: Doctor) -> dict[str, Any]:
    document = collection("doctors").find_one({"_id": doctor.pk})
    document.pop("updatedAt", None)
    return document


@pytest.mark.parametrize("fee", ["-1", "1e30", "NaN", "Infinity", "-Infinity", str(10**30), "0x10", "", "1,000"])
def test_a_hostile_fee_is_refused_and_nothing_is_written(client: Client, fee: str) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    before = _stored(doctor)
    url = admin_url(Doctor, "change", doctor.pk)
    data = _pick_clinics(form_data(admin_client.get(url)), (ClinicFactory().clinic_id, 0))
    data["clinics-0-consultation_fee"] = fee
    response = admin_client.post(url, data)
    assert response.status_code in (200, 400), response.status_code
    assert _stored(doctor) == before


@pytest.mark.parametrize(
    "management",
    [
        {"clinics-TOTAL_FORMS": "1000000000"},
        {"clinics-TOTAL_FORMS": "-1"},
        {"clinics-TOTAL_FORMS": "abc"},
        {"clinics-TOTAL_FORMS": None},
    ],
)
def test_a_forged_management_form_is_refused(client: Client, management: dict[str, str | None]) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    before = _stored(doctor)
    url = admin_url(Doctor, "change", doctor.pk)
    data = _pick_clinics(form_data(admin_client.get(url)), (doctor.clinics[0].clinic_id, 500))
    for key, value in management.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    response = admin_client.post(url, data)
    assert response.status_code in (200, 400), response.status_code
    assert _stored(doctor) == before


@pytest.mark.parametrize("specialty", ["{'$ne': None}", "../SPEC001", "SPEC" + "9" * 5000, "\x00", ""])
def test_a_hostile_specialty_is_refused(client: Client, specialty: str) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    before = _stored(doctor)
    url = admin_url(Doctor, "change", doctor.pk)
    data = form_data(admin_client.get(url))
    data["specialty_id"] = specialty
    response = admin_client.post(url, data)
    assert response.status_code in (200, 400), response.status_code
    assert _stored(doctor) == before


def test_operations_cannot_change_a_doctor_through_the_picker(client: Client) -> None:
    doctor = DoctorFactory()
    before = _stored(doctor)
    ops = staff_client(client, role="OPERATIONS")
    url = admin_url(Doctor, "change", doctor.pk)
    data = _pick_clinics(form_data(staff_client(Client()).get(url)), (ClinicFactory().clinic_id, 100))
    response = ops.post(url, data)
    assert response.status_code == 403
    assert _stored(doctor) == before

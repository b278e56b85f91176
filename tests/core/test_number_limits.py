"""Issue 16, point 5: no number or body answers 500. Fees have a ceiling (core/validators.py), numbers the
database cannot store are refused with 400, and a body nested too deep is a 400."""

import json

import pytest
from rest_framework.test import APIClient

from core.validators import MAX_FEE, MSG_FEE_TOO_LARGE
from doctors.models import DoctorSlot
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DoctorFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/doctor/slots"


def _payload(doctor: object, fee: object) -> dict:
    return {
        "clinicId": doctor.clinics[0].clinic_id,
        "dayOfWeek": "Tuesday",
        "startTime": "09:00",
        "endTime": "12:00",
        "slotDuration": 30,
        "maxPatients": 2,
        "consultationFee": fee,
        "consultationType": "IN_CLINIC",
    }


def _post_raw(client: APIClient, body: str) -> int:
    return client.post(URL, body, content_type="application/json").status_code


@pytest.mark.parametrize(
    "fee", ["1e308", "1.7976931348623157e308", "1e19", "99999999999999999999999999999", "-1e308", "1e400", "-0.0"]
)
def test_an_enormous_fee_on_a_slot_is_400_not_500(fee: str) -> None:
    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    body = json.dumps(_payload(doctor, 0)).replace('"consultationFee": 0', f'"consultationFee": {fee}')
    status = _post_raw(client, body)
    if fee == "-0.0":
        assert status == 201
    else:
        assert status == 400, fee
        assert not DoctorSlot.objects.filter(consultation_fee__gt=MAX_FEE).exists()


def test_the_fee_ceiling_message() -> None:
    doctor = DoctorFactory()
    response = doctor_api_client(doctor).post(URL, _payload(doctor, MAX_FEE + 1), format="json")
    assert response.status_code == 400
    assert response.json() == {"consultationFee": [MSG_FEE_TOO_LARGE]}
    assert doctor_api_client(doctor).post(URL, _payload(doctor, MAX_FEE), format="json").status_code == 201


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", '"NaN"', '"inf"', '"1e999"', "[]", "{}"])
def test_non_numbers_for_a_fee_are_400(literal: str) -> None:
    doctor = DoctorFactory()
    body = json.dumps(_payload(doctor, 0)).replace('"consultationFee": 0', f'"consultationFee": {literal}')
    assert _post_raw(doctor_api_client(doctor), body) == 400, literal


@pytest.mark.parametrize("field", ["slotDuration", "maxPatients"])
@pytest.mark.parametrize("value", ["1e308", "99999999999999999999999999", "-99999999999999999999999999"])
def test_huge_integers_are_400(field: str, value: str) -> None:
    doctor = DoctorFactory()
    body = json.dumps({**_payload(doctor, 100), field: 0}).replace(f'"{field}": 0', f'"{field}": {value}')
    assert _post_raw(doctor_api_client(doctor), body) == 400, (field, value)


@pytest.mark.parametrize("depth", [2000, 100_000])
def test_a_body_nested_too_deep_is_400(depth: int) -> None:
    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    assert _post_raw(client, "[" * depth + "]" * depth) == 400
    member = APIClient()
    assert member.post("/api/v1/auth/token", "{" + '"a":' * depth, content_type="application/json").status_code == 400

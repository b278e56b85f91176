"""Hostile numbers and digits on the schedule rules every path shares (doctors/schedule/services.py slot rules,
core/validators.py formats): weekly slots here, extra hours in tests/appointments/test_issue14_attacks.py."""

from typing import Any

import pytest

from core.validators import (
    MAX_FEE,
    MSG_FEE_TOO_LARGE,
    MSG_TIME_12H,
    MSG_TIME_24H,
    validate_date,
    validate_time_12h,
    validate_time_24h,
)
from doctors.models import DoctorSlot
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DoctorFactory

pytestmark = pytest.mark.django_db


def slot_body(doctor: Any, **more: Any) -> dict[str, Any]:
    return {
        "clinicId": doctor.clinics[0].clinic_id,
        "dayOfWeek": "Saturday",
        "startTime": "09:00",
        "endTime": "10:00",
        "consultationFee": 500,
        "consultationType": "ONLINE",
        **more,
    }


@pytest.mark.parametrize("fee", [10**30, 2**63, 1e308, MAX_FEE + 1])
def test_a_slot_fee_beyond_the_maximum_is_a_400_not_a_500(fee: float) -> None:
    doctor = DoctorFactory()
    response = doctor_api_client(doctor).post(
        "/api/v1/doctor/slots", slot_body(doctor, consultationFee=fee), format="json"
    )
    assert response.status_code == 400
    assert response.json()["consultationFee"] == [MSG_FEE_TOO_LARGE]
    assert not DoctorSlot.objects.exists()


def test_a_boolean_is_not_a_fee() -> None:
    doctor = DoctorFactory()
    response = doctor_api_client(doctor).post(
        "/api/v1/doctor/slots", slot_body(doctor, consultationFee=True), format="json"
    )
    assert response.status_code == 400
    assert "consultationFee" in response.json()
    assert not DoctorSlot.objects.exists()


def test_the_maximum_fee_itself_is_accepted() -> None:
    doctor = DoctorFactory()
    response = doctor_api_client(doctor).post(
        "/api/v1/doctor/slots", slot_body(doctor, consultationFee=MAX_FEE), format="json"
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("validator", "value", "message"),
    [
        (validate_time_12h, "10:0\u0669 AM", MSG_TIME_12H),  # an Arabic-Indic nine
        (validate_time_12h, "10:00 AM\n", MSG_TIME_12H),
        (validate_time_24h, "1\u0667:00", MSG_TIME_24H),
        (validate_time_24h, "17:00\n", MSG_TIME_24H),
        (validate_date, "2031-01-07\n", None),
        (validate_date, "\uff12\uff10\uff13\uff11-01-07", None),  # full-width digits
    ],
)
def test_formats_take_ascii_digits_only_and_nothing_after(validator: Any, value: str, message: str | None) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validator(value)
    if message:
        assert refused.value.messages == [message]

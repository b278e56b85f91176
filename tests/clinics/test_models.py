"""The seed's validation rules for clinics, each refused with a form error."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from clinics.models import MSG_CLOSE_AFTER_OPEN, MSG_HOURS_REQUIRED, Clinic, DayHours
from core.validators import MSG_TIME_24H
from tests.admin_forms import admin_url, form_errors, staff_client, submit_change
from tests.clinics.factories import ClinicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Client) -> Client:
    return staff_client(client)


@pytest.fixture
def clinic_url() -> str:
    return admin_url(Clinic, "change", ClinicFactory().pk)


def test_an_unchanged_clinic_form_saves(admin: Client, clinic_url: str) -> None:
    assert submit_change(admin, clinic_url).status_code == 302


@pytest.mark.parametrize("field", ["name", "address", "city"])
def test_name_address_and_city_are_required(admin: Client, clinic_url: str, field: str) -> None:
    assert form_errors(submit_change(admin, clinic_url, **{field: ""})) == ["This field is required."]


@pytest.mark.parametrize("value", ["8am", "8:00", "25:00"])
def test_operating_hours_are_valid_24_hour_times(admin: Client, clinic_url: str, value: str) -> None:
    response = submit_change(admin, clinic_url, **{"operating_hours-monday-open": value})
    assert form_errors(response) == [f"operatingHours.Monday.open: {MSG_TIME_24H}"]


def test_operating_hours_close_after_they_open(admin: Client, clinic_url: str) -> None:
    response = submit_change(admin, clinic_url, **{"operating_hours-tuesday-close": "07:00"})
    assert form_errors(response) == [f"operatingHours.Tuesday.close: {MSG_CLOSE_AFTER_OPEN}"]


def test_an_open_day_needs_both_times(admin: Client, clinic_url: str) -> None:
    response = submit_change(admin, clinic_url, **{"operating_hours-wednesday-close": ""})
    assert form_errors(response) == [f"operatingHours.Wednesday: {MSG_HOURS_REQUIRED}"]


def test_a_closed_day_needs_no_times(admin: Client, clinic_url: str) -> None:
    changes = {
        "operating_hours-sunday-open": "",
        "operating_hours-sunday-close": "",
        "operating_hours-sunday-is_closed": "on",
    }
    assert submit_change(admin, clinic_url, **changes).status_code == 302
    assert Clinic.objects.get().operating_hours.for_day("Sunday").is_closed is True


def test_clinic_location_must_be_a_real_coordinate(admin: Client, clinic_url: str) -> None:
    response = submit_change(admin, clinic_url, **{"location-latitude": "-91"})
    assert form_errors(response) == ["location.latitude: Ensure this value is greater than or equal to -90."]


def test_full_clean_checks_operating_hours_outside_forms_too() -> None:
    clinic = ClinicFactory()
    clinic.operating_hours.friday = DayHours(open="18:00", close="09:00")
    with pytest.raises(ValidationError) as refused:
        clinic.full_clean()
    assert refused.value.message_dict == {"operating_hours": [f"operatingHours.Friday.close: {MSG_CLOSE_AFTER_OPEN}"]}

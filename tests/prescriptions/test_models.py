"""The seed's validation rules for prescriptions (the admin shows the file fields read-only: model rules)."""

import pytest
from django.core.exceptions import ValidationError

from prescriptions.models import MSG_FILE_SIZE_POSITIVE
from tests.prescriptions.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [0, -1])
def test_file_size_is_greater_than_zero(size: int) -> None:
    prescription = PrescriptionFactory()
    prescription.file_size = size
    with pytest.raises(ValidationError) as refused:
        prescription.full_clean()
    assert refused.value.message_dict == {"file_size": [MSG_FILE_SIZE_POSITIVE]}


def test_a_one_byte_file_is_accepted() -> None:
    prescription = PrescriptionFactory(file_size=1)
    prescription.full_clean()


@pytest.mark.parametrize("field", ["file_name", "file_path", "doctor_name", "patient_name"])
def test_file_and_names_are_required(field: str) -> None:
    prescription = PrescriptionFactory()
    setattr(prescription, field, "")
    with pytest.raises(ValidationError) as refused:
        prescription.full_clean()
    assert refused.value.message_dict == {field: ["This field cannot be blank."]}

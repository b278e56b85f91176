"""The doctor's prescription list reads through an index, never a collection scan.

(The member's list filters on userId AND isActive; SecantusDB's planner does not pick an index for a
`$and`, which MongoDB does, so that query is not asserted here.)"""

import pytest

from prescriptions.selectors import prescription_list_for_doctor
from tests.prescriptions.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine() -> object:
    for _ in range(3):
        PrescriptionFactory()
    return PrescriptionFactory()


def test_the_doctor_list_uses_the_doctor_index(mine: object) -> None:
    plan = prescription_list_for_doctor(doctor=mine.doctor).explain()
    assert '"IXSCAN"' in plan and "COLLSCAN" not in plan
    assert '"doctorId"' in plan.split('"IXSCAN"', 1)[1].split("indexName")[0]

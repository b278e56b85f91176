"""Every admin add and change page, loaded and submitted by each staff role; saves are all-or-nothing."""

from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client

from appointments.models import Appointment
from clinics.models import Clinic
from consultations.models import VideoConsultation
from core.admin_base import AllOrNothingAdmin
from doctors.models import Doctor, DoctorSlot, ScheduleException, Specialty
from notifications.models import Notification
from prescriptions.models import Prescription
from tests.admin_forms import admin_url, form_data, form_errors, staff_client
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorSlotFactory
from tests.prescriptions.factories import PrescriptionFactory
from users.models import Role, User

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label not in ("auth", "audit")]
# What each staff role may add and change: THE table to adjust when users/roles.py changes a role's rights.
NEVER_ADDED_IN_ADMIN = {Prescription, Appointment, VideoConsultation, Notification}  # their owners create them
NEVER_CHANGED = {ScheduleException, Notification}  # time off: added or removed; the outbox: read-only
MAY = {
    Role.ADMIN: {"add": set(MODELS) - NEVER_ADDED_IN_ADMIN, "change": set(MODELS) - NEVER_CHANGED},
    Role.OPERATIONS: {"add": {ScheduleException}, "change": set()},  # issue 16: nothing clinical
}
# Fields to change so that a copy of an existing record is a new record (its unique keys).
NEW_RECORD = {
    Specialty: {"specialty_id": "SPEC900", "code": "NEW"},
    Clinic: {"clinic_id": "CLINIC900"},
    User: {"email": "new-staff@example.com", "member_id": "USR9000", "new_password": "A-new-staff-pass-2025"},
    Doctor: {"doctor_id": "DOC900", "email": "new-doctor@example.com"},
    DoctorSlot: {"day_of_week": "Sunday"},
}


@pytest.fixture
def populated() -> dict[type, Any]:
    slot = DoctorSlotFactory(day_of_week="Monday")
    prescription = PrescriptionFactory(appointment__doctor=slot.doctor)
    consultation = VideoConsultationFactory(appointment__doctor=slot.doctor)
    return {
        Specialty: Specialty.objects.get(),
        Doctor: slot.doctor,
        DoctorSlot: slot,
        Clinic: slot.clinic,
        User: prescription.user,
        Appointment: prescription.appointment,
        Prescription: prescription,
        VideoConsultation: consultation,
        ScheduleException: ScheduleException.objects.create(
            doctor=slot.doctor,
            kind="TIME_OFF",
            start_date="2031-01-07",
            end_date="2031-01-07",
            reason="Conference",
            created_by_role="DOCTOR",
            created_by_id=slot.doctor.doctor_id,
        ),
    }


def _add_data(client: Client, model: type, obj: Any) -> dict[str, Any]:
    """The change form of `obj`, as a browser would post it, made into a new record."""
    if model is ScheduleException:  # never edited: no change form to copy
        start = "2031-01-14"
        return {"doctor": obj.doctor_id, "kind": "TIME_OFF", "start_date": start, "end_date": start, "reason": "Leave"}
    data = form_data(client.get(admin_url(model, "change", obj.pk)))
    data.update(NEW_RECORD.get(model, {}))
    if model is DoctorSlot:
        data.update(doctor=obj.doctor_id)  # read-only on the change page
    return data


def test_the_table_names_every_registered_model() -> None:
    assert set(MODELS) == {
        Specialty,
        Doctor,
        DoctorSlot,
        Clinic,
        User,
        Appointment,
        Prescription,
        VideoConsultation,
        ScheduleException,
        Notification,
    }


def test_every_admin_saves_all_or_nothing() -> None:
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "auth":
            assert isinstance(model_admin, AllOrNothingAdmin), model


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATIONS])
def test_every_add_and_change_page_loads_and_submits_for_each_role(
    client: Client, populated: dict[type, Any], role: str
) -> None:
    admin_client = staff_client(Client(), Role.ADMIN)
    staff = staff_client(client, role)
    for model, obj in populated.items():
        may_add, may_change = model in MAY[role]["add"], model in MAY[role]["change"]
        add_page = staff.get(admin_url(model, "add"))
        assert add_page.status_code == (200 if may_add else 403), (role, model)
        if may_add:
            data = _add_data(admin_client, model, obj)
            before = model.objects.count()
            response = staff.post(admin_url(model, "add"), data)
            assert response.status_code == 302, (role, model, form_errors(response))
            assert model.objects.count() == before + 1, (role, model)
        change_url = admin_url(model, "change", obj.pk)
        change_page = staff.get(change_url)
        assert change_page.status_code == 200, (role, model)
        response = staff.post(change_url, form_data(admin_client.get(change_url)))
        if may_change:
            assert response.status_code == 302, (role, model, response.status_code == 200 and form_errors(response))
        else:
            assert response.status_code == 403, (role, model)


def _clinic_form(client: Client, **changes: str) -> dict[str, Any]:
    data = form_data(client.get(admin_url(Clinic, "add")))
    data.update(clinic_id="CLINIC777", name="Lakeside Clinic", address="1 Lake Road", city="Pune", **changes)
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        data[f"operating_hours-{day}-open"], data[f"operating_hours-{day}-close"] = "09:00", "17:00"
    return data


def test_adding_a_clinic_with_operating_hours_saves_once_and_redirects(client: Client) -> None:
    admin_client = staff_client(client)
    response = admin_client.post(admin_url(Clinic, "add"), _clinic_form(admin_client))
    assert response.status_code == 302
    clinic = Clinic.objects.get(clinic_id="CLINIC777")
    assert clinic.operating_hours.monday.open == "09:00"


class Boom(Exception):
    pass


def _fail_after_the_write(*args: object, **kwargs: object) -> None:
    raise Boom("after the write")


def test_an_add_that_fails_after_its_write_leaves_nothing(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    admin_client = staff_client(client)
    data = _clinic_form(admin_client)
    monkeypatch.setattr(type(admin.site._registry[Clinic]), "log_addition", _fail_after_the_write)
    with pytest.raises(Boom):
        admin_client.post(admin_url(Clinic, "add"), data)
    assert not Clinic.objects.filter(clinic_id="CLINIC777").exists()


def test_a_change_that_fails_after_its_write_is_put_back(
    client: Client, populated: dict[type, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_client = staff_client(client)
    doctor = populated[Doctor]
    url = admin_url(Doctor, "change", doctor.pk)
    data = form_data(admin_client.get(url))
    data["name"] = "Dr. Renamed"
    data["new_password"] = "A-fresh-portal-pass-2025"
    monkeypatch.setattr("doctors.admin.doctor_set_password", _fail_after_the_write)  # the admin's second write
    with pytest.raises(Boom):
        admin_client.post(url, data)
    assert Doctor.objects.get(pk=doctor.pk).name == doctor.name


def test_a_time_off_add_that_fails_after_its_write_is_removed_through_its_service(
    client: Client, populated: dict[type, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    removed: list[str] = []
    from appointments import time_off_admin

    real = time_off_admin.time_off_delete

    def spy(**kwargs: Any) -> Any:
        removed.append(kwargs["time_off"].reason)
        return real(**kwargs)

    monkeypatch.setattr(time_off_admin, "time_off_delete", spy)
    monkeypatch.setattr(type(admin.site._registry[ScheduleException]), "log_addition", _fail_after_the_write)
    admin_client = staff_client(client)
    with pytest.raises(Boom):
        admin_client.post(
            admin_url(ScheduleException, "add"),
            _add_data(admin_client, ScheduleException, populated[ScheduleException]),
        )
    assert removed == ["Leave"]
    assert list(ScheduleException.objects.values_list("reason", flat=True)) == ["Conference"]


def test_adding_a_clinic_without_hours_or_location_saves(client: Client) -> None:
    admin_client = staff_client(client)
    data = form_data(admin_client.get(admin_url(Clinic, "add")))
    data.update(clinic_id="CLINIC778", name="Hill Clinic", address="2 Hill Road", city="Shimla")
    response = admin_client.post(admin_url(Clinic, "add"), data)
    assert response.status_code == 302, form_errors(response)
    stored = connection.get_collection("clinics").find_one({"clinicId": "CLINIC778"})
    assert stored["operatingHours"] is None and stored["location"] is None  # blank: none published

"""A document the existing system wrote with a value of the wrong BSON type (a string where a number, a date or
an embedded document belongs) is read all the same: the value reads as None (or the field's constant default),
an embedded array drops the entries that are not documents, a WARNING names the collection, field and _id, and
no page answers 500 (mongo/stored_types.py; docs/operations.md, "Documents the app cannot read").

Every case is a raw pymongo write, then the real endpoints: the member API, the doctor portal, the admin.
"""

import logging
import re
from io import StringIO
from typing import Any

import pytest
from bson import ObjectId
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.models import Max, Min
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django_mongodb_backend.fields import ArrayField, EmbeddedModelArrayField, EmbeddedModelField, ObjectIdAutoField

from appointments.models import Appointment
from audit.models import AuditEntry
from clinics.models import Clinic
from consultations.models import VideoConsultation
from core.integrity import stored_models
from doctors.models import Doctor, DoctorSlot, ScheduleException
from mongo.raw import collection
from mongo.stored_types import field_check, odd_paths
from notifications.models import Notification
from notifications.services import notify_booked
from prescriptions.models import Prescription
from tests.admin_forms import admin_url, form_errors, staff_client, submit_change
from tests.doctors.clients import doctor_api_client, doctor_portal_client
from tests.doctors.factories import DoctorFactory
from tests.member_api import member_client
from tests.portal.pages import PortalWorld, portal_world
from users.models import User

pytestmark = pytest.mark.django_db

ODD = "x"


@pytest.fixture
def world() -> PortalWorld:
    return portal_world()


def _set(model: type, pk: Any, changes: dict[str, Any]) -> None:
    collection(model._meta.db_table).update_one({"_id": pk}, {"$set": changes})


def _stored(model: type, pk: Any) -> dict[str, Any]:
    found = collection(model._meta.db_table).find_one({"_id": pk})
    assert found is not None
    return found


def _statuses(pages: list[tuple[str, Client, str]]) -> dict[str, int]:
    """Each page's status code (a server error is answered as 500 rather than raised in the test)."""
    for _, client, _ in pages:
        client.raise_request_exception = False
    return {label: client.get(url).status_code for label, client, url in pages}


def _doctor_pages(world: PortalWorld, client: Client) -> list[tuple[str, Client, str]]:
    doctor = world.doctor
    member = member_client()
    staff = staff_client(client)
    pages = [
        ("member doctor list", member, "/api/v1/doctors"),
        ("member doctor detail", member, f"/api/v1/doctors/{doctor.doctor_id}"),
        ("admin doctor list", staff, admin_url(Doctor)),
        ("admin doctor page", staff, admin_url(Doctor, "change", doctor.pk)),
    ]
    portal = doctor_portal_client(doctor)
    return pages + [(label, portal, url) for label, url in world.pages() if label != "doctor-login"]


DOCTOR_CASES = [
    pytest.param({"rating": ODD}, id="rating"),
    pytest.param({"bookingHorizonDays": ODD}, id="bookingHorizonDays"),
    pytest.param({"bookingMinNoticeMinutes": ODD}, id="bookingMinNoticeMinutes"),
    pytest.param({"memberChangeCutoffMinutes": ODD}, id="memberChangeCutoffMinutes"),
    pytest.param({"clinics.0.location.latitude": ODD}, id="clinics.location.latitude"),
    pytest.param({"consultationFee": ODD, "experienceYears": ODD, "reviewCount": 2.5}, id="fee-years-reviews"),
    pytest.param({"createdAt": "yesterday", "lastLogin": 5}, id="dates"),
]


@pytest.mark.parametrize("changes", DOCTOR_CASES)
def test_a_doctor_with_an_odd_value_is_shown_everywhere(world: PortalWorld, client: Client, changes: dict) -> None:
    pages = _doctor_pages(world, client)  # signed in before the odd write (the portal reads the doctor)
    _set(Doctor, world.doctor.pk, changes)

    statuses = _statuses(pages)

    assert {label: status for label, status in statuses.items() if status != 200} == {}
    stored = _stored(Doctor, world.doctor.pk)
    for path, value in changes.items():
        assert _path(stored, path) == value  # never "fixed" by a read


def test_a_doctor_whose_active_flag_is_not_a_boolean_is_inactive_not_an_error(
    world: PortalWorld, client: Client
) -> None:
    """`isActive: "x"` is not true: the queries that ask for active doctors do not find them (404, or the
    portal signs the doctor out), the admin still shows them, and nothing answers 500."""
    pages = _doctor_pages(world, client)
    _set(Doctor, world.doctor.pk, {"isActive": ODD})

    statuses = _statuses(pages)

    assert {label: status for label, status in statuses.items() if status >= 500} == {}
    assert statuses["admin doctor page"] == statuses["admin doctor list"] == 200
    assert Doctor.objects.get(pk=world.doctor.pk).is_active is True  # the constant default, for the form


@pytest.mark.parametrize("clinics", [[None], [ODD], [None, ODD, 5, []]], ids=["null", "string", "mixed"])
def test_a_doctor_whose_clinics_are_not_documents(world: PortalWorld, client: Client, clinics: list) -> None:
    pages = _doctor_pages(world, client)
    stored = _stored(Doctor, world.doctor.pk)
    _set(Doctor, world.doctor.pk, {"clinics": [*stored["clinics"], *clinics]})

    statuses = _statuses(pages)

    assert {label: status for label, status in statuses.items() if status != 200} == {}
    assert _stored(Doctor, world.doctor.pk)["clinics"][-len(clinics) :] == clinics


def _path(document: dict, path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


APPOINTMENT_CASES = [
    pytest.param({"createdAt": "yesterday"}, id="createdAt"),
    pytest.param({"consultationFee": ODD}, id="consultationFee"),
    pytest.param({"amountPaid": ODD, "placeNumber": ODD, "rescheduleCount": ODD}, id="numbers"),
    pytest.param({"requestedAt": 7, "confirmedAt": ODD, "coveredByInsurance": ODD}, id="dates-bool"),
    pytest.param({"rescheduledFrom": ODD}, id="rescheduledFrom"),
    pytest.param({"prescriptionId": ODD}, id="prescriptionId"),
]


@pytest.mark.parametrize("changes", APPOINTMENT_CASES)
def test_an_appointment_with_an_odd_value_is_shown_everywhere(
    world: PortalWorld, client: Client, changes: dict
) -> None:
    appointment = world.appointment_by_status["CONFIRMED"]
    member = member_client(appointment.user)
    portal = doctor_portal_client(world.doctor)
    staff = staff_client(client)
    pages = [
        ("member list", member, "/api/v1/appointments"),
        ("member detail", member, f"/api/v1/appointments/{appointment.appointment_id}"),
        ("admin list", staff, admin_url(Appointment)),
        ("admin page", staff, admin_url(Appointment, "change", appointment.pk)),
    ] + [(label, portal, url) for label, url in world.pages() if label != "doctor-login"]
    _set(Appointment, appointment.pk, changes)

    statuses = _statuses(pages)

    assert {label: status for label, status in statuses.items() if status != 200} == {}
    stored = _stored(Appointment, appointment.pk)
    assert {path: stored[path] for path in changes} == changes


def test_the_warning_names_collection_field_and_id_but_never_the_value(
    world: PortalWorld, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Diabetes type 2"
    _set(Doctor, world.doctor.pk, {"rating": secret})

    with caplog.at_level(logging.WARNING):
        doctor = Doctor.objects.get(pk=world.doctor.pk)

    assert doctor.rating == 0  # the field's constant default: a rating takes no None
    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any("doctors" in m and "rating" in m and str(world.doctor.pk) in m for m in messages), messages
    assert not any(secret in m or "Diabetes" in m for m in messages)


# --- every field of every model, from the models themselves ----------------------------------------------------


def _odd_values(field: models.Field) -> list[Any]:
    """Values of the wrong type for `field`: a string or a number, a document, a list."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    scalar = 7 if isinstance(target, models.CharField | models.TextField) else ODD
    if isinstance(field, ArrayField):  # also EmbeddedModelArrayField
        return [ODD, [None, scalar if not isinstance(field, EmbeddedModelArrayField) else ODD]]
    if isinstance(field, EmbeddedModelField):
        return [ODD, [{"a": 1}]]
    return [scalar, {"a": 1}, [1]]


def _field_cases(model: type[models.Model], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    cases = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field_check(field) is None:
            continue
        path = (*prefix, field.column)
        cases += [(path, value) for value in _odd_values(field)]
        embedded = getattr(field, "embedded_model", None)
        if embedded is not None:
            inner = (*path, "0") if isinstance(field, EmbeddedModelArrayField) else path
            cases += _field_cases(embedded, inner)
    return cases


def _document(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """The sparse document holding `value` at `path` ("0" stands for an array's first entry)."""
    built: Any = value
    for part in reversed(path[1:]):
        built = [built] if part == "0" else {part: built}
    return {path[0]: built}


STORED_MODELS = stored_models()  # every collection of its own, keyed by an ObjectId _id (the audit's list)
WARNING = re.compile(r"stored value of the wrong type not read: collection=(\S+) field=(\S+) _id=(\S+)")
FIELD_CASES = [
    pytest.param(model, path, value, id=f"{model._meta.db_table}.{'.'.join(path)}={value!r}")
    for model in STORED_MODELS
    for path, value in _field_cases(model)
]


def test_the_cases_cover_every_collection_and_the_reported_fields() -> None:
    covered = {(case.values[0]._meta.db_table, ".".join(case.values[1])) for case in FIELD_CASES}
    assert {model._meta.db_table for model, *_ in (case.values for case in FIELD_CASES)} >= {
        "doctors",
        "appointments",
        "clinics",
        "doctor_slots",
        "doctor_prescriptions",
        "video_consultations",
        "users",
        "notifications",
    }
    assert {
        ("doctors", "rating"),
        ("doctors", "bookingHorizonDays"),
        ("doctors", "clinics"),
        ("doctors", "clinics.0.location.latitude"),
        ("appointments", "createdAt"),
        ("appointments", "consultationFee"),
    } <= covered


@pytest.mark.parametrize(("model", "path", "value"), FIELD_CASES)
def test_any_field_holding_a_value_of_the_wrong_type_is_read_as_empty(
    model: type[models.Model], path: tuple[str, ...], value: Any, caplog: pytest.LogCaptureFixture
) -> None:
    document_id = ObjectId()
    stored = {"_id": document_id, **_document(path, value)}
    collection(model._meta.db_table).insert_one(dict(stored))

    with caplog.at_level(logging.WARNING, logger="opd_wallet.stored_types"):
        instance = model._base_manager.get(pk=document_id)
        values = list(model._base_manager.filter(pk=document_id).order_by().values())  # no join for an ordering

    assert instance.pk == document_id and len(values) == 1
    assert odd_paths(model, stored), "the audit names the field"
    warnings = [record.getMessage() for record in caplog.records if record.name == "opd_wallet.stored_types"]
    assert warnings
    for message in warnings:  # the collection, the field and the _id: nothing else (never the value)
        found = WARNING.fullmatch(message)
        assert found, message
        assert found[1] == model._meta.db_table and found[3] == str(document_id)
        assert found[2].split(".")[0] == path[0]
    assert collection(model._meta.db_table).find_one({"_id": document_id}) == stored  # never written back


# --- every collection of a full world, through every page that reads it ----------------------------------------

API_PREFIXES = ("api/v1/", "auth/doctor/")
SCOPES = {
    "non-text": lambda field: not isinstance(field, models.CharField | models.TextField | models.ForeignKey),
    "every field": lambda field: True,
}
KINDS = ("wrong scalar", "document", "list")


def _odd(field: models.Field, kind: str, n: int) -> Any:
    """An odd value of `kind`, different for each document `n` (unique indexes take odd values too)."""
    if kind == "document":
        return {"a": n}
    if kind == "list":
        return [n]
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    return 7 + n if isinstance(target, models.CharField | models.TextField) else f"{ODD}{n}"


def _oddify(model: type[models.Model], document: dict[str, Any], kind: str, scope: str, n: int) -> None:
    """Replace, in place, every value `scope` names with an odd one of `kind`; inside the embedded documents
    too, and an embedded array gains entries that are not documents."""
    for field in model._meta.concrete_fields:
        check = field_check(field)
        if field.primary_key or check is None or not SCOPES[scope](field):
            continue
        value = document.get(field.column)
        embedded = getattr(field, "embedded_model", None)
        if isinstance(field, EmbeddedModelArrayField) and isinstance(value, list):
            for entry in value:
                _oddify(embedded, entry, kind, scope, n)
            value += [None, ODD, 5]
        elif isinstance(field, EmbeddedModelField) and isinstance(value, dict):
            _oddify(embedded, value, kind, scope, n)
        else:
            document[field.column] = _odd(field, kind, n)


def _get_routes() -> list[tuple[str, tuple[str, ...]]]:
    """(route, parameter names) of every API route that answers GET."""
    found = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith(API_PREFIXES) and hasattr(getattr(pattern.callback, "view_class", None), "get"):
                found.append((route, tuple(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "")
    return found


def _site_pages(world: PortalWorld, client: Client) -> list[tuple[str, Client, str]]:
    """Every page that reads the world: each GET API route as the member and as the doctor, every portal page,
    and the admin's list and change page of every model registered there."""
    appointment = world.appointment_by_status["COMPLETED"]
    prescription = Prescription.objects.get(appointment=appointment)
    notify_booked(appointment=appointment)
    samples = {
        "doctorId": world.doctor.doctor_id,
        "slotId": world.samples["slot_id"],
        "clinicId": world.doctor.clinics[0].clinic_id,
        "appointmentId": appointment.appointment_id,
        "prescriptionId": prescription.prescription_id,
    }
    member, doctor_api = member_client(appointment.user), doctor_api_client(world.doctor)
    pages = []
    for route, params in _get_routes():
        if all(param in samples for param in params):
            url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples[m[1]], route)
            pages += [(f"member {url}", member, url), (f"doctor {url}", doctor_api, url)]
    portal = doctor_portal_client(world.doctor)
    pages += [(label, portal, url) for label, url in world.pages() if label != "doctor-login"]
    staff = staff_client(client)
    pages += [("admin index", staff, "/admin/"), ("operations dashboard", staff, reverse("operations-dashboard"))]
    for model in admin.site._registry:
        pages.append((f"admin {model.__name__} list", staff, admin_url(model)))
        first = collection(model._meta.db_table).find_one({}, {"_id": 1})
        if first is not None and isinstance(model._meta.pk, ObjectIdAutoField):
            pages.append((f"admin {model.__name__} page", staff, admin_url(model, "change", first["_id"])))
    return pages


COMMANDS = [
    ("expire_requests",),
    ("mark_no_shows",),
    ("deliver_notifications",),
    ("clinics_geo_backfill",),
    ("audit_integrity", "--json"),
]


def _run_commands() -> str:
    """Run the scheduled commands (none may stop on an error); the audit's JSON report."""
    out = StringIO()
    for command in COMMANDS:
        out = StringIO()
        try:
            call_command(*command, stdout=out, stderr=StringIO())
        except CommandError as error:
            assert command[0] == "audit_integrity" and error.returncode == 1  # it found the odd values
    return out.getvalue()


WORLD_COLLECTIONS = [
    AuditEntry,
    Doctor,
    Appointment,
    Clinic,
    DoctorSlot,
    ScheduleException,
    Prescription,
    VideoConsultation,
    User,
    Notification,
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("scope", list(SCOPES))
@pytest.mark.parametrize("model", WORLD_COLLECTIONS, ids=lambda model: model._meta.db_table)
def test_odd_values_in_any_collection_never_answer_500_anywhere(
    world: PortalWorld, client: Client, model: type[models.Model], scope: str, kind: str
) -> None:
    pages = _site_pages(world, client)
    documents = collection(model._meta.db_table)
    for n, document in enumerate(list(documents.find({}))):
        _oddify(model, document, kind, scope, n)
        documents.replace_one({"_id": document["_id"]}, document)

    statuses = _statuses(pages)
    report = _run_commands()

    assert {label: status for label, status in statuses.items() if status >= 500} == {}
    assert "the check stopped on an error" not in report
    if model is not User:  # odd users include the staff member signed in to the admin: signed out, not 500
        assert statuses["admin Doctor list"] == 200 and statuses[f"admin {model.__name__} list"] == 200


# --- saving what was read ----------------------------------------------------------------------------------------


def test_an_admin_save_of_a_doctor_read_with_a_default_for_an_odd_value_works(client: Client) -> None:
    """`rating: "x"` reads as the field's default (0); saving the page unchanged is the staff member's own write
    of what the page showed, whole (the odd entry of `clinics` is not written back either)."""
    doctor = DoctorFactory()
    _set(Doctor, doctor.pk, {"rating": ODD})
    collection("doctors").update_one({"_id": doctor.pk}, {"$push": {"clinics": None}})

    response = submit_change(staff_client(client), admin_url(Doctor, "change", doctor.pk))

    assert response.status_code == 302, form_errors(response)
    stored = _stored(Doctor, doctor.pk)
    assert stored["rating"] == 0 and None not in stored["clinics"]


def test_an_admin_save_of_a_doctor_whose_required_number_is_odd_asks_for_it_and_writes_nothing(
    client: Client,
) -> None:
    doctor = DoctorFactory()
    _set(Doctor, doctor.pk, {"experienceYears": ODD, "rating": ODD})
    before = _stored(Doctor, doctor.pk)

    response = submit_change(staff_client(client), admin_url(Doctor, "change", doctor.pk))

    assert form_errors(response) == ["This field is required."]
    assert _stored(Doctor, doctor.pk) == before


def test_a_service_save_with_update_fields_leaves_the_other_odd_values_as_stored() -> None:
    doctor = DoctorFactory()
    _set(Doctor, doctor.pk, {"rating": ODD, "createdAt": "yesterday"})

    read = Doctor.objects.get(pk=doctor.pk)
    read.name = "Dr. Renamed"
    read.save(update_fields=["name"])

    stored = _stored(Doctor, doctor.pk)
    assert (stored["name"], stored["rating"], stored["createdAt"]) == ("Dr. Renamed", ODD, "yesterday")


# --- the reads that have no converter of their own ---------------------------------------------------------------


def test_a_values_list_of_text_alone_is_checked_too() -> None:
    """A query whose columns have no backend converter (text only) still goes through the checks."""
    doctor = DoctorFactory()
    _set(Doctor, doctor.pk, {"name": 42, "phone": {"a": 1}})

    assert list(Doctor.objects.filter(pk=doctor.pk).values_list("name", "phone")) == [("42", "")]


def test_dates_list_only_stored_dates_and_aggregates_read_odd_ones_as_empty() -> None:
    """The admin's date hierarchy lists `dates()`; `Min`/`Max` of a date field are checked as dates."""
    first, _ = DoctorFactory(), DoctorFactory()
    _set(Doctor, first.pk, {"createdAt": "yesterday"})

    years = list(Doctor.objects.dates("created_at", "year"))
    bounds = Doctor.objects.filter(pk=first.pk).aggregate(first=Min("created_at"), last=Max("created_at"))

    assert len(years) == 1  # the second doctor's year; the odd one is not listed (it failed the whole list)
    assert bounds == {"first": None, "last": None}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "model",
    [m for m in WORLD_COLLECTIONS if m in admin.site._registry and m is not AuditEntry],  # the log is append-only
    ids=lambda model: model._meta.db_table,
)
def test_an_admin_save_of_any_document_read_with_odd_values_works_or_asks_and_writes_nothing(
    world: PortalWorld, client: Client, model: type[models.Model], kind: str
) -> None:
    """The change page of a document whose numbers, dates, booleans and embedded documents are odd, posted back
    as shown: saved whole (302), or the form asks for what it needs and nothing is written. Never a 500."""
    notify_booked(appointment=world.appointment_by_status["CONFIRMED"])
    documents = collection(model._meta.db_table)
    document = documents.find_one({})
    assert document is not None
    _oddify(model, document, kind, "non-text", 0)
    documents.replace_one({"_id": document["_id"]}, document)
    staff = staff_client(client)
    staff.raise_request_exception = False

    response = submit_change(staff, admin_url(model, "change", document["_id"]))

    assert response.status_code in (200, 302, 403), response.status_code
    if response.status_code != 302:
        assert documents.find_one({"_id": document["_id"]}) == document

"""Abuse: sign-in throttling for members, page-size caps, query validation, regex input, body size limits."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from core.error_views import MSG_BAD_REQUEST, MSG_REQUEST_TOO_LARGE
from core.login_throttle import MSG_TOO_MANY_ATTEMPTS
from doctors.models import Doctor
from tests.clinics.factories import ClinicFactory
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory
from tests.member_api import member_client
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from users.models import User
from users.services import (
    MAX_MEMBER_FAILURES_PER_EMAIL,
    MAX_MEMBER_FAILURES_PER_IP,
    MSG_INVALID_CREDENTIALS,
)

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"


def _member_login(email: str, password: str = "wrong-password", ip: str = "10.0.0.1") -> object:
    return APIClient(REMOTE_ADDR=ip).post(TOKEN_URL, {"email": email, "password": password}, format="json")


# --- Member sign-in throttling -----------------------------------------------------------------------------


def test_member_login_is_throttled_after_repeated_failures_for_one_email() -> None:
    member = UserFactory()
    for _ in range(MAX_MEMBER_FAILURES_PER_EMAIL):
        assert _member_login(member.email).status_code == 401
    response = _member_login(member.email, DEFAULT_PASSWORD)  # even the right password, until the window ends
    assert response.status_code == 429
    assert response.json() == {"detail": MSG_TOO_MANY_ATTEMPTS}
    assert int(response["Retry-After"]) > 0


def test_member_login_throttle_for_one_email_leaves_other_members_alone() -> None:
    member, other = UserFactory(), UserFactory()
    for _ in range(MAX_MEMBER_FAILURES_PER_EMAIL):
        _member_login(member.email)
    assert _member_login(other.email, DEFAULT_PASSWORD).status_code == 200


def test_member_login_is_throttled_per_ip_across_emails() -> None:
    member = UserFactory()
    for n in range(MAX_MEMBER_FAILURES_PER_IP):
        assert _member_login(f"nobody{n}@example.com", ip="10.9.9.9").status_code == 401
    assert _member_login(member.email, DEFAULT_PASSWORD, ip="10.9.9.9").status_code == 429
    assert _member_login(member.email, DEFAULT_PASSWORD, ip="10.9.9.10").status_code == 200


def test_member_successful_login_clears_the_email_counter() -> None:
    member = UserFactory()
    for _ in range(MAX_MEMBER_FAILURES_PER_EMAIL - 1):
        _member_login(member.email)
    assert _member_login(member.email, DEFAULT_PASSWORD).status_code == 200
    for _ in range(MAX_MEMBER_FAILURES_PER_EMAIL - 1):
        assert _member_login(member.email).status_code == 401


def test_member_and_doctor_counters_are_separate() -> None:
    """A member's failures under an email never lock out a doctor who has the same email, and back."""
    doctor = DoctorFactory(email="same@example.com")
    for _ in range(MAX_MEMBER_FAILURES_PER_EMAIL):
        _member_login(doctor.email)
    response = Client().post(
        "/auth/doctor/login", {"email": doctor.email, "password": DOCTOR_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200


def test_member_login_answers_the_same_for_unknown_email_and_wrong_password() -> None:
    member = UserFactory()
    unknown = _member_login("nobody@example.com")
    wrong = _member_login(member.email)
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json() == {"detail": MSG_INVALID_CREDENTIALS}


def test_member_login_refuses_an_inactive_member() -> None:
    member = UserFactory(is_active=False)
    assert _member_login(member.email, DEFAULT_PASSWORD).status_code == 401


def test_member_login_with_a_password_over_bcrypts_limit_is_401_not_500() -> None:
    """Django's ModelBackend hashed the password of an unknown email with our bcrypt wrapper, which refuses
    passwords over 72 bytes: a 500. The sign-in service checks against a dummy hash instead."""
    assert _member_login("nobody@example.com", "p" * 100).status_code == 401


# --- Regular-expression metacharacters in user input ---------------------------------------------------------


def test_login_emails_are_matched_literally_never_as_a_regex() -> None:
    """`email__iexact` was an unescaped regex (mongo/base.py, prep_for_iexact_query): `.*` matched every account."""
    UserFactory()
    DoctorFactory()
    for typed in [".*", "[", "^.*$", "(a+)+$", "\\"]:
        assert _member_login(typed, DEFAULT_PASSWORD, ip=f"10.1.1.{len(typed)}").status_code == 401, typed
        response = Client().post(
            "/auth/doctor/login", {"email": typed, "password": DOCTOR_PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 401, typed


def test_iexact_lookups_ignore_case_but_not_regex_syntax() -> None:
    UserFactory(email="ab.c@example.com")
    assert User.objects.filter(email__iexact="AB.C@EXAMPLE.COM").exists()
    assert not User.objects.filter(email__iexact="abxc@example.com").exists()
    assert not User.objects.filter(email__iexact="ab.*").exists()
    assert not Doctor.objects.filter(email__iexact="[").exists()


def test_doctor_search_q_is_literal() -> None:
    DoctorFactory(name="Dr. Test Doctor")
    client = member_client()
    for q in [".*", "[", "(a+)+$", "$where", "\\", "Test.Doctor", '{"$gt": ""}']:
        response = client.get("/api/v1/doctors", {"q": q})
        assert response.status_code == 200, q
        assert response.json()["count"] == 0, q


def test_doctor_search_q_with_a_dot_still_finds_the_literal_text() -> None:
    DoctorFactory(name="Dr. Test Doctor")
    assert member_client().get("/api/v1/doctors", {"q": "dr. test"}).json()["count"] == 1


# --- Pagination ---------------------------------------------------------------------------------------------


def test_page_size_over_100_is_capped_at_100() -> None:
    """DRF's convention (max_page_size): a larger page_size is capped, not refused."""
    ClinicFactory.create_batch(101)
    body = member_client().get("/api/v1/clinics", {"page_size": 1000}).json()
    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert body["next"] is not None


def test_unusable_page_size_falls_back_to_the_default_20() -> None:
    ClinicFactory.create_batch(21)
    client = member_client()
    for page_size in ["0", "-5", "abc", "1e3"]:
        response = client.get("/api/v1/clinics", {"page_size": page_size})
        assert response.status_code == 200, page_size
        assert len(response.json()["results"]) == 20, page_size


def test_a_page_that_does_not_exist_is_404_not_500() -> None:
    ClinicFactory()
    client = member_client()
    for page in ["99999999999999999999999", "1000", "0", "-1", "abc"]:
        response = client.get("/api/v1/clinics", {"page": page})
        assert response.status_code == 404, page
        assert response.json() == {"detail": "Invalid page."}


# --- Query parameters and ids ---------------------------------------------------------------------------------


BAD_DATES = ["2031-02-30", "2031-13-01", "tomorrow", "2031-1-6", "06/01/2031", "2031-01-06T00:00", "0000-00-00"]


def test_bad_dates_in_query_parameters_are_400() -> None:
    doctor = DoctorFactory()
    member, doctor_api = member_client(), doctor_api_client(doctor)
    for date in BAD_DATES:
        response = member.get(f"/api/v1/doctors/{doctor.doctor_id}/availability", {"date": date})
        assert response.status_code == 400, date
        assert "date" in response.json()
        response = doctor_api.get("/api/v1/doctor/appointments", {"date": date})
        assert response.status_code == 400, date
        assert "date" in response.json()


def test_malformed_or_unknown_object_ids_are_404() -> None:
    member, doctor = member_client(), doctor_api_client(DoctorFactory())
    for ref in ["zzz", "0" * 24, "f" * 25, "6b04e7dd083a73cce46ae4f", "%24ne", "{}", "null", "%00"]:
        assert member.get(f"/api/v1/appointments/{ref}").status_code == 404, ref
        assert member.post(f"/api/v1/appointments/{ref}/cancel").status_code == 404, ref
        assert doctor.get(f"/api/v1/doctor/slots/{ref}").status_code == 404, ref
        assert doctor.post(f"/api/v1/doctor/appointments/{ref}/confirm").status_code == 404, ref


# --- Request bodies ---------------------------------------------------------------------------------------------


def test_a_json_body_over_the_limit_is_a_clean_413(settings: object) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"doctorId": "x" * 20_000})
    response = member_client().post("/api/v1/appointments", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": MSG_REQUEST_TOO_LARGE}


def test_a_form_over_the_limit_is_a_friendly_413_page(settings: object) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = Client().post("/admin/login/", {"username": "x" * 20_000, "password": "y"})
    assert response.status_code == 413
    assert MSG_REQUEST_TOO_LARGE in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_too_many_form_fields_is_a_clean_400(settings: object) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    fields = {f"f{n}": "x" for n in range(60)}
    response = APIClient().post(TOKEN_URL, fields)  # multipart form
    assert response.status_code == 400
    assert response.json() == {"detail": MSG_BAD_REQUEST}


def test_malformed_json_is_a_400_with_detail() -> None:
    response = member_client().post("/api/v1/appointments", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


# --- The doctor sign-in is one view for JSON and forms, outside the OpenAPI schema: fuzzed here ---------------

JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=300),
    st.lists(st.text(max_size=20), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text()),
)


@hypothesis_settings(
    max_examples=40, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(
    body=st.dictionaries(st.sampled_from(["email", "password", "next", "x"]), JSON_VALUES, max_size=4),
    as_form=st.booleans(),
)
def test_doctor_login_never_fails_on_arbitrary_input(body: dict, as_form: bool) -> None:
    client = Client(raise_request_exception=False)
    if as_form:
        form = {k: v for k, v in body.items() if isinstance(v, str) and "\x00" not in v}
        response = client.post("/auth/doctor/login", form)
    else:
        response = client.post("/auth/doctor/login", json.dumps(body), content_type="application/json")
    assert response.status_code in {200, 302, 400, 401, 429}, response.content[:300]

"""Issue 16, points 1 to 5: tokens and sessions bound to the current credentials, member logout, the token
endpoint for members only, sign-in throttles a stranger cannot turn into a lockout, no 500 for odd tokens."""

from datetime import UTC, timedelta

import jwt
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from core.login_throttle import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS
from core.passwords import hash_password
from doctors.auth.sessions import COOKIE_NAME
from tests.doctors.clients import doctor_api_client, doctor_portal_client
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory
from tests.users.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from users.models import Role
from users.services import MSG_INVALID_CREDENTIALS
from users.tokens import member_tokens_issue

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
REFRESH_URL = "/api/v1/auth/token/refresh"
LOGOUT_URL = "/api/v1/auth/logout"
ME_URL = "/api/v1/me"


def _sign_in(email: str, password: str = DEFAULT_PASSWORD, ip: str = "10.0.0.1") -> object:
    return APIClient(REMOTE_ADDR=ip).post(TOKEN_URL, {"email": email, "password": password}, format="json")


def _me(access: str) -> int:
    return APIClient().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {access}").status_code


def _refresh(refresh: str) -> int:
    return APIClient().post(REFRESH_URL, {"refresh": refresh}, format="json").status_code


def _raw_set(collection: str, pk: object, **fields: object) -> None:
    """Write straight into MongoDB, as the existing system changes passwords."""
    connection.get_collection(collection).update_one({"_id": pk}, {"$set": fields})


# --- 1. member tokens end with a password change or deactivation, by any route --------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"password": "raw"},  # the existing system's own password change
        {"isActive": False},
    ],
    ids=["password-written-into-mongodb", "deactivated-in-mongodb"],
)
def test_member_tokens_stop_working_when_credentials_change_in_mongodb(change: dict) -> None:
    member = UserFactory()
    tokens = _sign_in(member.email).json()
    assert _me(tokens["access"]) == 200
    if change.get("password") == "raw":
        change = {"password": hash_password("a-new-password-2026")}
    _raw_set("users", member.pk, **change)
    assert _me(tokens["access"]) == 401
    assert _refresh(tokens["refresh"]) == 401


def test_member_tokens_stop_working_after_a_password_change_through_the_service() -> None:
    from users.services import user_set_password

    member = UserFactory()
    tokens = _sign_in(member.email).json()
    user_set_password(user=member, password="another-password-2026")
    assert _me(tokens["access"]) == 401
    assert _refresh(tokens["refresh"]) == 401
    fresh = _sign_in(member.email, "another-password-2026").json()
    assert _me(fresh["access"]) == 200


def test_a_refreshed_access_token_is_bound_too() -> None:
    member = UserFactory()
    tokens = _sign_in(member.email).json()
    access = APIClient().post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json").json()["access"]
    assert _me(access) == 200
    _raw_set("users", member.pk, password=hash_password("changed-elsewhere-1"))
    assert _me(access) == 401


# --- 2. doctor sessions end with a password change written into MongoDB ----------------------------------------


def test_doctor_portal_and_api_sessions_end_when_the_password_is_written_into_mongodb() -> None:
    doctor = DoctorFactory()
    portal, api = doctor_portal_client(doctor), doctor_api_client(doctor)
    assert portal.get("/portal/").status_code == 200
    assert api.get("/auth/doctor/profile").status_code == 200
    _raw_set("doctors", doctor.pk, password=hash_password("changed-by-node-app"))
    assert portal.get("/portal/").status_code == 302
    assert api.get("/auth/doctor/profile").status_code == 401


def test_doctor_sessions_end_when_deactivated_in_mongodb_and_survive_unrelated_edits() -> None:
    doctor = DoctorFactory()
    api = doctor_api_client(doctor)
    _raw_set("doctors", doctor.pk, name="Dr. Renamed")
    assert api.get("/auth/doctor/profile").status_code == 200
    _raw_set("doctors", doctor.pk, isActive=False)
    assert api.get("/auth/doctor/profile").status_code == 401


# --- logout ---------------------------------------------------------------------------------------------------


def test_member_logout_revokes_the_refresh_token_and_its_access_tokens() -> None:
    member = UserFactory()
    tokens = _sign_in(member.email).json()
    other = _sign_in(member.email).json()  # another device's sign-in
    response = APIClient().post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"detail": "You have signed out."}
    assert _me(tokens["access"]) == 401
    assert _refresh(tokens["refresh"]) == 401
    assert _me(other["access"]) == 200  # only that sign-in ends
    again = APIClient().post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 200


def test_the_denylist_entry_expires_with_the_refresh_token() -> None:
    member = UserFactory()
    tokens = _sign_in(member.email).json()
    APIClient().post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    (entry,) = connection.get_collection("member_token_denylist").find({})
    left = entry["expiresAt"].replace(tzinfo=UTC) - timezone.now()
    assert timedelta(days=6) < left <= settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    indexes = connection.get_collection("member_token_denylist").index_information()
    assert any(index.get("expireAfterSeconds") == 0 for index in indexes.values())


@pytest.mark.parametrize("body", [{}, {"refresh": ""}, {"refresh": "not-a-token"}, {"refresh": ["x"]}])
def test_logout_with_no_or_a_bad_token_is_400_or_401(body: dict) -> None:
    response = APIClient().post(LOGOUT_URL, body, format="json")
    assert response.status_code in (400, 401)


def test_logout_with_an_access_token_instead_of_a_refresh_token_is_401() -> None:
    tokens = _sign_in(UserFactory().email).json()
    assert APIClient().post(LOGOUT_URL, {"refresh": tokens["access"]}, format="json").status_code == 401
    assert _me(tokens["access"]) == 200


# --- 3. the token endpoint serves members only ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATIONS])
def test_staff_credentials_get_the_same_401_as_a_wrong_password(role: str) -> None:
    staff = StaffFactory(role=role)
    right = _sign_in(staff.email)
    wrong = _sign_in(staff.email, "wrong-password")
    assert right.status_code == wrong.status_code == 401
    assert right.json() == wrong.json() == {"detail": MSG_INVALID_CREDENTIALS}
    assert right.get("WWW-Authenticate") == wrong.get("WWW-Authenticate")


# --- 4. a stranger cannot lock an account out ------------------------------------------------------------------


def test_a_stranger_guessing_from_one_address_does_not_lock_the_member_out() -> None:
    member = UserFactory()
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert _sign_in(member.email, "guess", ip="198.51.100.7").status_code == 401
    assert _sign_in(member.email, DEFAULT_PASSWORD, ip="198.51.100.7").status_code == 429  # the stranger stops
    assert _sign_in(member.email, DEFAULT_PASSWORD, ip="10.0.0.2").status_code == 200  # the owner signs in


def test_a_stranger_guessing_from_one_address_does_not_lock_the_doctor_out() -> None:
    doctor = DoctorFactory()
    stranger, owner = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="10.0.0.2")
    body = {"email": doctor.email, "password": "guess"}
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert stranger.post("/auth/doctor/login", body, content_type="application/json").status_code == 401
    body["password"] = DOCTOR_PASSWORD
    assert stranger.post("/auth/doctor/login", body, content_type="application/json").status_code == 429
    response = owner.post("/auth/doctor/login", body, content_type="application/json")
    assert response.status_code == 200
    assert COOKIE_NAME in response.cookies


def test_guessing_one_account_from_many_addresses_stops_at_the_account_ceiling() -> None:
    member = UserFactory()
    per_address = MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS
    for n in range(MAX_FAILURES_PER_ACCOUNT):
        assert _sign_in(member.email, "guess", ip=f"10.1.{n // per_address}.1").status_code == 401
    assert _sign_in(member.email, DEFAULT_PASSWORD, ip="10.2.0.1").status_code == 429


# --- 5. no 500 for a correctly signed token with odd claims ------------------------------------------------------


def _signed(claims: dict) -> str:
    return jwt.encode(claims, settings.SECRET_KEY, algorithm="HS256")


def _odd_tokens(member_pk: str) -> list[dict]:
    now = int(timezone.now().timestamp())
    base = {"token_type": "access", "exp": now + 600, "iat": now, "jti": "j1", "user_id": member_pk}
    tokens = [{}, {"token_type": "access"}, {"token_type": "access", "exp": now + 600}]
    for claim in ("user_id", "jti", "exp", "token_type"):
        tokens.append({key: value for key, value in base.items() if key != claim})
    for user_id in (None, 1, "", "not-an-object-id", ["x"], {"$gt": ""}, "0" * 24):
        tokens.append({**base, "user_id": user_id})
    for exp in (10**20, -(10**20), "soon", None):
        tokens.append({**base, "exp": exp})
    tokens.append({**base, "sid": 5, "cfp": None})
    tokens.append({**base, "token_type": "refresh"})
    return tokens


def test_correctly_signed_tokens_with_missing_or_odd_claims_answer_401() -> None:
    member = UserFactory()
    for claims in _odd_tokens(str(member.pk)):
        token = _signed(claims)
        response = APIClient().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 401, claims
        assert APIClient().post(REFRESH_URL, {"refresh": token}, format="json").status_code == 401, claims
        assert APIClient().post(LOGOUT_URL, {"refresh": token}, format="json").status_code == 401, claims
        doctor_api = Client()
        doctor_api.cookies[COOKIE_NAME] = token
        assert doctor_api.get("/auth/doctor/profile").status_code == 401, claims


@pytest.mark.parametrize("field", ["password", "isActive"])
def test_staff_admin_sessions_end_when_credentials_change_in_mongodb(field: str) -> None:
    staff = StaffFactory()
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    _raw_set("users", staff.pk, **{field: hash_password("changed-by-node-app") if field == "password" else False})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_credential_and_revocation_check_costs_one_database_command(assert_db_commands) -> None:
    """The user and the denylist are read together (users/tokens.py): GET /me is that one command."""
    member = UserFactory()
    access = member_tokens_issue(user=member).access
    with assert_db_commands(1):
        assert _me(access) == 200

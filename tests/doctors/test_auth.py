"""Doctor sign-in: /auth/doctor/login, /logout, /profile (docs/api.md, Authentication)."""

from datetime import timedelta

import bcrypt
import jwt
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from doctors.auth.services import (
    MAX_FAILURES_PER_EMAIL,
    MAX_FAILURES_PER_IP,
    MSG_ACCOUNT_INACTIVE,
    MSG_INVALID_CREDENTIALS,
    MSG_TOO_MANY_ATTEMPTS,
)
from doctors.auth.sessions import (
    COOKIE_NAME,
    JWT_AUDIENCE,
    MSG_DOCTORS_ONLY,
    MSG_SESSION_ENDED,
    SESSION_LIFETIME,
    token_issue,
)
from doctors.models import Doctor, DoctorSession, LoginFailure
from tests.doctors.clients import LOGIN_URL, doctor_api_client
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = "/auth/doctor/profile"
LOGOUT_URL = "/auth/doctor/logout"


def _json_login(client: Client, email: str, password: str = DOCTOR_PASSWORD):
    return client.post(LOGIN_URL, {"email": email, "password": password}, content_type="application/json")


# --- Signing in -------------------------------------------------------------------------------------------


def test_json_login_answers_200_with_the_profile_without_the_password() -> None:
    doctor = DoctorFactory(doctor_id="DOC001", name="Dr. Vikas Mittal")
    response = _json_login(Client(), doctor.email)
    assert response.status_code == 200
    body = response.json()
    assert body["_id"] == str(doctor.pk)
    assert body["doctorId"] == "DOC001"
    assert body["role"] == "DOCTOR"
    assert "password" not in body


def test_login_cookie_is_http_only_lax_and_lasts_eight_hours() -> None:
    doctor = DoctorFactory()
    response = _json_login(Client(), doctor.email)
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 8 * 60 * 60
    assert cookie["path"] == "/"


def test_login_cookie_is_secure_outside_debug(settings: pytest.FixtureRequest) -> None:
    settings.DEBUG = False
    response = _json_login(Client(), DoctorFactory().email)
    assert response.cookies[COOKIE_NAME]["secure"] is True


def test_login_cookie_is_not_secure_in_debug(settings: pytest.FixtureRequest) -> None:
    settings.DEBUG = True
    response = _json_login(Client(), DoctorFactory().email)
    assert not response.cookies[COOKIE_NAME]["secure"]


def test_token_is_a_doctor_jwt_expiring_after_eight_hours() -> None:
    doctor = DoctorFactory()
    token = _json_login(Client(), doctor.email).cookies[COOKIE_NAME].value
    claims = jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"], audience=JWT_AUDIENCE)
    assert claims["exp"] - claims["iat"] == 8 * 60 * 60
    assert claims["sub"] == str(doctor.pk)
    assert claims["role"] == "DOCTOR"
    assert claims["jti"]


def test_every_login_gets_a_unique_jti() -> None:
    doctor = DoctorFactory()
    tokens = [_json_login(Client(), doctor.email).cookies[COOKIE_NAME].value for _ in range(2)]
    jtis = {jwt.decode(t, options={"verify_signature": False})["jti"] for t in tokens}
    assert len(jtis) == 2


def test_login_also_sets_the_csrftoken_cookie() -> None:
    response = _json_login(Client(), DoctorFactory().email)
    assert response.cookies["csrftoken"].value


def test_login_updates_last_login() -> None:
    doctor = DoctorFactory()
    assert doctor.last_login is None
    before = timezone.now()
    _json_login(Client(), doctor.email)
    doctor.refresh_from_db()
    assert doctor.last_login is not None
    assert doctor.last_login >= before.replace(microsecond=0)


def test_login_email_is_case_insensitive() -> None:
    doctor = DoctorFactory(email="dr.vikas@example.com")
    assert _json_login(Client(), "  Dr.Vikas@Example.com ").status_code == 200
    doctor.refresh_from_db()
    assert doctor.last_login is not None


@pytest.mark.real_bcrypt
def test_a_seed_bcrypt_hash_signs_in_as_stored() -> None:
    doctor = DoctorFactory()
    seed_hash = bcrypt.hashpw(b"seed-pass", bcrypt.gensalt(rounds=10, prefix=b"2b")).decode()
    assert seed_hash.startswith("$2b$10$")
    Doctor.objects.filter(pk=doctor.pk).update(password=seed_hash)  # as the existing system stored it
    assert _json_login(Client(), doctor.email, "seed-pass").status_code == 200


def test_wrong_password_is_401_with_the_generic_message() -> None:
    doctor = DoctorFactory()
    response = _json_login(Client(), doctor.email, "wrong password")
    assert response.status_code == 401
    assert response.json() == {"detail": MSG_INVALID_CREDENTIALS}
    assert COOKIE_NAME not in response.cookies


def test_unknown_email_is_401_with_the_same_message() -> None:
    response = _json_login(Client(), "nobody@example.com")
    assert response.status_code == 401
    assert response.json() == {"detail": MSG_INVALID_CREDENTIALS}


def test_doctor_without_a_password_is_401_with_the_same_message() -> None:
    doctor = DoctorFactory()
    Doctor.objects.filter(pk=doctor.pk).update(password=None)
    response = _json_login(Client(), doctor.email, "")
    assert response.status_code == 400  # a password is required input
    response = _json_login(Client(), doctor.email, "anything")
    assert response.status_code == 401
    assert response.json() == {"detail": MSG_INVALID_CREDENTIALS}


def test_inactive_doctor_cannot_sign_in() -> None:
    doctor = DoctorFactory(is_active=False)
    response = _json_login(Client(), doctor.email)
    assert response.status_code == 401
    assert response.json() == {"detail": MSG_ACCOUNT_INACTIVE}
    assert COOKIE_NAME not in response.cookies
    doctor.refresh_from_db()
    assert doctor.last_login is None


def test_login_without_fields_is_400_with_field_errors() -> None:
    response = Client().post(LOGIN_URL, {}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_malformed_json_is_400() -> None:
    response = Client().post(LOGIN_URL, "{not json", content_type="application/json")
    assert response.status_code == 400


# --- Throttling --------------------------------------------------------------------------------------------


def test_repeated_failures_for_one_email_are_throttled() -> None:
    doctor = DoctorFactory()
    client = Client()
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert _json_login(client, doctor.email, "wrong").status_code == 401
    response = _json_login(client, doctor.email)  # even the right password now waits
    assert response.status_code == 429
    assert response.json() == {"detail": MSG_TOO_MANY_ATTEMPTS}
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert COOKIE_NAME not in response.cookies


def test_throttle_for_one_email_does_not_lock_out_another() -> None:
    victim, other = DoctorFactory(), DoctorFactory()
    client = Client()
    for _ in range(MAX_FAILURES_PER_EMAIL):
        _json_login(client, victim.email, "wrong")
    assert _json_login(client, other.email).status_code == 200


def test_repeated_failures_from_one_ip_are_throttled_across_emails() -> None:
    doctor = DoctorFactory()
    client = Client()
    for n in range(MAX_FAILURES_PER_IP):
        assert _json_login(client, f"guess{n}@example.com", "wrong").status_code == 401
    assert _json_login(client, doctor.email).status_code == 429
    assert _json_login(Client(REMOTE_ADDR="10.0.0.9"), doctor.email).status_code == 200


def test_failure_counters_live_in_mongodb_with_a_window() -> None:
    _json_login(Client(), "someone@example.com", "wrong")
    counter = LoginFailure.objects.get(key="email:someone@example.com")
    assert counter.count == 1
    assert counter.expires_at > timezone.now()


def test_an_expired_failure_window_starts_counting_again() -> None:
    doctor = DoctorFactory()
    client = Client()
    for _ in range(MAX_FAILURES_PER_EMAIL):
        _json_login(client, doctor.email, "wrong")
    LoginFailure.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _json_login(client, doctor.email, "wrong").status_code == 401
    assert LoginFailure.objects.get(key=f"email:{doctor.email}").count == 1
    assert _json_login(client, doctor.email).status_code == 200


def test_success_clears_the_email_and_address_failure_counter() -> None:
    doctor = DoctorFactory()
    _json_login(Client(), doctor.email, "wrong")
    assert LoginFailure.objects.filter(key=f"email-ip:127.0.0.1:{doctor.email}").exists()
    _json_login(Client(), doctor.email)
    assert not LoginFailure.objects.filter(key=f"email-ip:127.0.0.1:{doctor.email}").exists()


# --- Profile, roles and tokens --------------------------------------------------------------------------------


def test_profile_returns_the_signed_in_doctor() -> None:
    doctor = DoctorFactory()
    response = doctor_api_client(doctor).get(PROFILE_URL)
    assert response.status_code == 200
    assert response.json()["email"] == doctor.email
    assert "password" not in response.json()


def test_profile_without_a_cookie_is_401() -> None:
    response = APIClient().get(PROFILE_URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_member_bearer_token_is_refused_on_doctor_endpoints_with_403() -> None:
    member = UserFactory()
    client = APIClient()
    tokens = client.post("/api/v1/auth/token", {"email": member.email, "password": DEFAULT_PASSWORD}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    response = client.get(PROFILE_URL)
    assert response.status_code == 403
    assert response.json() == {"detail": MSG_DOCTORS_ONLY}


def test_member_token_in_the_doctor_cookie_is_401() -> None:
    member = UserFactory()
    client = APIClient()
    tokens = client.post("/api/v1/auth/token", {"email": member.email, "password": DEFAULT_PASSWORD}, format="json")
    client.cookies[COOKIE_NAME] = tokens.json()["access"]
    response = client.get(PROFILE_URL)
    assert response.status_code == 401
    assert response.json() == {"detail": MSG_SESSION_ENDED}


def test_forged_token_is_401() -> None:
    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    claims = jwt.decode(client.cookies[COOKIE_NAME].value, options={"verify_signature": False})
    client.cookies[COOKIE_NAME] = jwt.encode(claims, "not-our-secret-key-but-long-enough-32b", algorithm="HS256")
    assert client.get(PROFILE_URL).status_code == 401


def test_signed_token_without_a_session_is_401() -> None:
    issued = token_issue(doctor=DoctorFactory(), now=timezone.now())  # never stored: not a live session
    client = APIClient()
    client.cookies[COOKIE_NAME] = issued.token
    assert client.get(PROFILE_URL).status_code == 401


def test_expired_token_is_401() -> None:
    doctor = DoctorFactory()
    issued = token_issue(doctor=doctor, now=timezone.now() - SESSION_LIFETIME - timedelta(minutes=1))
    DoctorSession.objects.create(jti=issued.jti, doctor=doctor, expires_at=timezone.now() + timedelta(hours=1))
    client = APIClient()
    client.cookies[COOKIE_NAME] = issued.token
    assert client.get(PROFILE_URL).status_code == 401


def test_deactivated_doctor_loses_open_sessions() -> None:
    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    Doctor.objects.filter(pk=doctor.pk).update(is_active=False)
    assert client.get(PROFILE_URL).status_code == 401


# --- Sign-out and CSRF -------------------------------------------------------------------------------------


def test_logout_revokes_the_token_so_a_copied_cookie_stops_working() -> None:
    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    copied = client.cookies[COOKIE_NAME].value
    response = client.post(LOGOUT_URL)
    assert response.status_code == 200
    assert response.cookies[COOKIE_NAME].value == ""  # cleared in the browser
    thief = APIClient()
    thief.cookies[COOKIE_NAME] = copied
    response = thief.get(PROFILE_URL)
    assert response.status_code == 401
    assert response.json() == {"detail": MSG_SESSION_ENDED}
    assert not DoctorSession.objects.filter(doctor=doctor).exists()


def test_logout_of_one_session_keeps_the_others() -> None:
    doctor = DoctorFactory()
    laptop, tablet = doctor_api_client(doctor), doctor_api_client(doctor)
    laptop.post(LOGOUT_URL)
    assert tablet.get(PROFILE_URL).status_code == 200


def test_logout_without_csrf_token_is_refused_and_keeps_the_session() -> None:
    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    client.credentials()  # drop the X-CSRFToken header
    response = client.post(LOGOUT_URL)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert client.get(PROFILE_URL).status_code == 200


def test_logout_without_a_session_is_harmless() -> None:
    assert APIClient(enforce_csrf_checks=True).post(LOGOUT_URL).status_code == 200


def test_cookie_authenticated_unsafe_request_without_csrf_token_is_403() -> None:
    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    client.credentials()
    response = client.post(PROFILE_URL)  # any unsafe method on a doctor endpoint
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")


def test_csrf_token_from_the_login_passes_the_check() -> None:
    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    assert client.post(PROFILE_URL).status_code == 405  # past auth and CSRF: only the method is wrong


# --- The HTML sign-in form -------------------------------------------------------------------------------


def test_sign_in_page_renders_a_labelled_form_and_sets_csrftoken() -> None:
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_email">' in html
    assert '<label for="id_password">' in html
    assert "csrftoken" in response.cookies


def test_form_login_redirects_to_the_portal_with_the_cookie() -> None:
    doctor = DoctorFactory()
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN_URL)
    response = client.post(
        LOGIN_URL,
        {
            "email": doctor.email,
            "password": DOCTOR_PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert response.cookies[COOKIE_NAME]["httponly"] is True


def test_form_login_follows_a_safe_next_and_ignores_an_outside_one() -> None:
    doctor = DoctorFactory()
    data = {"email": doctor.email, "password": DOCTOR_PASSWORD}
    response = Client().post(LOGIN_URL, {**data, "next": "/portal/slots/"})
    assert response["Location"] == "/portal/slots/"
    response = Client().post(LOGIN_URL, {**data, "next": "https://evil.example.com/"})
    assert response["Location"] == "/portal/"


def test_form_login_without_csrf_token_is_refused() -> None:
    doctor = DoctorFactory()
    response = Client(enforce_csrf_checks=True).post(LOGIN_URL, {"email": doctor.email, "password": DOCTOR_PASSWORD})
    assert response.status_code == 403
    assert COOKIE_NAME not in response.cookies


def test_form_login_with_wrong_password_shows_the_message() -> None:
    doctor = DoctorFactory()
    response = Client().post(LOGIN_URL, {"email": doctor.email, "password": "wrong"})
    assert response.status_code == 401
    assert MSG_INVALID_CREDENTIALS in response.content.decode()


def test_form_logout_redirects_to_the_sign_in_page_and_revokes() -> None:
    doctor = DoctorFactory()
    client = Client()
    client.post(LOGIN_URL, {"email": doctor.email, "password": DOCTOR_PASSWORD})
    copied = client.cookies[COOKIE_NAME].value
    response = client.post(LOGOUT_URL, {})
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    thief = APIClient()
    thief.cookies[COOKIE_NAME] = copied
    assert thief.get(PROFILE_URL).status_code == 401


def test_setting_a_new_password_ends_every_session() -> None:
    from doctors.auth.services import doctor_set_password

    doctor = DoctorFactory()
    client = doctor_api_client(doctor)
    doctor_set_password(doctor=doctor, password="a brand new password")
    assert client.get(PROFILE_URL).status_code == 401

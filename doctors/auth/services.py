"""Writes of doctor sign-in: the portal password, sign-in (throttled) and sign-out."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import timezone

from core.errors import Throttled, Unauthorized
from core.login_throttle import (
    MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
    MAX_FAILURES_PER_ADDRESS,
    MSG_TOO_MANY_ATTEMPTS,
    login_failure_keys,
    login_failure_record,
    login_failures_clear,
    login_retry_after,
    pair_key,
)
from core.passwords import hash_password, validate_new_password, verify_password
from doctors.auth.sessions import COOKIE_NAME, IssuedToken, token_claims, token_issue
from doctors.models import Doctor, DoctorSession
from mongo.lookups import first_by_email

# One message for an unknown email, a wrong password and a doctor with no password: no account enumeration.
MSG_INVALID_CREDENTIALS = "Invalid email or password."
MSG_ACCOUNT_INACTIVE = "This doctor account is deactivated. Please contact OPD Wallet support."

MAX_FAILURES_PER_EMAIL = MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS  # from one address; more from many
MAX_FAILURES_PER_IP = MAX_FAILURES_PER_ADDRESS


class LoginRefused(Unauthorized):
    """401: wrong email or password, or a deactivated account."""

    www_authenticate = f'Cookie realm="{COOKIE_NAME}"'


class LoginThrottled(Throttled):
    """429: too many failed sign-ins; `retry_after` says when to try again."""


@dataclass(frozen=True)
class SignedIn:
    doctor: Doctor
    token: IssuedToken


def doctor_set_password(*, doctor: Doctor, password: str) -> Doctor:
    """Hash and store the doctor's portal password (bcrypt, cost 10) and end the doctor's sessions.

    Raises ValidationError for a password the validators refuse (core/passwords.py: validate_new_password).
    """
    validate_new_password(password, user=doctor)
    doctor.set_password(password)
    doctor.save(update_fields=["password", "updated_at"])
    DoctorSession.objects.filter(doctor=doctor).delete()  # a new password signs out every open session
    return doctor


@cache
def _dummy_hash(rounds: int) -> str:
    return hash_password("not-a-password-of-anyone")


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def doctor_login(*, email: str, password: str, ip_address: str, user_agent: str = "") -> SignedIn:
    """Check the credentials and open an 8-hour session. Raises LoginRefused (401) or LoginThrottled (429)."""
    email = _normalise_email(email)
    keys = login_failure_keys(namespace="", account=email, ip_address=ip_address)
    retry_after = login_retry_after(keys=keys)
    if retry_after is not None:
        raise LoginThrottled(MSG_TOO_MANY_ATTEMPTS, retry_after=retry_after)
    doctor = first_by_email(Doctor, email=email)
    if doctor is None or not doctor.password:
        verify_password(password, _dummy_hash(settings.BCRYPT_ROUNDS))  # as slow as a real check
    if doctor is None or not doctor.check_password(password):
        login_failure_record(keys=keys)
        raise LoginRefused(MSG_INVALID_CREDENTIALS)
    if not doctor.is_active:
        raise LoginRefused(MSG_ACCOUNT_INACTIVE)
    login_failures_clear(key=pair_key(namespace="", account=email, ip_address=ip_address))
    now = timezone.now()  # the real clock, as the token's `iat` needs (doctors/auth/sessions.py)
    Doctor.objects.filter(pk=doctor.pk).update(last_login=now)
    doctor.last_login = now
    issued = token_issue(doctor=doctor, now=now)
    DoctorSession.objects.create(
        jti=issued.jti,
        doctor=doctor,
        expires_at=issued.expires_at,
        ip_address=ip_address[:45],
        user_agent=user_agent[:300],
    )
    return SignedIn(doctor=doctor, token=issued)


def doctor_logout(*, token: str | None) -> None:
    """Revoke the session of this token (expired ones too); a no-op for a token that is not ours."""
    claims = token_claims(token, allow_expired=True)
    if claims is not None:
        DoctorSession.objects.filter(jti=claims["jti"]).delete()

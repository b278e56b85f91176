"""Writes on doctors: portal sign-in and sign-out, and their weekly slots."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
from pymongo.errors import DuplicateKeyError

from doctors.auth import IssuedToken, token_claims, token_issue
from doctors.models import Doctor, DoctorSession, LoginFailure
from opd_wallet.passwords import hash_password, validate_password_length, verify_password


def doctor_set_password(*, doctor: Doctor, password: str) -> Doctor:
    """Hash and store the doctor's portal password (bcrypt, cost 10). Raises ValidationError if too long."""
    validate_password_length(password)
    doctor.set_password(password)
    doctor.save(update_fields=["password", "updated_at"])
    return doctor


# --- Sign-in ----------------------------------------------------------------------------------------------

# One message for an unknown email, a wrong password and a doctor with no password: no account enumeration.
MSG_INVALID_CREDENTIALS = "Invalid email or password."
MSG_ACCOUNT_INACTIVE = "This doctor account is deactivated. Please contact OPD Wallet support."
MSG_TOO_MANY_ATTEMPTS = "Too many failed sign-in attempts. Please wait a few minutes and try again."

LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20


class LoginRefused(Exception):
    """Sign-in refused: 401, or 429 when `retry_after` (seconds) is set."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    doctor: Doctor
    token: IssuedToken


def _failure_keys(email: str, ip_address: str) -> dict[str, int]:
    """Counter key -> the number of failures in one window that closes it."""
    return {f"email:{email}"[:320]: MAX_FAILURES_PER_EMAIL, f"ip:{ip_address}": MAX_FAILURES_PER_IP}


def _failures():
    return connection.get_collection(LoginFailure._meta.db_table)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def login_retry_after(*, keys: dict[str, int]) -> int | None:
    """Seconds until sign-in reopens when any counter in `keys` reached its limit, else None."""
    now = timezone.now()
    waits = [
        int((_aware(doc["expiresAt"]) - now).total_seconds()) + 1
        for doc in _failures().find({"key": {"$in": list(keys)}, "expiresAt": {"$gt": now}})
        if doc["count"] >= keys[doc["key"]]
    ]
    return max(waits) if waits else None


def login_failure_record(*, keys: dict[str, int]) -> None:
    """Count one failure on each key: an atomic `$inc` upsert on the key's open window."""
    for key in keys:
        for _attempt in range(3):
            now = timezone.now()
            try:
                _failures().update_one(
                    {"key": key, "expiresAt": {"$gt": now}},
                    {"$inc": {"count": 1}, "$setOnInsert": {"expiresAt": now + LOGIN_FAILURE_WINDOW, "createdAt": now}},
                    upsert=True,
                )
                break
            except DuplicateKeyError:
                # The key's window has closed but the TTL monitor has not removed it yet: open a new one.
                _failures().update_one(
                    {"key": key, "expiresAt": {"$lte": now}},
                    {"$set": {"count": 0, "expiresAt": now + LOGIN_FAILURE_WINDOW, "createdAt": now}},
                )


@cache
def _dummy_hash(rounds: int) -> str:
    return hash_password("not-a-password-of-anyone")


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def doctor_login(*, email: str, password: str, ip_address: str, user_agent: str = "") -> SignedIn:
    """Check the credentials and open an 8-hour session. Raises LoginRefused (401 or 429)."""
    email = _normalise_email(email)
    keys = _failure_keys(email, ip_address)
    retry_after = login_retry_after(keys=keys)
    if retry_after is not None:
        raise LoginRefused(MSG_TOO_MANY_ATTEMPTS, retry_after=retry_after)
    doctor = Doctor.objects.filter(email__iexact=email).first()
    if doctor is None:
        verify_password(password, _dummy_hash(settings.BCRYPT_ROUNDS))  # same time as a real check
    if doctor is None or not doctor.check_password(password):
        login_failure_record(keys=keys)
        raise LoginRefused(MSG_INVALID_CREDENTIALS)
    if not doctor.is_active:
        raise LoginRefused(MSG_ACCOUNT_INACTIVE)
    _failures().delete_one({"key": f"email:{email}"[:320]})
    now = timezone.now()
    Doctor.objects.filter(pk=doctor.pk).update(last_login=now)
    doctor.last_login = now
    issued = token_issue(doctor=doctor, now=now)
    DoctorSession.objects.create(
        jti=issued.jti, doctor=doctor, expires_at=issued.expires_at,
        ip_address=ip_address[:45], user_agent=user_agent[:300],
    )
    return SignedIn(doctor=doctor, token=issued)


def doctor_logout(*, token: str | None) -> None:
    """Revoke the session of this token (expired ones too); a no-op for a token that is not ours."""
    claims = token_claims(token, allow_expired=True)
    if claims is not None:
        DoctorSession.objects.filter(jti=claims["jti"]).delete()

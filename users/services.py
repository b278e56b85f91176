"""Writes on users: members and staff."""

from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError

from core.errors import Conflict, Throttled, Unauthorized
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
from mongo.lookups import first_by_email
from users.models import Role, User

MSG_EMAIL_TAKEN = "A user with this email already exists."


class EmailTaken(Conflict):
    """409: another user has this email."""


def user_create(*, email: str, password: str | None, **fields: Any) -> User:
    """Create a user with a bcrypt password. Raises EmailTaken when the email is in use."""
    try:
        return User.objects.create_user(email=email, password=password, **fields)
    except IntegrityError as exc:
        raise EmailTaken(MSG_EMAIL_TAKEN) from exc


def user_set_password(*, user: User, password: str) -> User:
    """Raises ValidationError for a password the validators refuse (core/passwords.py)."""
    validate_new_password(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    return user


# --- Member sign-in (POST /api/v1/auth/token), throttled like the doctors' ------------------------------------

# simplejwt's own wording, which member apps already know; the same for an unknown email and a wrong password.
MSG_INVALID_CREDENTIALS = "No active account found with the given credentials"
MAX_MEMBER_FAILURES_PER_EMAIL = MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS  # from one address; more from many
MAX_MEMBER_FAILURES_PER_IP = MAX_FAILURES_PER_ADDRESS
NAMESPACE = "member"


class MemberLoginRefused(Unauthorized):
    """401: wrong email or password, or an inactive account."""

    www_authenticate = 'Bearer realm="api"'


class MemberLoginThrottled(Throttled):
    """429: too many failed sign-ins; `retry_after` says when to try again."""


@cache
def _dummy_hash(rounds: int) -> str:
    return hash_password("not-a-password-of-anyone")


def member_login(*, email: str, password: str, ip_address: str) -> User:
    """The active member these credentials belong to. Raises MemberLoginRefused (401) or MemberLoginThrottled (429).

    Failures are counted per email and address, per address and per email (core/login_throttle.py, as for
    doctors and staff). An unknown email costs the same bcrypt check as a known one, and any password (empty,
    over bcrypt's 72 bytes) is simply wrong. Staff credentials are refused exactly like a wrong password: the
    token endpoint serves members only, and must not tell anyone that an email is a staff account.
    """
    email = email.strip().lower()
    keys = login_failure_keys(namespace=NAMESPACE, account=email, ip_address=ip_address)
    retry_after = login_retry_after(keys=keys)
    if retry_after is not None:
        raise MemberLoginThrottled(MSG_TOO_MANY_ATTEMPTS, retry_after=retry_after)
    user = first_by_email(User, email=email)
    if user is None:
        verify_password(password, _dummy_hash(settings.BCRYPT_ROUNDS))
    if user is None or not user.check_password(password) or not user.is_active or user.role != Role.MEMBER:
        login_failure_record(keys=keys)
        raise MemberLoginRefused(MSG_INVALID_CREDENTIALS)
    login_failures_clear(key=pair_key(namespace=NAMESPACE, account=email, ip_address=ip_address))
    return user

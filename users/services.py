"""Writes on users: members and staff."""

from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError

from core.errors import Conflict, Throttled, Unauthorized
from core.login_throttle import (
    MSG_TOO_MANY_ATTEMPTS,
    login_failure_record,
    login_failures_clear,
    login_retry_after,
    throttle_key,
)
from core.passwords import hash_password, validate_new_password, verify_password
from mongo.lookups import first_by_email
from users.models import User

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
MAX_MEMBER_FAILURES_PER_EMAIL = 5
MAX_MEMBER_FAILURES_PER_IP = 20


class MemberLoginRefused(Unauthorized):
    """401: wrong email or password, or an inactive account."""

    www_authenticate = 'Bearer realm="api"'


class MemberLoginThrottled(Throttled):
    """429: too many failed sign-ins; `retry_after` says when to try again."""


def _member_failure_keys(email: str, ip_address: str) -> dict[str, int]:
    return {
        throttle_key("member", "email", email): MAX_MEMBER_FAILURES_PER_EMAIL,
        throttle_key("member", "ip", ip_address): MAX_MEMBER_FAILURES_PER_IP,
    }


@cache
def _dummy_hash(rounds: int) -> str:
    return hash_password("not-a-password-of-anyone")


def member_login(*, email: str, password: str, ip_address: str) -> User:
    """The active user these credentials belong to. Raises MemberLoginRefused (401) or MemberLoginThrottled (429).

    Five failures for one email, or twenty from one IP address, in 15 minutes close sign-in for the rest of
    the window (core/login_throttle.py, the same counters as the doctors'). An unknown email costs the
    same bcrypt check as a known one, and any password (empty, over bcrypt's 72 bytes) is simply wrong.
    """
    email = email.strip().lower()
    keys = _member_failure_keys(email, ip_address)
    retry_after = login_retry_after(keys=keys)
    if retry_after is not None:
        raise MemberLoginThrottled(MSG_TOO_MANY_ATTEMPTS, retry_after=retry_after)
    user = first_by_email(User, email=email)
    if user is None:
        verify_password(password, _dummy_hash(settings.BCRYPT_ROUNDS))
    if user is None or not user.check_password(password) or not user.is_active:
        login_failure_record(keys=keys)
        raise MemberLoginRefused(MSG_INVALID_CREDENTIALS)
    login_failures_clear(key=throttle_key("member", "email", email))
    return user

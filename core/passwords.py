"""bcrypt passwords in the existing system's plain "$2b$10$..." form, for members, staff and doctors alike.

Django's hashers cannot verify that form (docs/decisions/0005-bcrypt-cost-10.md), so the user and doctor
models call these two functions directly. A hash we write is readable by the existing Node system and vice versa.
"""

from typing import Any

import bcrypt
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

BCRYPT_MAX_BYTES = 72
MSG_PASSWORD_TOO_LONG = "Password is too long: at most 72 bytes (bcrypt's limit)."
MSG_PASSWORD_EMPTY = "Password cannot be empty."


def validate_password_length(raw: str) -> None:
    if not raw:
        raise ValidationError(MSG_PASSWORD_EMPTY, code="password_empty")
    if len(raw.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise ValidationError(MSG_PASSWORD_TOO_LONG, code="password_too_long")


def validate_new_password(raw: str, *, user: Any = None) -> None:
    """A password someone chooses now (portal and staff): bcrypt's limits plus Django's
    AUTH_PASSWORD_VALIDATORS (settings: at least 10 characters, not common, not all digits, not like the
    user's name or email). Existing hashes are never re-checked. Raises ValidationError with every reason."""
    validate_password_length(raw)
    password_validation.validate_password(raw, user=user)


def hash_password(raw: str) -> str:
    """Precondition: `raw` passed validate_password_length."""
    validate_password_length(raw)
    salt = bcrypt.gensalt(rounds=settings.BCRYPT_ROUNDS, prefix=b"2b")
    return bcrypt.hashpw(raw.encode("utf-8"), salt).decode("ascii")


def verify_password(raw: str | None, hashed: str | None) -> bool:
    """True when `raw` matches the bcrypt `hashed`; False for anything unusable, never an exception."""
    if not raw or not hashed or not hashed.startswith(("$2a$", "$2b$", "$2y$")):
        return False
    # The existing Node system silently truncates at 72 bytes, so its hashes of longer passwords verify
    # only on the first 72 bytes; bcrypt 5 would raise instead.
    encoded = raw.encode("utf-8")[:BCRYPT_MAX_BYTES]
    try:
        return bcrypt.checkpw(encoded, hashed.encode("ascii"))
    except ValueError:
        return False

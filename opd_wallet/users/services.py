"""Writes on users: members and staff."""

from typing import Any

from django.db import IntegrityError

from opd_wallet.passwords import validate_password_length
from opd_wallet.users.models import User

MSG_EMAIL_TAKEN = "A user with this email already exists."


class UserError(ValueError):
    pass


def user_create(*, email: str, password: str | None, **fields: Any) -> User:
    """Create a user with a bcrypt password. Precondition: none; raises UserError on bad input."""
    email = User.objects.normalize_email(email).lower()
    if password:
        validate_password_length(password)
    user = User(email=email, **fields)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        user.save()
    except IntegrityError as exc:
        raise UserError(MSG_EMAIL_TAKEN) from exc
    return user


def user_set_password(*, user: User, password: str) -> User:
    validate_password_length(password)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    return user

"""Member tokens (simplejwt, docs/decisions/0004-drf-and-simplejwt.md), bound to the member's credentials and
revocable (docs/decisions/0051-tokens-bound-to-credentials.md).

Every token of one sign-in carries `sid` (the refresh token's `jti`) and `cfp` (core/credentials.py). An access
token is honoured only while the member is active, `cfp` matches the stored password and `isActive`, and
`sid` is not in the denylist `member_token_denylist`, where logout puts it until the refresh token would
have expired anyway (a TTL index removes it then).
"""

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from bson import ObjectId
from bson.errors import InvalidId
from django_mongodb_backend.queryset import MongoQuerySet
from pymongo.errors import DuplicateKeyError
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.tokens import RefreshToken, Token

from core.credentials import FINGERPRINT_CLAIM, credential_fingerprint, fingerprint_matches
from core.errors import Unauthorized
from mongo.raw import collection
from users.models import Role, User

SESSION_CLAIM = "sid"
DENYLIST_COLLECTION = "member_token_denylist"

MSG_TOKEN_INVALID = "Token is invalid or expired"
MSG_SESSION_ENDED = "Your session has ended. Please sign in again."


class TokenRefused(Unauthorized):
    """401: the token is malformed, expired, revoked, or no longer matches the member's credentials."""

    www_authenticate = 'Bearer realm="api"'


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def user_fingerprint(user: User) -> str:
    return credential_fingerprint(password_hash=user.password, is_active=user.is_active)


def member_tokens_issue(*, user: User) -> TokenPair:
    """A new sign-in: a refresh token and an access token sharing `sid` and `cfp`."""
    refresh = RefreshToken.for_user(user)
    refresh[SESSION_CLAIM] = refresh[api_settings.JTI_CLAIM]
    refresh[FINGERPRINT_CLAIM] = user_fingerprint(user)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def _user_and_revocation(pk: ObjectId, sid: str) -> User | None:
    """The user and whether `sid` is revoked, in ONE database command: the user by `_id`, with the denylist
    entry of `sid` joined by `$lookup` (an uncorrelated pipeline: MongoDB 3.6+, and the embedded server).
    The user carries `revoked` (a list, empty unless signed out)."""
    pipeline = [
        {"$match": {"_id": pk}},
        {"$limit": 1},
        {
            "$lookup": {
                "from": DENYLIST_COLLECTION,
                "pipeline": [{"$match": {"_id": sid}}, {"$project": {"_id": 1}}],
                "as": "revoked",
            }
        },
    ]
    user = next(iter(MongoQuerySet(model=User).raw_aggregate(pipeline)), None)
    if user is not None:
        # A field the document omits (one written only once set) reads as its default, as the ORM reads it,
        # instead of staying deferred and costing a query when touched.
        fields = {field.attname: field for field in User._meta.concrete_fields}
        for name in user.get_deferred_fields():
            setattr(user, name, fields[name].get_default())
    return user


def _claims_user(token: Token) -> User:
    """The user a token's claims name, if the token is still bound to their current credentials."""
    user_id, sid, cfp = (token.get(api_settings.USER_ID_CLAIM), token.get(SESSION_CLAIM), token.get(FINGERPRINT_CLAIM))
    if not isinstance(user_id, str) or not isinstance(sid, str) or not isinstance(cfp, str):
        raise TokenRefused(MSG_TOKEN_INVALID)
    try:
        pk = ObjectId(user_id)
    except InvalidId as exc:
        raise TokenRefused(MSG_TOKEN_INVALID) from exc
    user = _user_and_revocation(pk, sid)
    if user is None or getattr(user, "revoked", None) or not user.is_active:
        raise TokenRefused(MSG_SESSION_ENDED)
    if not fingerprint_matches(cfp, password_hash=user.password, is_active=user.is_active):
        raise TokenRefused(MSG_SESSION_ENDED)
    return user


def member_from_access_token(token: Token) -> User:
    """The user of a verified access token (signature, expiry and type already checked), in one database
    command, as simplejwt's own check took. Raises TokenRefused (401)."""
    return _claims_user(token)


def _refresh_token(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)  # type: ignore[arg-type]
    except (TokenError, ValueError, OverflowError, TypeError, KeyError) as exc:  # an `exp` past 9999, say
        raise TokenRefused(MSG_TOKEN_INVALID) from exc


def member_tokens_refresh(*, refresh: str) -> str:
    """A new access token for a live refresh token still bound to the member's credentials. Raises TokenRefused."""
    token = _refresh_token(refresh)
    user = _claims_user(token)
    if user.role != Role.MEMBER:
        raise TokenRefused(MSG_SESSION_ENDED)
    return str(token.access_token)


def member_logout(*, refresh: str) -> None:
    """Revoke the sign-in of this refresh token: it and every access token of that sign-in stop working.

    Idempotent; an expired refresh token (dead anyway) is accepted. Raises TokenRefused for anything that is
    not a refresh token signed by us."""
    payload = _payload_ignoring_expiry(refresh)
    sid, exp = payload.get(SESSION_CLAIM), payload.get("exp")
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh" or not isinstance(sid, str):
        raise TokenRefused(MSG_TOKEN_INVALID)
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise TokenRefused(MSG_TOKEN_INVALID)
    try:
        expires_at = datetime.fromtimestamp(exp, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise TokenRefused(MSG_TOKEN_INVALID) from exc
    with contextlib.suppress(DuplicateKeyError):  # signed out already
        collection(DENYLIST_COLLECTION).insert_one(
            {"_id": sid, "expiresAt": expires_at, "userId": str(payload.get(api_settings.USER_ID_CLAIM, ""))}
        )


def _payload_ignoring_expiry(raw: str) -> dict[str, Any]:
    """The claims of a token signed with our key (expiry not checked). Raises TokenRefused."""
    try:
        payload = jwt.decode(
            raw,
            token_backend.get_verifying_key(raw),  # type: ignore[arg-type]  # it takes the raw token
            algorithms=[token_backend.algorithm],
            audience=token_backend.audience,
            issuer=token_backend.issuer,
            options={"verify_exp": False, "verify_aud": token_backend.audience is not None},
        )
    except (jwt.PyJWTError, TokenBackendError, ValueError) as exc:
        raise TokenRefused(MSG_TOKEN_INVALID) from exc
    if not isinstance(payload, dict):
        raise TokenRefused(MSG_TOKEN_INVALID)
    return payload

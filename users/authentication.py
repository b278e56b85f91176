"""The member API's Bearer authentication: simplejwt's checks (signature, expiry, type), then the token must
still be bound to the member's credentials and not revoked (users/tokens.py). Any token we cannot honour,
whatever claims it lacks, answers 401, never 500."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from users.models import User
from users.tokens import MSG_TOKEN_INVALID, TokenRefused, member_from_access_token


class MemberJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]  # AuthUser is our User
        try:
            return member_from_access_token(validated_token)
        except TokenRefused as exc:
            raise AuthenticationFailed(exc.message, code="token_not_valid") from exc

    def get_validated_token(self, raw_token: bytes) -> Token:
        """simplejwt's checks; a correctly signed token with odd claims (an `exp` past year 9999, say) that
        simplejwt cannot read is refused like any invalid token."""
        try:
            return super().get_validated_token(raw_token)
        except (ValueError, OverflowError, TypeError, KeyError) as exc:
            raise InvalidToken(MSG_TOKEN_INVALID) from exc


class MemberJWTScheme(SimpleJWTScheme):
    """The OpenAPI description of the Bearer scheme (drf-spectacular knows simplejwt's class, not subclasses)."""

    target_class = MemberJWTAuthentication  # type: ignore[assignment]  # a class works as well as its path

"""The one error type services raise (docs/decisions: one service error type).

A service that refuses raises a subclass of `ServiceError`: it carries the message for the user (a named
constant next to the rule) and what the refusal means, its `kind`. The member and doctor APIs turn it into a
response in one DRF exception handler (`core.api.exception_handler`); the portal and the admin in one helper
(`core.portal_errors`). Views never catch service errors one by one, and services never raise `Http404`.
"""

from enum import Enum
from typing import Any


class ErrorKind(Enum):
    """What a refusal means, and the HTTP status it answers with."""

    INVALID = 400
    UNAUTHORIZED = 401
    FORBIDDEN = 403
    NOT_FOUND = 404
    CONFLICT = 409
    TOO_LARGE = 413
    THROTTLED = 429
    UNAVAILABLE = 503

    @property
    def status(self) -> int:
        return self.value


class ServiceError(Exception):
    """A service refused. `errors` names the fields at fault (for 400s); `retry_after` is in seconds (429);
    `data` adds JSON-ready keys to the API's `{"detail"}` answer."""

    kind: ErrorKind = ErrorKind.INVALID
    default_message = "The request was refused."
    # For a 401: the `WWW-Authenticate` challenge of the scheme that refused (e.g. 'Bearer realm="api"').
    www_authenticate: str | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        retry_after: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)
        self.errors = errors or {}
        self.retry_after = retry_after
        self.data = data or {}  # more of the answer beside `detail` (e.g. the appointments a time off covers)


class Invalid(ServiceError):
    """400: the input breaks a rule (a field's format, a value out of range)."""

    kind = ErrorKind.INVALID


class Unauthorized(ServiceError):
    """401: the credentials are wrong or missing."""

    kind = ErrorKind.UNAUTHORIZED


class Forbidden(ServiceError):
    """403: who is asking may not do this."""

    kind = ErrorKind.FORBIDDEN


class NotFound(ServiceError):
    """404: no such thing, or it belongs to someone else (never tell the two apart)."""

    kind = ErrorKind.NOT_FOUND
    default_message = "Not found."


class Conflict(ServiceError):
    """409: the request conflicts with the current state (a full time, a status the workflow does not allow)."""

    kind = ErrorKind.CONFLICT


class TooLarge(ServiceError):
    """413: an upload over the size limit."""

    kind = ErrorKind.TOO_LARGE


class Throttled(ServiceError):
    """429: too many attempts; `retry_after` says when to try again."""

    kind = ErrorKind.THROTTLED


class Unavailable(ServiceError):
    """503: a part the request needs (storage, the database) is down; nothing was recorded."""

    kind = ErrorKind.UNAVAILABLE

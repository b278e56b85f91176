"""Sign-in throttling shared by doctors (doctors/services.py) and members (users/services.py).

Failed attempts are counted in MongoDB, not in memory, because gunicorn runs several processes: one counter
document per key (an email, an IP address, namespaced by who signs in) in `doctor_login_failures`
(doctors.models.LoginFailure, whose unique index on `key` and TTL index on `expiresAt` this relies on),
changed only by atomic `$inc` upserts.

Three counters per sign-in attempt (docs/decisions/0052-lockout-resistant-sign-in-throttle.md):
- the account from this address: a low ceiling, so guessing one password from one place stops quickly;
- the address, whatever the account: stops one machine trying many accounts;
- the account, whatever the address: a much higher ceiling, so a stranger who knows an email cannot lock its
  owner out from a handful of addresses, yet a distributed guess still stops.
A success clears the account-and-address counter only.
"""

from datetime import timedelta
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from core import clock
from mongo.raw import collection

FAILURES_COLLECTION = "doctor_login_failures"
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
MSG_TOO_MANY_ATTEMPTS = "Too many failed sign-in attempts. Please wait a few minutes and try again."
KEY_MAX_LENGTH = 320
MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
MAX_FAILURES_PER_ADDRESS = 20
MAX_FAILURES_PER_ACCOUNT = 100


def throttle_key(*parts: str) -> str:
    return ":".join(parts)[:KEY_MAX_LENGTH]


def login_failure_keys(*, namespace: str, account: str, ip_address: str) -> dict[str, int]:
    """The counters of one sign-in attempt, key -> the failures in one window that close it. `namespace`
    separates who signs in ("member", "staff"; "" for doctors, whose keys predate namespaces)."""
    prefix = (namespace,) if namespace else ()
    return {
        pair_key(namespace=namespace, account=account, ip_address=ip_address): MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        throttle_key(*prefix, "ip", ip_address): MAX_FAILURES_PER_ADDRESS,
        throttle_key(*prefix, "email", account): MAX_FAILURES_PER_ACCOUNT,
    }


def pair_key(*, namespace: str, account: str, ip_address: str) -> str:
    """The account-and-address counter, which a successful sign-in clears."""
    prefix = (namespace,) if namespace else ()
    return throttle_key(*prefix, "email-ip", ip_address, account)


def _failures() -> Collection[dict[str, Any]]:
    return collection(FAILURES_COLLECTION)


def login_retry_after(*, keys: dict[str, int]) -> int | None:
    """Seconds until sign-in reopens when any counter in `keys` (key -> limit) reached its limit, else None."""
    now = clock.now()
    waits = [
        int((clock.stored_instant(doc["expiresAt"]) - now).total_seconds()) + 1
        for doc in _failures().find({"key": {"$in": list(keys)}, "expiresAt": {"$gt": now}})
        if doc["count"] >= keys[doc["key"]]
    ]
    return max(waits) if waits else None


def login_failure_record(*, keys: dict[str, int]) -> None:
    """Count one failure on each key: an atomic `$inc` upsert on the key's open window."""
    for key in keys:
        for _attempt in range(3):
            now = clock.now()
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


def login_failures_clear(*, key: str) -> None:
    """Forget the failures of one key (a successful sign-in clears its email's counter, not its IP's)."""
    _failures().delete_one({"key": key})

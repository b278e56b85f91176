"""Credential fingerprints: tokens and sessions bound to the account's current password and active flag.

A member's JWT and a doctor's session carry `cfp`, a short HMAC (keyed by SECRET_KEY) of the stored password
hash and `isActive`. Each authenticated request compares it with the fingerprint of the document it reads
anyway, so a password change or a deactivation by any route (the admin, a service, or the existing system
writing the hash straight into MongoDB) ends every token and session at once, at no extra database read
(docs/decisions/0051-tokens-bound-to-credentials.md). The hash itself never leaves the server.
"""

from django.utils.crypto import constant_time_compare, salted_hmac

FINGERPRINT_CLAIM = "cfp"
_SALT = "opd_wallet.credential_fingerprint"


def credential_fingerprint(*, password_hash: str | None, is_active: bool) -> str:
    value = f"{password_hash or ''}\x00{1 if is_active else 0}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:32]


def fingerprint_matches(claimed: object, *, password_hash: str | None, is_active: bool) -> bool:
    if not isinstance(claimed, str) or not claimed:
        return False
    return constant_time_compare(claimed, credential_fingerprint(password_hash=password_hash, is_active=is_active))

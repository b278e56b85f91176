"""The address a request came from, for the sign-in throttles (core/login_throttle.py)."""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind `TRUSTED_PROXY_HOPS` = n proxies, the address the outermost one was reached from.

    Each proxy appends the address it was connected from to X-Forwarded-For, so the client's is the n-th
    entry from the right. Entries further left were written by the client itself and are never trusted. A
    header with fewer than n entries or an entry that is not an IP address falls back to REMOTE_ADDR.

    Only proxies can be trusted this way: the app must be reachable through them alone (gunicorn binds
    127.0.0.1 by default), or a client could write the header itself.
    """
    remote = request.META.get("REMOTE_ADDR", "") or UNKNOWN
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    return _address(forwarded[-hops]) or remote


def _address(entry: str) -> str | None:
    """An X-Forwarded-For entry as a normalised IP address: "203.0.113.7", "203.0.113.7:5678" and
    "[2001:db8::1]:443" (some load balancers add the port) all read; None for anything else."""
    if entry.startswith("[") and "]" in entry:
        entry = entry[1 : entry.index("]")]
    elif entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    try:
        return str(ip_address(entry))
    except ValueError:
        return None

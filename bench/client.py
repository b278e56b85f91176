"""A small keep-alive HTTP client (one connection per client) and latency statistics."""

from __future__ import annotations

import http.client
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

# devtools.db_commands.DB_COMMANDS_HEADER (not imported: it would register its listener on the bench's own
# pymongo clients and tax the raw queries we compare against)
DB_COMMANDS_HEADER = "X-DB-Commands"


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def db_commands(self) -> int | None:
        value = self.headers.get(DB_COMMANDS_HEADER.lower())
        return int(value) if value is not None else None


@dataclass
class Client:
    """One persistent HTTP/1.1 connection, with a bearer token or the cookies the server set."""

    port: int
    token: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    _conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self._conn

    def request(self, method: str, path: str, *, params: dict | None = None, body: Any = None) -> Reply:
        if params:
            path = f"{path}?{urlencode(params)}"
        data = json.dumps(body).encode() if body is not None else None
        headers = self._headers(json_body=data is not None)
        for attempt in range(2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the server closed an idle keep-alive connection: reconnect once
                self.close()
                if attempt:
                    raise
                continue
            seconds = time.perf_counter() - started
            self._remember_cookies(response)
            reply_headers = {k.lower(): v for k, v in response.getheaders()}
            return Reply(response.status, payload, reply_headers, seconds)
        raise AssertionError("unreachable")

    def _headers(self, *, json_body: bool) -> dict[str, str]:
        headers = {"Host": "127.0.0.1", "Accept": "application/json"}
        if json_body:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return headers

    def _remember_cookies(self, response: http.client.HTTPResponse) -> None:
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]

    def get(self, path: str, **params: Any) -> Reply:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body: Any) -> Reply:
        return self.request("POST", path, body=body)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2), "n": len(ms)}

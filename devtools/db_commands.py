"""Count the MongoDB commands (database round trips) that a block of code sends on Django's client.

    with count_db_commands() as commands:
        client.get("/api/v1/doctors")
    assert commands.count == 2, commands.names

Used by the tests (query counts stay flat) and, only when `OPD_COUNT_DB_COMMANDS=1`, by
`CountDbCommandsMiddleware`, which answers every request with an `X-DB-Commands` header (the benchmark
reads it; see bench/).

pymongo calls a command listener synchronously in the thread that sends the command, so a context
variable ties each command to the block (or request) that is running in that thread. pymongo only gives
listeners to clients created after `monitoring.register`; Django keeps one MongoClient per alias for the
whole process, often created before this module is imported, so the first use reconnects it once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from pymongo import monitoring

DB_COMMANDS_HEADER = "X-DB-Commands"
Command = Mapping[str, Any]  # as pymongo hands it to listeners (a dict, or RawBSONDocument)

_sink: ContextVar[list[tuple[str, Command]] | None] = ContextVar("db_command_sink", default=None)


class _Listener(monitoring.CommandListener):
    def started(self, event: monitoring.CommandStartedEvent) -> None:
        sink = _sink.get()
        if sink is not None:
            sink.append((event.command_name, event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


_LISTENER = _Listener()
monitoring.register(_LISTENER)


class CommandLog:
    """The commands sent, in order."""

    def __init__(self, sent: list[tuple[str, Command]]) -> None:
        self.sent = sent

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.sent]

    @property
    def commands(self) -> list[Command]:
        return [command for _, command in self.sent]

    @property
    def count(self) -> int:
        return len(self.sent)


def ensure_listening() -> None:
    """Make sure Django's MongoClient reports to the listener (reconnecting it once if it predates it)."""
    connection.ensure_connection()
    if _LISTENER not in connection.connection.options.event_listeners:
        connection.close_pool()  # type: ignore[attr-defined]  # the MongoDB backend's
        connection.ensure_connection()
    if _LISTENER not in connection.connection.options.event_listeners:
        raise RuntimeError("the MongoDB client did not pick up the command listener")


@contextmanager
def count_db_commands() -> Iterator[CommandLog]:
    """Count the commands sent from this thread (and context) inside the block. Blocks may nest."""
    ensure_listening()
    outer = _sink.get()
    sent: list[tuple[str, Command]] = []
    token = _sink.set(sent)
    try:
        yield CommandLog(sent)
    finally:
        _sink.reset(token)
        if outer is not None:
            outer.extend(sent)


class CountDbCommandsMiddleware:
    """Benchmark only (settings add it when OPD_COUNT_DB_COMMANDS=1): `X-DB-Commands: <n>` on every response.

    Put first, so the count covers every middleware (sessions, authentication) as well as the view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with count_db_commands() as commands:
            response = self.get_response(request)
        response[DB_COMMANDS_HEADER] = str(commands.count)
        return response

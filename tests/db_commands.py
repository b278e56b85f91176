"""Count the MongoDB commands (database round trips) a block of code sends, on Django's own client.

    with count_db_commands() as commands:
        client.get("/api/v1/doctors")
    assert commands.count == 2, commands.names

pymongo gives a listener only to clients created after `monitoring.register`. Django keeps one
MongoClient per alias for the whole process, usually created before any test module is imported, so
the first use reconnects it once (`close_pool`) to pick the listener up. Counts every command from every
thread, so use it around single-threaded code.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from pymongo import monitoring


class _Listener(monitoring.CommandListener):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sinks: list[list[str]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        with self._lock:
            for sink in self._sinks:
                sink.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    @contextmanager
    def capture(self) -> Iterator[list[str]]:
        sink: list[str] = []
        with self._lock:
            self._sinks.append(sink)
        try:
            yield sink
        finally:
            with self._lock:
                self._sinks.remove(sink)


_LISTENER = _Listener()
monitoring.register(_LISTENER)


class CommandLog:
    def __init__(self, names: list[str]) -> None:
        self.names = names

    @property
    def count(self) -> int:
        return len(self.names)


def _ensure_listening() -> None:
    connection.ensure_connection()
    if _LISTENER not in connection.connection.options.event_listeners:
        connection.close_pool()
        connection.ensure_connection()
    assert _LISTENER in connection.connection.options.event_listeners


@contextmanager
def count_db_commands() -> Iterator[CommandLog]:
    _ensure_listening()
    with _LISTENER.capture() as names:
        yield CommandLog(names)

"""Shared test fixtures. Tests run against a real in-memory SecantusDB server, one per xdist worker."""

import contextlib
import os
from collections.abc import Iterator

import pytest
from secantus import SecantusDBServer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + ORM + Playwright in one test


@pytest.fixture(scope="session")
def mongo_server() -> Iterator[SecantusDBServer]:
    server = SecantusDBServer(storage_path=":memory:", replica_set_name=None)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(mongo_server: SecantusDBServer) -> None:
    """Point Django at this session's in-memory server before the test database is created."""
    from django.conf import settings

    settings.DATABASES["default"]["HOST"] = mongo_server.uri


@pytest.fixture(autouse=True)
def _media_root(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_bcrypt(settings: pytest.FixtureRequest, request: pytest.FixtureRequest) -> None:
    """bcrypt cost 4 keeps the suite fast; tests marked `real_bcrypt` keep the seed's cost 10."""
    if "real_bcrypt" not in request.keywords:
        settings.BCRYPT_ROUNDS = 4


def _drop_connection(connection: object) -> object:
    """Detach Django's MongoClient (the backend caches one per alias) so the next query opens a new one."""
    client = type(connection)._connection_pools.pop(connection.alias, None)
    connection.connection = None
    with contextlib.suppress(AttributeError):
        del connection.database
    return client


@pytest.fixture
def database_down() -> Iterator[None]:
    """Point Django at a closed port for the test (a real outage, not a mock), then restore the real server."""
    import socket

    from django.db import connections

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    connection = connections["default"]
    saved = dict(connection.settings_dict), dict(connection.settings_dict["OPTIONS"])
    live_client = _drop_connection(connection)
    connection.settings_dict["HOST"] = f"mongodb://127.0.0.1:{dead_port}"
    connection.settings_dict["OPTIONS"]["serverSelectionTimeoutMS"] = 300
    try:
        yield
    finally:
        dead_client = _drop_connection(connection)
        if dead_client is not None:
            dead_client.close()
        connection.settings_dict["HOST"] = saved[0]["HOST"]
        connection.settings_dict["OPTIONS"] = saved[1]
        if live_client is not None:
            type(connection)._connection_pools[connection.alias] = live_client


# --- browser tests: shared Playwright fixtures (browser, page, sign_in_doctor) ---
pytest_plugins = ["tests.browser_fixtures"]

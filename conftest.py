"""Shared test fixtures. Tests run against a real in-memory SecantusDB server, one per xdist worker."""

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

# --- browser tests: shared Playwright fixtures (browser, page, sign_in_doctor) ---
pytest_plugins = ["tests.browser_fixtures"]

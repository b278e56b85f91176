"""Shared test fixtures. Tests run against a real in-memory SecantusDB server, one per xdist worker.

- Reset between tests: every collection is emptied in one pass, except the two that migrate filled once
  (content types, permissions); no flush, no `post_migrate` (see `_empty_database`).
- Slow system tests carry the `slow` marker (plus their kind: bench, fuzz, faults, object_access,
  concurrency, browser), given here by path, marker or what the test calls (`_classify`); `make test-quick`
  leaves them out, `make test` runs everything.
- Query counts: `assert_db_commands(n)` / `assert_max_db_commands(n)` count MongoDB commands, raw pymongo
  calls included; Django's `django_assert_num_queries` would not see those, so it is refused here.
"""

import contextlib
import inspect
import os
import types
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from secantus import SecantusDBServer

if TYPE_CHECKING:
    from tests.db_commands import CommandLog

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


# --- database reset between tests -----------------------------------------------------------------------------
# No transactions on this backend, so every django_db test is a TransactionTestCase whose teardown flushes.
# Django's flush re-runs post_migrate (content types, permissions): about 1.9 s of a 2.1 s teardown. Instead,
# `delete_many({})` every collection (model tables and the raw ones: counters, locks, login failures, GridFS),
# keeping the documents and indexes, except the collections post_migrate filled once, which stay as they are.
# If a test changed those, the full flush (with post_migrate) runs once to restore them.


def _kept_collections() -> dict[str, int]:
    """The collections migrate filled once, and how many documents each holds after migrate."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    return {
        ContentType._meta.db_table: ContentType.objects.count(),
        Permission._meta.db_table: Permission.objects.count(),
    }


def _empty_database(alias: str, kept: dict[str, int]) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connections

    database = connections[alias].database  # type: ignore[attr-defined]  # the MongoDB backend's pymongo Database
    for name in database.list_collection_names():
        if not name.startswith("system.") and name not in kept:
            database[name].delete_many({})
    if any(database[name].count_documents({}) != count for name, count in kept.items()):
        call_command("flush", verbosity=0, interactive=False, database=alias)  # re-runs post_migrate
        ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """After migrate: replace TransactionTestCase's flush by `_empty_database` for the whole session."""
    from django.test import TransactionTestCase

    with django_db_blocker.unblock():
        kept = _kept_collections()

    def fixture_teardown(self: TransactionTestCase) -> None:
        for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
            _empty_database(alias, kept)

    flush = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]
    TransactionTestCase._fixture_teardown = fixture_teardown  # type: ignore[attr-defined]
    yield
    TransactionTestCase._fixture_teardown = flush  # type: ignore[attr-defined]


# --- slow system tests -----------------------------------------------------------------------------------------
# `make test-quick` runs `-m "not slow"`. A test is slow when its module is one of these, when it carries one of
# the kind markers, or when it (or a helper of its own module) starts threads or processes.
SLOW_MODULES = {
    "tests/bench/": "bench",  # make bench at a small scale (gunicorn)
    "tests/core/test_fuzz.py": "fuzz",
    "tests/core/test_faults.py": "faults",  # gunicorn + a database that goes away
    "tests/core/test_object_access.py": "object_access",  # every private route x every role
    "tests/appointments/test_concurrency.py": "concurrency",
}
SLOW_KINDS = ("bench", "fuzz", "faults", "object_access", "concurrency", "browser")
_CONCURRENT_MODULES = ("threading", "concurrent.futures", "multiprocessing", "subprocess")


def _starts_threads(function: Callable[..., object], depth: int = 1) -> bool:
    """Does `function` (or, one level down, a function of its own module) use threads or processes?"""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    namespace = getattr(function, "__globals__", {})
    for name in code.co_names:
        value: Any = namespace.get(name)
        origin = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        if origin and origin.startswith(_CONCURRENT_MODULES):
            return True
        own_helper = depth and inspect.isfunction(value) and value.__module__ == function.__module__
        if own_helper and _starts_threads(value, depth - 1):
            return True
    return False


def _classify(item: pytest.Item, rootdir: str) -> str | None:
    path = os.path.relpath(str(item.path), rootdir).replace(os.sep, "/")
    for prefix, kind in SLOW_MODULES.items():
        if path.startswith(prefix):
            return kind
    for kind in SLOW_KINDS:
        if item.get_closest_marker(kind):
            return kind
    function = getattr(item, "function", None)
    if function is not None and _starts_threads(function):
        return "concurrency"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        kind = _classify(item, str(config.rootpath))
        if kind is not None:
            item.add_marker(kind)
            item.add_marker("slow")


# --- the integrity audit after every concurrency and fault test ----------------------------------------------
# A test of the `concurrency` or `faults` kind that uses the test database fails if `manage.py audit_integrity`
# finds a problem in it afterwards (core/integrity.py; docs/operations.md). Fault tests that run their own server
# (tests/core/test_faults.py, tests/core/test_chaos.py) run the command against that server themselves.
AUDITED_KINDS = ("concurrency", "faults")


@pytest.fixture(autouse=True)
def _audit_integrity_after(request: pytest.FixtureRequest) -> Iterator[None]:
    audited = request.node.get_closest_marker("django_db") and any(
        request.node.get_closest_marker(kind) for kind in AUDITED_KINDS
    )
    if not audited:
        yield
        return
    # Set up before this fixture, so they are torn down after the audit: the database is emptied after it, and
    # MEDIA_ROOT is still the test's own.
    request.getfixturevalue("_django_db_helper")
    request.getfixturevalue("_media_root")
    blocker = request.getfixturevalue("django_db_blocker")
    yield
    from core.integrity import integrity_audit
    from tests.audit import EVERY_DATE, UNNUMBERED

    with blocker.unblock():
        report = integrity_audit(since=EVERY_DATE)
    problems = [(name, finding) for name, finding in report.problems if finding.problem != UNNUMBERED]
    if problems:
        lines = "\n".join(f"{name}: {finding.problem} {finding.as_dict()['ids']}" for name, finding in problems)
        pytest.fail(f"audit_integrity after the test found {len(problems)} problem(s):\n{lines}", pytrace=False)


# --- MongoDB command counts ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _db_commands(limit: int, *, exact: bool) -> Iterator["CommandLog"]:
    from tests.db_commands import count_db_commands

    with count_db_commands() as commands:
        yield commands
    wrong = commands.count != limit if exact else commands.count > limit
    if wrong:
        expected = f"{limit}" if exact else f"at most {limit}"
        pytest.fail(f"expected {expected} MongoDB commands, got {commands.count}: {commands.names}")


@pytest.fixture
def assert_db_commands() -> Callable[[int], contextlib.AbstractContextManager["CommandLog"]]:
    """`with assert_db_commands(2): ...` fails unless the block sends exactly 2 MongoDB commands (raw pymongo too)."""
    return lambda count: _db_commands(count, exact=True)


@pytest.fixture
def assert_max_db_commands() -> Callable[[int], contextlib.AbstractContextManager["CommandLog"]]:
    """`with assert_max_db_commands(3): ...` fails if the block sends more than 3 MongoDB commands."""
    return lambda limit: _db_commands(limit, exact=False)


@pytest.fixture
def django_assert_num_queries() -> None:
    pytest.fail("django_assert_num_queries does not see raw pymongo calls: use assert_db_commands")


@pytest.fixture
def django_assert_max_num_queries() -> None:
    pytest.fail("django_assert_max_num_queries does not see raw pymongo calls: use assert_max_db_commands")


# --- settings and outages --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def filesystem_prescriptions(settings: Any) -> None:
    """Prescription files on this test's MEDIA_ROOT instead of GridFS (PRESCRIPTION_STORAGE="filesystem"), for
    the tests about the disk itself (permissions, a blocked folder, file ages)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "prescriptions": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_bcrypt(settings: Any, request: pytest.FixtureRequest) -> None:
    """bcrypt cost 4 keeps the suite fast; tests marked `real_bcrypt` keep the seed's cost 10."""
    if "real_bcrypt" not in request.keywords:
        settings.BCRYPT_ROUNDS = 4


@pytest.fixture(autouse=True)
def _no_city_names_cache(settings: Any) -> None:
    """Search reads the stored city names afresh in every test (the per-test reset bypasses the signals that
    refresh its per-process copy; tests/doctors/test_search.py tests the copy itself)."""
    settings.CITY_NAMES_CACHE_SECONDS = 0


def _drop_connection(connection: Any) -> Any:
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
    connection: Any = connections["default"]
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

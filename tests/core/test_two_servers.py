"""Two app servers, one database and nothing else: a prescription uploaded through one downloads through the
other. Each gunicorn (production settings, tests/core/test_faults.py `app_environ`) has a MEDIA_ROOT of its own,
so the file can only travel through MongoDB (GridFS)."""

import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.servers import stop
from tests.core.test_faults import (
    BIN,
    ROOT,
    SETUP_SCRIPT,
    Database,
    _free_port,
    _multipart,
    _wait_for_port,
    app_environ,
)

pytestmark = pytest.mark.faults


def _call(url: str, *, world: dict, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    doctor = world["doctor"]
    headers = {
        **(headers or {}),
        **doctor["headers"],
        "Cookie": "; ".join(f"{k}={v}" for k, v in doctor["cookies"].items()),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[str], list[Path], dict]]:
    run = tmp_path_factory.mktemp("two-servers")
    database = Database(port=_free_port(), storage=run / "db", log=run / "secantus.log")
    database.start()
    apps: list[subprocess.Popen] = []
    try:
        secret = secrets.token_urlsafe(50)  # one key for all: the doctor's session is signed once, in the setup
        setup_env = app_environ(database, run / "setup", SECRET_KEY=secret)
        setup = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, "-c", SETUP_SCRIPT], cwd=ROOT, env=setup_env, capture_output=True, text=True, check=True
        )
        world = json.loads(setup.stdout.strip().splitlines()[-1])
        urls, medias = [], []
        for name in ("a", "b"):
            port = _free_port()
            env = app_environ(database, run / name, LOG_LEVEL="WARNING", SECRET_KEY=secret)
            with open(run / f"gunicorn-{name}.log", "ab") as log:
                apps.append(
                    subprocess.Popen(  # noqa: S603 - fixed argv
                        [str(BIN / "gunicorn"), "opd_wallet.wsgi", "-c", "gunicorn.conf.py"],
                        cwd=ROOT,
                        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2"},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                    )
                )
            _wait_for_port(port, apps[-1])
            urls.append(f"http://127.0.0.1:{port}")
            medias.append(run / name / "media")
        yield urls, medias, world
    finally:
        for app in apps:
            stop(app)
        database.stop()


def test_a_file_uploaded_through_one_server_downloads_through_the_other(
    two_servers: tuple[list[str], list[Path], dict],
) -> None:
    (first, second), medias, world = two_servers
    pdf = b"%PDF-1.4\n" + secrets.token_bytes(300_000) + b"\n%%EOF\n"
    boundary = secrets.token_hex(16)
    status, body = _call(
        f"{first}/api/v1/doctor/appointments/{world['upload_to']}/prescription",
        world=world,
        method="POST",
        body=_multipart(boundary, pdf),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 201, body
    file_url = urllib.parse.urlsplit(json.loads(body)["fileUrl"])
    assert file_url.netloc in ("", first.removeprefix("http://"))  # first's own address, if absolute
    status, downloaded = _call(second + file_url.path, world=world)
    assert status == 200
    assert downloaded == pdf
    for media in medias:  # neither server kept it on its own disk
        assert not [path for path in media.rglob("*") if path.is_file()]

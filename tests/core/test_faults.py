"""Faults, for real: gunicorn (DEBUG off) on its own SecantusDB server, which the test stops and starts again.

While the database is down: /healthz is 503, the API a clean JSON 503, the portal a friendly page, never a
traceback. When a new server comes up on the same port and storage path, the SAME gunicorn recovers with
no restart, and the data written before the outage is there. An upload cut off mid-body, or sent while the
database is down, leaves no prescription document and no file behind.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pymongo import MongoClient

from bench.servers import stop
from core.api import MSG_DATABASE_UNAVAILABLE
from tests.audit import UNNUMBERED, audit_problems

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DB_NAME = "opd_faults"
STARTUP_TIMEOUT_S = 60.0

# Runs in a child process with the app's environment: migrate, then the world of tests/world.py.
SETUP_SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.world import build_world, doctor_credentials, member_credentials
world = build_world()
upload_to = next(a for a in world.mine.appointments if a.status in ("CONFIRMED", "COMPLETED")
                 and not a.has_prescription and a.appointment_type == "IN_CLINIC")
print(json.dumps({
    "member": member_credentials(world.mine.member).headers,
    "doctor": vars(doctor_credentials(world.mine.doctor)),
    "appointment": world.mine.appointments[0].appointment_id,
    "upload_to": upload_to.appointment_id,
}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{process.args[0]} exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@dataclass
class Database:
    """A SecantusDB server in its own process, on disk, that can be stopped and started on the same port."""

    port: int
    storage: Path
    log: Path
    process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/{DB_NAME}"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    sys.executable,
                    "-m",
                    "secantus",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--storage-path",
                    str(self.storage),
                    "--log-level",
                    "WARNING",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        _wait_for_port(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@dataclass
class Stack:
    database: Database
    app: subprocess.Popen
    url: str
    media: Path
    world: dict
    log: Path

    def request(
        self, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None, as_doctor: bool = False
    ) -> tuple[int, dict, str]:
        headers = dict(headers or {})
        if as_doctor:
            doctor = self.world["doctor"]
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in doctor["cookies"].items())
            headers.update(doctor["headers"])
        request = urllib.request.Request(self.url + path, data=body, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def documents(self, collection: str) -> int:
        with MongoClient(self.database.uri, serverSelectionTimeoutMS=5000) as client:
            return client[DB_NAME][collection].count_documents({})

    def stored_files(self) -> list[str]:
        """Prescription files wherever they are: this server's MEDIA_ROOT and the GridFS bucket."""
        on_disk = [str(path) for path in self.media.rglob("*") if path.is_file()]
        with MongoClient(self.database.uri, serverSelectionTimeoutMS=5000) as client:
            in_gridfs = [f"gridfs:{doc['filename']}" for doc in client[DB_NAME]["prescription_files.files"].find()]
        return sorted(on_disk + in_gridfs)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


urllib.request.install_opener(urllib.request.build_opener(NoRedirect))


def app_environ(database: Database, run: Path, **more: str) -> dict[str, str]:
    """Production settings (DEBUG off, tests/fault_settings.py) on `database`, media under `run`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.fault_settings",
        "MONGODB_URI": database.uri,
        "MONGODB_TIMEOUT_MS": "1000",
        "MEDIA_ROOT": str(run / "media"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "BCRYPT_ROUNDS": "4",
        **more,
    }


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    run = tmp_path_factory.mktemp("faults")
    database = Database(port=_free_port(), storage=run / "db", log=run / "secantus.log")
    database.start()
    env = app_environ(database, run, LOG_LEVEL="INFO")
    app = None
    try:
        setup = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, "-c", SETUP_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        world = json.loads(setup.stdout.strip().splitlines()[-1])
        port = _free_port()
        with open(run / "gunicorn.log", "ab") as log:
            app = subprocess.Popen(  # noqa: S603 - fixed argv
                [str(BIN / "gunicorn"), "opd_wallet.wsgi", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        _wait_for_port(port, app)
        yield Stack(
            database=database,
            app=app,
            url=f"http://127.0.0.1:{port}",
            media=run / "media",
            world=world,
            log=run / "gunicorn.log",
        )
        # After every fault, the data keeps its invariants (the world's factory appointments are un-numbered).
        problems = audit_problems(env, tolerate=frozenset({UNNUMBERED}))
        assert not problems, "audit_integrity after the fault tests:\n" + "\n".join(problems)
    finally:
        if app is not None:
            stop(app)
        database.stop()


def _outage_answers(stack: Stack) -> dict[str, tuple[int, dict, str]]:
    member = stack.world["member"]
    return {
        "healthz": stack.request("GET", "/healthz"),
        "api": stack.request("GET", f"/api/v1/appointments/{stack.world['appointment']}", headers=member),
        "login": stack.request(
            "POST",
            "/api/v1/auth/token",
            headers={"Content-Type": "application/json"},
            body=b'{"email": "a@example.com", "password": "x"}',
        ),
        "doctor api": stack.request("GET", "/api/v1/doctor/appointments", as_doctor=True),
        "portal": stack.request("GET", "/portal/", as_doctor=True, headers={"Accept": "text/html"}),
    }


def test_outage_is_answered_cleanly_and_the_running_server_recovers(stack: Stack) -> None:
    before = _outage_answers(stack)
    assert before["healthz"][0] == 200
    assert before["api"][0] == 200
    assert before["doctor api"][0] == 200
    assert before["portal"][0] == 200
    app_pid = stack.app.pid

    stack.database.stop()
    down = _outage_answers(stack)
    assert down["healthz"][0] == 503
    assert json.loads(down["healthz"][2]) == {"status": "error", "database": "unavailable"}
    for name in ("api", "login", "doctor api"):
        status, headers, body = down[name]
        assert status == 503, name
        assert headers["Content-Type"].startswith("application/json"), name
        assert json.loads(body) == {"detail": MSG_DATABASE_UNAVAILABLE}, name
    status, headers, body = down["portal"]
    assert status == 503
    assert headers["Content-Type"].startswith("text/html")
    assert "right back" in body and MSG_DATABASE_UNAVAILABLE in body
    for name, (_, _, body) in down.items():
        assert "Traceback" not in body and "pymongo" not in body.lower(), name

    stack.database.start()  # a new server process: same port, same storage path
    deadline = time.monotonic() + 30
    while stack.request("GET", "/healthz")[0] != 200:
        assert time.monotonic() < deadline, "the app did not reconnect"
        time.sleep(0.2)
    after = _outage_answers(stack)
    assert stack.app.poll() is None and stack.app.pid == app_pid  # the same gunicorn, never restarted
    assert after["api"][0] == 200
    assert json.loads(after["api"][2])["appointmentId"] == stack.world["appointment"]  # written before: kept
    assert after["doctor api"][0] == 200
    assert after["portal"][0] == 200


def _multipart(boundary: str, content: bytes) -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="diagnosis"\r\n\r\nFlu\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="rx.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _upload_headers(stack: Stack, boundary: str, length: int) -> bytes:
    doctor = stack.world["doctor"]
    cookie = "; ".join(f"{k}={v}" for k, v in doctor["cookies"].items())
    path = f"/api/v1/doctor/appointments/{stack.world['upload_to']}/prescription"
    return (
        f"POST {path} HTTP/1.1\r\nHost: {stack.url.removeprefix('http://')}\r\nCookie: {cookie}\r\n"
        f"X-CSRFToken: {doctor['headers']['X-CSRFToken']}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_an_upload_cut_off_mid_body_leaves_no_document_and_no_file(stack: Stack) -> None:
    files_before, documents_before = stack.stored_files(), stack.documents("doctor_prescriptions")
    pdf = b"%PDF-1.4\n" + os.urandom(600_000) + b"\n%%EOF\n"
    boundary = secrets.token_hex(16)
    body = _multipart(boundary, pdf)
    port = int(stack.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(_upload_headers(stack, boundary, len(body)) + body[: len(body) // 2])
        time.sleep(0.3)
    # The server noticed the client is gone; give it the time to finish whatever it does with the request.
    time.sleep(1.0)
    assert stack.documents("doctor_prescriptions") == documents_before
    assert stack.stored_files() == files_before

    # The same request, whole, is stored: the cut-off one was refused for being cut off, nothing else.
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(_upload_headers(stack, boundary, len(body)) + body)
        answer = sock.recv(65536).split(b"\r\n", 1)[0]
    assert answer == b"HTTP/1.1 201 Created"
    assert stack.documents("doctor_prescriptions") == documents_before + 1
    assert len(stack.stored_files()) == len(files_before) + 1


def test_an_upload_while_the_database_is_down_leaves_no_file(stack: Stack) -> None:
    files_before = stack.stored_files()
    boundary = secrets.token_hex(16)
    body = _multipart(boundary, b"%PDF-1.4\n" + os.urandom(50_000) + b"\n%%EOF\n")
    documents_before = stack.documents("doctor_prescriptions")
    stack.database.stop()
    try:
        status, _, text = stack.request(
            "POST",
            f"/api/v1/doctor/appointments/{stack.world['upload_to']}/prescription",
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            as_doctor=True,
        )
        assert status == 503
        assert json.loads(text) == {"detail": MSG_DATABASE_UNAVAILABLE}
    finally:
        stack.database.start()
    assert stack.stored_files() == files_before
    assert stack.documents("doctor_prescriptions") == documents_before


def test_the_servers_log_holds_no_credentials_or_file_contents(stack: Stack) -> None:
    """gunicorn's error log and the app's JSON lines (access log, errors) hold no cookie, token or password."""
    doctor, member = stack.world["doctor"], stack.world["member"]
    assert stack.request("GET", f"/api/v1/appointments/{stack.world['appointment']}", headers=member)[0] == 200
    assert stack.request("GET", "/portal/", as_doctor=True)[0] == 200
    password = secrets.token_hex(12)
    stack.request(
        "POST",
        "/api/v1/auth/token",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"email": "someone@example.com", "password": password}).encode(),
    )
    time.sleep(0.5)
    log = stack.log.read_text(errors="replace")
    assert log.count('"logger": "opd_wallet.access"') >= 3  # it did log these requests
    for secret in [*doctor["cookies"].values(), member["Authorization"].split()[1], password, "%PDF-1.4"]:
        assert secret not in log

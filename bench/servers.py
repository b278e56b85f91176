"""The processes a benchmark run needs: a fresh database server, the app's setup commands, gunicorn.

Everything runs as child processes of the bench, each with its own interpreter (and GIL), as in
production: the database server, the gunicorn master and its workers, and the bench's own client.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
STARTUP_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start (exit code {process.poll()})") from None
            time.sleep(0.1)


def stop(started: subprocess.Popen | App | None, timeout: float = 15.0) -> None:
    """SIGTERM the process we started (gunicorn shuts its workers down), then SIGKILL if it hangs.

    Shared by `make bench`, `make load` (load/run.py) and the fault tests.
    """
    process = started.process if isinstance(started, App) else started
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Database:
    uri: str  # names the database, e.g. mongodb://127.0.0.1:PORT/opd_bench
    process: subprocess.Popen | None  # None when MONGODB_URI named an existing server


def start_database(log_dir: Path, db_name: str = "opd_bench") -> Database:
    """A fresh in-memory SecantusDB server in its own process (or the server MONGODB_URI names)."""
    given = os.environ.get("MONGODB_URI")
    if given:
        return Database(uri=given, process=None)
    port = free_port()
    log = open(log_dir / "secantus.log", "wb")  # noqa: SIM115 - handed to the child
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            PYTHON,
            "-m",
            "secantus",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            ":memory:",
            "--standalone",
            "--log-level",
            "WARNING",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=log_dir,
    )
    _wait_for_port(port, process, "SecantusDB")
    return Database(uri=f"mongodb://127.0.0.1:{port}/{db_name}", process=process)


def app_environ(database_uri: str) -> dict[str, str]:
    """Production settings (DEBUG off) for this run only, plus the per-request command counter."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opd_wallet.settings",
        "MONGODB_URI": database_uri,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "JWT_ACCESS_MINUTES": "120",
        "OPD_COUNT_DB_COMMANDS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def manage(*args: str, env: dict[str, str], log_dir: Path) -> None:
    with open(log_dir / "manage.log", "ab") as log:
        subprocess.run(  # noqa: S603 - fixed argv
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True
        )


def static_files_are_current() -> bool:
    """Whether collectstatic's manifest (DEBUG off needs it for the portal) is newer than every static file
    of the project; third-party static files change only with requirements, which `make install` tracks."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [ROOT / "static", *ROOT.glob("*/static"), ROOT / ".venv" / ".installed"]
    newest = max(
        (
            path.stat().st_mtime
            for source in sources
            if source.exists()
            for path in ([source] if source.is_file() else source.rglob("*"))
        ),
        default=0.0,
    )
    return manifest.stat().st_mtime >= newest


def collectstatic(env: dict[str, str], log_dir: Path) -> subprocess.Popen | None:
    """Start collectstatic in the background unless the manifest is current; the caller waits for it."""
    if static_files_are_current():
        return None
    log = open(log_dir / "collectstatic.log", "ab")  # noqa: SIM115 - handed to the child
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [PYTHON, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


@dataclass
class App:
    port: int
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def start_gunicorn(env: dict[str, str], *, workers: int, threads: int, log_dir: Path, name: str) -> App:
    """gunicorn with the project's gunicorn.conf.py; never recycles workers during a run."""
    port = free_port()
    log = open(log_dir / f"gunicorn-{name}.log", "ab")  # noqa: SIM115 - handed to the child
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [str(BIN / "gunicorn"), "opd_wallet.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={
            **env,
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_MAX_REQUESTS": "0",
        },
    )
    _wait_for_port(port, process, "gunicorn")
    app = App(port=port, process=process)
    _wait_healthy(app, workers)
    return app


def _wait_healthy(app: App, workers: int) -> None:
    """Until /healthz answers 200 and every worker has booted."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and len(app.worker_pids()) == workers:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become healthy")


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS, KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")

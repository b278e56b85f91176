"""The embedded SecantusDB server used when no MONGODB_URI is configured.

For `runserver`, management commands and gunicorn it runs as one detached daemon on local disk under
`.data/` (WiredTiger locks its directory, so every process must share one server rather than open the
files themselves). Its address is kept in `.data/secantus.json` so later processes reuse it. Tests start
their own in-memory server instead (see `conftest.py`).
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from opd_wallet.env import env_bool

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / ".data"
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read_state(state_file: Path) -> dict | None:
    try:
        return json.loads(state_file.read_text())
    except (OSError, ValueError):
        return None


def _spawn(data_dir: Path, port: int) -> subprocess.Popen:
    log = open(data_dir / "secantus.log", "ab")  # noqa: SIM115 - handed to the daemon
    return subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [
            sys.executable,
            "-m",
            "secantus",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            str(data_dir / "db"),
            "--log-level",
            "WARNING",
        ],
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        cwd=data_dir,
    )


def ensure_disk_server(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """Return the URI of the on-disk embedded server, starting it if none is running."""
    data_dir.mkdir(parents=True, exist_ok=True)
    state_file = data_dir / "secantus.json"
    with open(data_dir / "secantus.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process starts the server; the others wait and reuse it
        state = _read_state(state_file)
        if state and _port_answers("127.0.0.1", state["port"]):
            return f"mongodb://127.0.0.1:{state['port']}"
        port = _free_port()
        process = _spawn(data_dir, port)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _port_answers("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded database failed to start; see {data_dir / 'secantus.log'}")
            time.sleep(0.1)
        state_file.write_text(json.dumps({"port": port, "pid": process.pid}))
        return f"mongodb://127.0.0.1:{port}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_disk_server(data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Stop the on-disk embedded server if this project started one. Returns True if one was stopped.

    Waits until it has exited: its data directory stays locked until then, so a server started right
    after would fail. A server busy with a long query gets SIGKILL after STOP_TIMEOUT_S.
    """
    state = _read_state(data_dir / "secantus.json")
    if not state:
        return False
    pid = state["pid"]
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    finally:
        (data_dir / "secantus.json").unlink(missing_ok=True)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    return True


def configure_environ() -> None:
    """Point MONGODB_URI at the embedded server unless the environment names a real one.

    Development only: with DEBUG off nothing is started, and settings refuse to load without MONGODB_URI.
    """
    if not os.environ.get("MONGODB_URI") and env_bool("DEBUG", default=True):
        os.environ["MONGODB_URI"] = ensure_disk_server() + "/opd_wallet"

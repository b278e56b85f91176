"""`make load`: a fresh embedded database, demo data, gunicorn as `make serve` runs it, then locust.

Everything listens on 127.0.0.1 only and stops at the end (also on Ctrl-C or a failure). Prints the p95
(and p50, p99) per endpoint, the error count and the expected 409s; exits 1 when there was any error.

    python -m load [--users 100] [--spawn-rate 20] [--time 60s] [--doctors 100] [--members 200]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from bench.servers import stop

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DB_NAME = "opd_wallet_load"
STARTUP_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url_or_port: str | int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if isinstance(url_or_port, int):
                socket.create_connection(("127.0.0.1", url_or_port), timeout=0.5).close()
                return
            with urllib.request.urlopen(url_or_port, timeout=5) as response:  # noqa: S310 - loopback URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start in {STARTUP_TIMEOUT_S:.0f}s")


def _start(stack: ExitStack, argv: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    out = stack.enter_context(open(log, "wb"))  # noqa: SIM115 - closed by the stack
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    stack.callback(stop, process)
    return process


def app_environ(mongodb_uri: str, media_root: Path) -> dict[str, str]:
    """Production settings (DEBUG off), made safe for a loopback run: plain HTTP, a throwaway key."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opd_wallet.settings",
        "MONGODB_URI": mongodb_uri,
        "MEDIA_ROOT": str(media_root),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "JWT_ACCESS_MINUTES": "60",
        "LOG_LEVEL": "WARNING",  # one access line per request would cost more than the requests
    }


def _manage(env: dict[str, str], log: Path, *args: str) -> None:
    with open(log, "ab") as out:
        subprocess.run(  # noqa: S603 - fixed argv
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=True
        )


def _accounts(mongodb_uri: str, path: Path) -> None:
    """The demo members and doctors locust signs in as (all share the demo password)."""
    from demo.catalog import DEMO_PASSWORD

    with MongoClient[dict[str, Any]](mongodb_uri) as client:
        db = client[DB_NAME]
        members = [u["email"] for u in db.users.find({"role": "MEMBER", "isActive": True}, {"email": 1})]
        doctors = [
            d["email"] for d in db.doctors.find({"isActive": True, "password": {"$type": "string"}}, {"email": 1})
        ]
    path.write_text(json.dumps({"members": members, "doctors": doctors, "password": DEMO_PASSWORD}))
    print(f"accounts: {len(members)} members, {len(doctors)} doctors")


def report(stats_csv: Path, results_json: Path) -> int:
    """Print the figures; return the number of errors."""
    rows = list(csv.DictReader(stats_csv.open()))
    expected = json.loads(results_json.read_text()).get("expected_409", {}) if results_json.exists() else {}
    print(
        f"\n{'endpoint':<52} {'requests':>9} {'errors':>7} {'409 ok':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'req/s':>7}"
    )
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            f"{name:<52} {row['Request Count']:>9} {row['Failure Count']:>7} "
            f"{expected.get(row['Name'], sum(expected.values()) if name == 'all' else 0):>7} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {float(row['Requests/s']):>7.1f}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    print(f"\nerrors: {errors} (expected 409s, counted as successes: {sum(expected.values())})")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--time", default="60s")
    parser.add_argument("--doctors", type=int, default=100)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the run directory (logs, CSV)")
    args = parser.parse_args()

    run_dir = Path(tempfile.mkdtemp(prefix="opd-load-"))
    with ExitStack() as stack:
        db_port, app_port = _free_port(), _free_port()
        database = _start(
            stack,
            [
                PYTHON,
                "-m",
                "secantus",
                "--host",
                "127.0.0.1",
                "--port",
                str(db_port),
                "--storage-path",
                str(run_dir / "db"),
                "--log-level",
                "WARNING",
            ],
            run_dir / "secantus.log",
        )
        _wait_for(db_port, database, "SecantusDB")
        mongodb_uri = f"mongodb://127.0.0.1:{db_port}/{DB_NAME}"
        env = app_environ(mongodb_uri, run_dir / "media")
        print(f"run directory: {run_dir}\nsetting up: migrate, collectstatic, demo data ...", flush=True)
        _manage(env, run_dir / "setup.log", "migrate", "--no-input")
        _manage(env, run_dir / "setup.log", "collectstatic", "--no-input", "--verbosity", "0")
        _manage(
            env,
            run_dir / "setup.log",
            "load_demo_data",
            "--force",
            "--no-progress",
            "--doctors",
            str(args.doctors),
            "--members",
            str(args.members),
            "--appointments",
            "100",
        )
        _accounts(mongodb_uri, run_dir / "accounts.json")

        app = _start(
            stack,
            [str(BIN / "gunicorn"), "opd_wallet.wsgi", "-c", "gunicorn.conf.py"],
            run_dir / "gunicorn.log",
            env={**env, "BIND": f"127.0.0.1:{app_port}"},
        )
        host = f"http://127.0.0.1:{app_port}"
        _wait_for(f"{host}/healthz", app, "gunicorn")
        print(f"gunicorn on {host}; locust: {args.users} users for {args.time} ...", flush=True)

        locust_env = {
            **os.environ,
            "LOAD_ACCOUNTS": str(run_dir / "accounts.json"),
            "LOAD_RESULTS": str(run_dir / "results.json"),
        }
        with open(run_dir / "locust.log", "wb") as out:
            subprocess.run(  # noqa: S603 - fixed argv
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "load" / "locustfile.py"),
                    "--headless",
                    "--host",
                    host,
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.spawn_rate),
                    "-t",
                    args.time,
                    "--csv",
                    str(run_dir / "load"),
                    "--only-summary",
                    "--stop-timeout",
                    "10",
                    "--exit-code-on-error",
                    "0",
                ],
                cwd=ROOT,
                env=locust_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
            )
        errors = report(run_dir / "load_stats.csv", run_dir / "results.json")
        if errors:
            print(f"failures: {run_dir / 'load_failures.csv'}")
    if not args.keep and not errors:
        subprocess.run(["rm", "-rf", str(run_dir)], check=False)  # noqa: S603, S607
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

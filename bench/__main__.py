"""`make bench` (python -m bench): build a data set on a fresh database, run the app under gunicorn, measure.

    python -m bench [--doctors 10000] [--requests 200] [--memory-requests 10000] [--profile] [--publish]

With MONGODB_URI set, the data set goes into that (empty) database instead of a fresh in-memory SecantusDB.
Results land in bench/results/ (bench.md, bench.json, bench.png, logs/, profiles); --publish also copies
them to docs/bench/, where docs/performance.md shows them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset, measure, report, servers

RESULTS = servers.ROOT / "bench" / "results"
PUBLISHED = servers.ROOT / "docs" / "bench"


def _log(started: float, message: str) -> None:
    print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)


def _environment() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=servers.ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"commit {commit or '?'}; Python {platform.python_version()}; {os.cpu_count()} CPUs; "
        f"load average at start {load}; gunicorn 2 workers x 2 threads (memory: 1 worker), DEBUG off"
    )


def _plans(env: dict[str, str], log_dir: Path) -> list[dict]:
    """The explain plan of each of the seed's query shapes, as the ORM sends them (bench/plans.py)."""
    out = subprocess.run(  # noqa: S603
        [servers.PYTHON, "-m", "bench.plans"],
        cwd=servers.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    (log_dir / "plans.log").write_text(out.stderr)
    if out.returncode != 0:
        return [{"label": "explain failed, see logs/plans.log", "collection": "", "stage": "ERROR", "filter": ""}]
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--doctors", type=int, default=int(os.environ.get("BENCH_DOCTORS", 10_000)))
    parser.add_argument(
        "--requests",
        type=int,
        default=int(os.environ.get("BENCH_REQUESTS", 200)),
        help="latency samples per figure (each API request is paired with its raw query)",
    )
    parser.add_argument("--memory-requests", type=int, default=int(os.environ.get("BENCH_MEMORY_REQUESTS", 10_000)))
    parser.add_argument("--memory-warmup", type=int, default=500, help="requests before the first RSS reading")
    parser.add_argument("--profile", action="store_true", help="also profile the hot endpoints (pyinstrument)")
    parser.add_argument("--publish", action="store_true", help=f"copy the results to {PUBLISHED}")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--figures",
        default="search,availability,member_api,booking,dashboard,memory",
        help="comma-separated figures to run (e.g. member_api alone for its side-by-side ratios)",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    out: Path = args.out
    log_dir = out / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "environment": _environment()}
    database = app = None
    try:
        database = servers.start_database(log_dir)
        env = servers.app_environ(database.uri)
        static = servers.collectstatic(env, log_dir)
        _log(started, f"database {database.uri}; migrate{'; collectstatic' if static else ''}")
        servers.manage("migrate", "--no-input", env=env, log_dir=log_dir)
        _log(started, f"data set: {args.doctors:,} doctors ...")
        data = dataset.build(database.uri, doctors=args.doctors)
        servers.manage("clinics_geo_backfill", env=env, log_dir=log_dir)  # raw inserts: the GeoJSON copy (0059)
        if static is not None and static.wait() != 0:
            raise RuntimeError(f"collectstatic failed, see {log_dir / 'collectstatic.log'}")
        results["doctors"] = data.doctors
        _log(started, "gunicorn, 2 workers")
        app = servers.start_gunicorn(env, workers=2, threads=2, log_dir=log_dir, name="2workers")
        ctx = measure.Context(app=app, uri=database.uri, data=data, requests=args.requests)
        measure.sign_in(ctx, members=16)
        rows: list[dict] = []
        results["rows"] = rows
        wanted = {name.strip() for name in args.figures.split(",")}
        figures = (measure.search, measure.availability, measure.member_api, measure.booking, measure.dashboard)
        for figure in (f for f in figures if f.__name__ in wanted):
            _log(started, figure.__name__)
            rows += figure(ctx)
            (out / "partial.json").write_text(json.dumps(results, indent=2, default=str))
        servers.stop(app)
        app = None
        if "memory" in wanted:
            _log(started, f"memory: 1 worker, {args.memory_requests:,} mixed requests")
            app = servers.start_gunicorn(env, workers=1, threads=2, log_dir=log_dir, name="1worker")
            rows += measure.memory(ctx, app, total=args.memory_requests, warmup=args.memory_warmup)
            servers.stop(app)
            app = None
        _log(started, "explain plans")
        results["plans"] = _plans(env, log_dir)
        index_scans = sum(p["stage"] == "IXSCAN" for p in results["plans"])
        rows.append(
            {
                "key": "plans",
                "label": "Seed query shapes served by an index (explain)",
                "summary": f"{index_scans} of {len(results['plans'])} IXSCAN (table below)",
            }
        )
        if args.profile:
            _log(started, "profiles")
            subprocess.run(  # noqa: S603
                [servers.PYTHON, "-m", "bench.profile", str(out)],
                cwd=servers.ROOT,
                env={**env, "BENCH_TODAY": data.today.isoformat()},
                check=True,
            )
        results["seconds"] = round(time.monotonic() - started, 1)
        report.write(results, out)
        print(report.table(rows))
        print()
        print(report.plan_table(results["plans"]))
        if args.publish:
            PUBLISHED.mkdir(parents=True, exist_ok=True)
            profiles = sorted(out.glob("profile-*.txt")) if args.profile else []  # never an older run's
            for path in [out / "bench.md", out / "bench.json", out / "bench.png", *profiles]:
                shutil.copy2(path, PUBLISHED / path.name)
        _log(started, f"done; {out / 'bench.md'}, bench.json, bench.png{' (and docs/bench/)' if args.publish else ''}")
        return 0
    finally:
        servers.stop(app)
        if database is not None:
            servers.stop(database.process)


if __name__ == "__main__":
    sys.exit(main())

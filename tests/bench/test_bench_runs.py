"""`make bench` keeps working: the whole harness at a small scale, for real (own database server, gunicorn).

Figures are never asserted here (speed belongs to the benchmark, not to tests); what is checked is that every
figure was taken, the contended booking never overbooked, and every seed query shape planned on an index.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--doctors", "300", "--requests", "5", "--memory-requests", "200", "--memory-warmup", "20"]


def test_make_bench_takes_every_figure_at_a_small_scale(tmp_path: Path) -> None:
    run = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "bench", *SMALL, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={name: value for name, value in os.environ.items() if name != "MONGODB_URI"},  # its own fresh server
    )
    assert run.returncode == 0, run.stderr[-3000:]

    results = json.loads((tmp_path / "bench.json").read_text())
    rows = {row["key"]: row for row in results["rows"]}
    assert set(rows) == {
        "search",
        "search_distance",
        "search_round_trips",
        "availability",
        "availability_month",
        "search_next_available",
        "search_radius",
        "booking",
        "booking_contended",
        "dashboard",
        "doctor_today",
        "memory",
        "plans",
    }
    assert not [row for row in rows.values() if "missing" in row]
    for key in ("search", "search_distance", "availability", "dashboard", "doctor_today"):
        assert rows[key]["median_ms"] > 0 and isinstance(rows[key]["db_commands"], int), rows[key]
    assert len(set(rows["search_round_trips"]["db_commands"])) == 1  # the same at page size 5, 20 and 100
    assert len(set(rows["search_next_available"]["db_commands_page_5_20_100"])) == 1
    assert len(set(rows["search_next_available"]["cold_db_commands_page_5_20_100"])) == 1  # nothing stored
    assert rows["availability_month"]["db_commands"] == rows["availability_month"]["one_day_db_commands"]
    assert rows["booking"]["statuses"] == {"201": rows["booking"]["bookings"]}
    assert not rows["booking_contended"]["overbooked"]
    assert rows["booking_contended"]["statuses"]["201"] == 5
    assert len(rows["memory"]["rss_readings_mib"]) == 10
    assert results["plans"] and {plan["stage"] for plan in results["plans"]} == {"IXSCAN"}
    assert (tmp_path / "bench.png").stat().st_size > 10_000
    assert "| Doctor search" in (tmp_path / "bench.md").read_text()


def test_the_bench_empties_the_store_the_app_keeps_next_free_times_in() -> None:
    from appointments.next_free_store import COLLECTION
    from bench.measure import NEXT_FREE_COLLECTION

    assert NEXT_FREE_COLLECTION == COLLECTION

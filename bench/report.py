"""One table (printed and written as Markdown), the JSON of every figure, and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, list):
        return " / ".join(_fmt(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items())
    return str(value)


MEMBER_API_NOTES: dict[str, Any] = {
    "availability_month": lambda row: (
        f"one day: {_fmt(row['one_day_median_ms'])} ms, {row['one_day_db_commands']} round trips; month / day "
        f"{_fmt(row['ratio_to_one_day'])}; {row['free_times']} free times"
    ),
    "search_next_available": lambda row: (
        f"without nextAvailable: {_fmt(row['plain_median_ms'])} ms, {row['plain_db_commands']} round trips; "
        f"ratio {_fmt(row['ratio_to_plain'])}; round trips at page 5 / 20 / 100: "
        f"{_fmt(row['db_commands_page_5_20_100'])}; {row['with_next_available']} of the page have a free time; "
        f"worked out afresh (nothing stored): {_fmt(row['cold_median_ms'])} ms, ratio "
        f"{_fmt(row['cold_ratio_to_plain'])}, round trips at page 5 / 20 / 100: "
        f"{_fmt(row['cold_db_commands_page_5_20_100'])}"
    ),
    "search_radius": lambda row: f"{row['matches']} doctors within the radius",
}


def _line(row: dict) -> list[str]:
    """measure | median ms | p95 ms | raw median ms | ratio | round trips | notes"""
    key = row["key"]
    notes = ""
    if key == "booking":
        return [
            row["label"],
            f"{row['bookings_per_s']:.1f} bookings/s",
            "",
            f"{row['raw_inserts_per_s']:.1f} inserts/s",
            _fmt(row["ratio"]),
            _fmt(row.get("db_commands")),
            f"statuses {_fmt(row['statuses'])}",
        ]
    if key == "booking_contended":
        return [
            row["label"],
            "",
            "",
            "",
            "",
            "",
            f"statuses {_fmt(row['statuses'])}; held "
            f"{row['appointments_held']} ({'OVERBOOKED' if row['overbooked'] else 'no overbooking'})",
        ]
    if key == "memory":
        return [
            row["label"],
            "",
            "",
            "",
            "",
            "",
            f"boot {row['rss_boot_mib']} MiB, after warm-up {row['rss_before_mib']} MiB, after "
            f"{row['rss_after_mib']} MiB: {row['growth_pct']:+.1f}% "
            f"({row['growth_from_boot_pct']:+.1f}% from boot)",
        ]
    if key == "search_round_trips":
        notes = f"city only, page 100: {row['city_only_page_100']}"
    elif key == "availability":
        notes = (
            f"{row['free_times']} free times; doctor with no appointments: "
            f"{row['db_commands_doctor_without_appointments']} round trips"
        )
    elif key in MEMBER_API_NOTES:
        notes = MEMBER_API_NOTES[key](row)
    elif key == "plans":
        return [row["label"], "", "", "", "", "", row["summary"]]
    elif "missing" in row:
        notes = f"not measured: {row['missing']}"
    if "same_median_ms" in row:
        notes = (
            f"the app's own command through pymongo: {_fmt(row['same_median_ms'])} ms, ratio {_fmt(row['same_ratio'])}"
        )
    return [
        row["label"],
        _fmt(row.get("median_ms")),
        _fmt(row.get("p95_ms")),
        _fmt(row.get("raw_median_ms")),
        _fmt(row.get("ratio")),
        _fmt(row.get("db_commands")),
        notes,
    ]


HEADER = ["measure", "median ms", "p95 ms", "raw pymongo median ms", "ratio", "DB round trips", "notes"]


def table(rows: list[dict]) -> str:
    lines = [HEADER, *(_line(row) for row in rows)]
    out = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    out += ["| " + " | ".join(cells) + " |" for cells in lines[1:]]
    return "\n".join(out)


def plan_table(plans: list[dict]) -> str:
    out = ["| query shape | collection | plan | index | filter sent |", "|---|---|---|---|---|"]
    out += [
        f"| {p['label']} | {p['collection']} | {p['stage']} | {p.get('index') or ''} | `{p['filter']}` |" for p in plans
    ]
    return "\n".join(out)


def write(results: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.json").write_text(json.dumps(results, indent=2, default=str))
    text = [f"# make bench: {results['started']}", "", results["environment"], "", table(results["rows"])]
    if results.get("plans"):
        text += ["", plan_table(results["plans"])]
    (out_dir / "bench.md").write_text("\n".join(text) + "\n")
    chart(results, out_dir / "bench.png")


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = {row["key"]: row for row in results["rows"]}
    fig, (lat_ax, tput_ax, mem_ax) = plt.subplots(1, 3, figsize=(15, 4.8), gridspec_kw={"width_ratios": [3, 1.2, 1.2]})
    latency = [
        (k, label)
        for k, label in (
            ("search", "search"),
            ("search_distance", "search\nby distance"),
            ("availability", "availability"),
            ("dashboard", "dashboard"),
            ("doctor_today", "doctor API\ntoday"),
        )
        if k in rows and "median_ms" in rows[k]
    ]
    xs = range(len(latency))
    api = [rows[k]["median_ms"] for k, _ in latency]
    p95 = [rows[k]["p95_ms"] for k, _ in latency]
    raw = [rows[k].get("raw_median_ms") or 0 for k, _ in latency]
    same = [rows[k].get("same_median_ms") or 0 for k, _ in latency]
    lat_ax.bar([x - 0.27 for x in xs], api, 0.27, label="API median (gunicorn, HTTP)", color="#3b6ea8")
    lat_ax.errorbar(
        [x - 0.27 for x in xs],
        api,
        yerr=[[0] * len(api), [p - a for p, a in zip(p95, api, strict=True)]],
        fmt="none",
        ecolor="#1d3957",
        capsize=3,
        label="API p95",
    )
    lat_ax.bar(list(xs), raw, 0.27, label="same query, plain pymongo", color="#9cc38b")
    lat_ax.bar([x + 0.27 for x in xs], same, 0.27, label="the app's own command, via pymongo", color="#e0b84c")
    for x, k in zip(xs, (k for k, _ in latency), strict=True):
        if rows[k].get("ratio"):
            lat_ax.annotate(
                f"x{rows[k]['ratio']}", (x - 0.27, rows[k]["median_ms"]), ha="center", va="bottom", fontsize=9
            )
    lat_ax.set_xticks(list(xs), [label for _, label in latency])
    lat_ax.set_ylabel("ms")
    lat_ax.set_title(f"Latency over {results['doctors']:,} doctors")
    lat_ax.legend(fontsize=8)
    if "booking" in rows:
        b = rows["booking"]
        tput_ax.bar(
            ["API bookings", "raw insert_one"],
            [b["bookings_per_s"], b["raw_inserts_per_s"]],
            color=["#3b6ea8", "#9cc38b"],
        )
        tput_ax.set_title("8 concurrent clients, per second")
    if "memory" in rows:
        m = rows["memory"]
        readings = m.get("rss_readings_mib") or [m["rss_after_mib"]]
        step = m.get("requests", 10_000) // len(readings)
        steps = [0, *(step * (n + 1) for n in range(len(readings)))]
        mem_ax.plot(steps, [m["rss_before_mib"], *readings], marker="o", color="#1d3957", label="after warm-up")
        mem_ax.axhline(m["rss_boot_mib"], color="#999999", linestyle="--", label="at boot")
        mem_ax.set_ylim(0, max(readings) * 1.15)
        mem_ax.set_xlabel("requests after warm-up")
        mem_ax.legend(fontsize=8, loc="lower right")
        mem_ax.set_title(f"Worker RSS, MiB ({m['growth_pct']:+.1f}% over the run)")
    fig.suptitle(f"make bench, {results['started'][:16]}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

"""Run `manage.py audit_integrity` against a server the test started itself (tests/core/test_faults.py,
tests/core/test_chaos.py), in a subprocess with that stack's environment; the in-process audit after every
concurrency and fault test is the `_audit_integrity_after` fixture in conftest.py."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVERY_DATE = "0000-01-01"  # a test may have moved the clock
# Appointments without a placeNumber are the existing system's and count as they are (docs/booking.md): the test
# factories write them, so an audit after a test does not ask for them to be numbered.
UNNUMBERED = "live appointment without a placeNumber"


def audit_problems(env: dict[str, str], *, tolerate: frozenset[str] = frozenset()) -> list[str]:
    """The audit's problems (check, problem, ids), minus the tolerated kinds; raises if the command cannot run."""
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "audit_integrity", "--json", "--since", EVERY_DATE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise RuntimeError(f"audit_integrity exited {done.returncode}: {done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return [
        f"{check['check']}: {finding['problem']} {finding['ids']}"
        for check in report["checks"]
        for finding in check["findings"]
        if not finding["repaired"] and finding["problem"] not in tolerate
    ]

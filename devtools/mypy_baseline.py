"""mypy against a baseline of known errors: fail on any error that is not in `mypy-baseline.txt`.

    python -m devtools.mypy_baseline            # make lint, pre-commit: run mypy, compare
    python -m devtools.mypy_baseline --write    # make mypy-baseline: accept today's errors as the baseline

mypy checks the packages listed in pyproject.toml (`[tool.mypy] files`), with its incremental cache
(.mypy_cache). Baseline entries carry no line numbers (`path: error: message  [code]`), so an unrelated edit
that moves an error does not break the check; an entry covers as many errors as it has copies in the file.

Services and selectors (`<app>/services.py`, `<app>/services/`, `<app>/selectors.py`) must be type-clean: an
error there is never accepted, and a baseline that lists one is refused.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
HEADER = (
    "# Known mypy errors outside services and selectors (devtools/mypy_baseline.py). Shrink it, never grow it:\n"
    "# fix errors, then `make mypy-baseline`. One line per error, without line numbers.\n"
)
ERROR_LINE = re.compile(r"^(?P<path>[^:\s][^:]*):(?P<line>\d+):(?:\d+:)? error: (?P<message>.*)$")
MUST_BE_CLEAN = re.compile(r"(^|/)(services|selectors)(\.py$|/)")


def run_mypy() -> tuple[list[tuple[str, str]], int, str]:
    """mypy's errors as (entry without line number, original line), its exit code and its full output."""
    result = subprocess.run(  # our own interpreter running mypy, no shell
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-color-output", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = []
    for line in result.stdout.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            errors.append((f"{match['path']}: error: {match['message']}", line))
    return errors, result.returncode, result.stdout + result.stderr


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    lines = BASELINE.read_text().splitlines()
    return Counter(line for line in lines if line.strip() and not line.startswith("#"))


def must_be_clean(entry: str) -> bool:
    return bool(MUST_BE_CLEAN.search(entry.split(":", 1)[0]))


def write(errors: list[tuple[str, str]]) -> int:
    kept = sorted(entry for entry, _ in errors if not must_be_clean(entry))
    BASELINE.write_text(HEADER + "".join(f"{entry}\n" for entry in kept))
    print(f"{BASELINE.name}: {len(kept)} errors in {len({e.split(':', 1)[0] for e in kept})} files")
    refused = [line for entry, line in errors if must_be_clean(entry)]
    if refused:
        print(f"not accepted (services and selectors must be type-clean), {len(refused)}:", *refused, sep="\n  ")
        return 1
    return 0


def check(errors: list[tuple[str, str]]) -> int:
    baseline = read_baseline()
    status = 0
    listed_clean = sorted(entry for entry in baseline if must_be_clean(entry))
    if listed_clean:
        print(f"{BASELINE.name} lists errors in services/selectors (must be type-clean):", *listed_clean, sep="\n  ")
        status = 1
    allowed = Counter({entry: n for entry, n in baseline.items() if not must_be_clean(entry)})
    new = []
    for entry, line in errors:
        if allowed[entry] > 0:
            allowed[entry] -= 1
        else:
            new.append(line)
    if new:
        print(f"mypy: {len(new)} new errors (not in {BASELINE.name}):", *new, sep="\n")
        status = 1
    fixed = sum(allowed.values())
    print(f"mypy: {len(errors) - len(new)} known errors ({BASELINE.name}), {len(new)} new", end="")
    print(f"; {fixed} baseline entries are fixed, run `make mypy-baseline` to drop them" if fixed else "")
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="accept the current errors as the baseline")
    args = parser.parse_args()
    errors, code, output = run_mypy()
    if code not in (0, 1) or (code == 1 and not errors):  # 2: mypy itself failed (bad config, crash)
        print(output)
        return 2
    return write(errors) if args.write else check(errors)


if __name__ == "__main__":
    sys.exit(main())

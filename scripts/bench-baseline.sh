#!/usr/bin/env bash
# The "before" column of docs/performance.md: today's bench/ run against an older commit of the app.
#   scripts/bench-baseline.sh [COMMIT] [bench args...]    (default: 266fa94, the app before the query work)
# The old tree gets this checkout's bench/ and the data generator it uses (demo/, core/validators.py); the app code is
# the old commit's. Results land in that worktree's bench/results/; the worktree is removed afterwards.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COMMIT="${1:-266fa94}"
shift || true
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(--requests 40 --memory-requests 1000 --memory-warmup 100)  # the old app is slow
TREE="$(mktemp -d /tmp/opd-bench-baseline.XXXXXX)"
OUT="$ROOT/bench/results/baseline-$COMMIT"
cleanup() { git -C "$ROOT" worktree remove --force "$TREE" >/dev/null 2>&1 || rm -rf "$TREE"; }
trap cleanup EXIT
make -C "$ROOT" --no-print-directory install
git -C "$ROOT" worktree add --detach "$TREE" "$COMMIT" >/dev/null
rm -rf "$TREE/bench"
cp -r "$ROOT/bench" "$TREE/bench"
rm -rf "$TREE/bench/results"
rm -rf "$TREE/demo"
cp -r "$ROOT/demo" "$TREE/demo"
# Older commits kept the validators the generator reads in opd_wallet/; give them today's.
[ -d "$TREE/core" ] || { mkdir "$TREE/core" && touch "$TREE/core/__init__.py" && cp "$ROOT/core/validators.py" "$TREE/core/"; }
ln -s "$ROOT/.venv" "$TREE/.venv"
(cd "$TREE" && .venv/bin/python -m bench --out "$OUT" "${ARGS[@]}")
echo "baseline results: $OUT/bench.md"

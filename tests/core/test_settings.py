"""Production settings refuse to start on development defaults (docs/operations.md)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check` in a fresh process, with the given environment on top of a clean one."""
    base = {k: v for k, v in os.environ.items() if k not in {"MONGODB_URI", "DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "opd_wallet.settings", "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_debug_off_without_mongodb_uri_refuses_to_start_and_starts_no_embedded_server(tmp_path: Path) -> None:
    marker = ROOT / ".data" / "secantus.json"
    existed = marker.exists()
    result = _manage_check(tmp_path, DEBUG="0", SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "MONGODB_URI must be set when DEBUG is off" in result.stderr
    assert marker.exists() == existed  # the development database was not started on local disk


def test_debug_off_with_mongodb_uri_passes_the_settings_check(tmp_path: Path) -> None:
    uri = "mongodb://127.0.0.1:9/opd_wallet"  # never contacted by `check`
    result = _manage_check(tmp_path, DEBUG="0", SECRET_KEY="s" * 50, MONGODB_URI=uri, ALLOWED_HOSTS="example.com")
    assert result.returncode == 0, result.stderr

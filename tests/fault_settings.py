"""Production settings for the fault tests' gunicorn (tests/core/test_faults.py), static files aside.

`make serve` runs collectstatic for the compressed, hashed static files of production; that takes minutes
on a small machine, so the fault tests' server finds static files where they are instead. Everything
else (DEBUG off, security settings, error handling) is exactly production's.
"""

import tempfile
from pathlib import Path

from opd_wallet.settings import *  # noqa: F403

# whitenoise scans STATIC_ROOT when a worker boots; the shared `staticfiles/` may be rewritten meanwhile by a
# collectstatic of `make bench` (tests/bench runs it beside these tests), and a file vanishing mid-scan kills
# the worker. These servers read static files through the finders, so their STATIC_ROOT is an empty folder
# of their own that nothing writes.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="opd-fault-static-"))

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

"""Production settings for the fault tests' gunicorn (tests/core/test_faults.py), static files aside.

`make serve` runs collectstatic for the compressed, hashed static files of production; that takes minutes
on a small machine, so the fault tests' server finds static files where they are instead. Everything
else (DEBUG off, security settings, error handling) is exactly production's.
"""

from opd_wallet.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

"""WSGI entry point (gunicorn). Starts the embedded database first when MONGODB_URI is not set."""

import os

from django.core.wsgi import get_wsgi_application

from mongo.embedded_server import configure_environ

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opd_wallet.settings")
configure_environ()
application = get_wsgi_application()

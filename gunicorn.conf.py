"""gunicorn settings for `make serve` (production). Every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Idle keep-alive connections close after this many seconds. gunicorn's default (2 s) is shorter than a
# client's pause between two clicks, so a client reusing the connection just as the server drops it got a
# "connection reset" (seen under `make load`); 5 s is within the range gunicorn advises for direct clients.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Our middleware writes the access log as JSON; gunicorn's own would duplicate it.
accesslog = None
errorlog = "-"
# gunicorn's own lines name the request line at most (never headers or bodies); the app's JSON lines the same.
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
limit_request_fields = 100

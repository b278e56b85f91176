# One entry point for chores. `make run` and `make test` work on a fresh clone with nothing installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes; each gets its own in-memory database (conftest.py). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

.PHONY: run serve test test-quick lint mypy-baseline install migrate demo-data bench stop-db clean fuzz load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo-data: migrate
	$(BIN)/python manage.py load_demo_data

run: demo-data
	@$(BIN)/python manage.py demo_banner --url http://$(HOST):$(PORT)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production: DEBUG off, settings from the environment (SECRET_KEY, ALLOWED_HOSTS, MONGODB_URI, ...).
serve: install
	DEBUG=0 $(BIN)/python manage.py check --deploy --fail-level WARNING
	DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 $(BIN)/python manage.py migrate --no-input
	DEBUG=0 $(BIN)/gunicorn opd_wallet.wsgi -c gunicorn.conf.py

# The whole suite (what CI runs).
test: install
	./scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The inner loop: everything but the slow system tests (bench smoke, fuzz, faults, object-access matrix,
# concurrency, browser; conftest.py marks them `slow`). `make test-quick PYTEST_ARGS=--lf` reruns the failures.
test-quick: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

# Each step fails the target: ruff's rules, ruff's formatting, mypy (no error beyond mypy-baseline.txt).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m devtools.mypy_baseline

# Accept mypy's current errors as mypy-baseline.txt (never those in services or selectors).
mypy-baseline: install
	$(BIN)/python -m devtools.mypy_baseline --write

stop-db: install
	$(BIN)/python -c "from mongo.embedded_server import stop_disk_server as s; print('stopped' if s() else 'not running')"

clean: stop-db
	rm -rf .data staticfiles

# --- hardening -------------------------------------------------------------------------------------------------
# The long API fuzz run: every operation of the OpenAPI schema, FUZZ_EXAMPLES requests each (tests/core/test_fuzz.py).
FUZZ_EXAMPLES ?= 200
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SUMMARY=1 $(BIN)/python -m pytest -p no:randomly -m fuzz tests/core/test_fuzz.py

# Load: fresh database + demo data + gunicorn (DEBUG off) on 127.0.0.1, 100 locust users for 60 s (load/run.py).
LOAD_ARGS ?=
load: install
	$(BIN)/python -m load $(LOAD_ARGS)
# --- bench ---------------------------------------------------------------------------------------------------
# Fresh in-memory database (or MONGODB_URI), 10,000 doctors, gunicorn; results in bench/results/ (docs/performance.md).
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

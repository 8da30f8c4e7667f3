# Atención Infonavit — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: install setup run test test-sqlite lint format bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# Browser assets: npm packages pinned by package-lock.json, copied into static/vendor/ (gitignored).
static/vendor/.installed: package.json package-lock.json scripts/vendor_assets.sh
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	scripts/vendor_assets.sh
	touch $@

install: $(VENV)/.installed static/vendor/.installed

## setup: install, create the PostgreSQL database if missing, migrate and load the reference data (idempotent).
setup: install
	$(MANAGE) ensure_database
	$(MANAGE) migrate --no-input
	$(MANAGE) load_reference_data

## run: set everything up and serve http://127.0.0.1:8000 with demo data.
run: setup
	$(MANAGE) seed_demo
	$(MANAGE) rebuild_indicators
	scripts/run.sh

## test: set everything up and run the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set).
## The real-worker and the schemathesis suites run in their own processes: each reconfigures
## process-wide state (the Celery app's broker, Django's request signals) for its duration.
test: install
	$(MANAGE) ensure_database
	$(VENV)/bin/pytest --ignore=tests/integration --ignore=tests/contract
	@# Without PostgreSQL and Redis every real-worker test skips itself; pytest then exits 5.
	$(VENV)/bin/pytest tests/integration || [ $$? -eq 5 ]
	$(VENV)/bin/pytest tests/contract

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy .
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache node_modules static/vendor

# Almen – the two commands: `make run` and `make test`. Everything else is a helper.
# Works on a fresh clone: creates the virtualenv with the newest Python >= 3.12 it finds.

SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 /root/.pyenv/versions/3.13.0/bin/python /root/.pyenv/versions/3.12.1/bin/python python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install system-packages migrate demo lint types check messages browser ci totp bench clean

# Development installs requirements-dev.lock (production's requirements.lock plus the test
# and lint tools), every file checked against its hash. Both are made by pip-compile
# from pyproject.toml (CONTRIBUTING.md).
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (python3.13/python3.12 not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

# System tools the product uses: pdftoppm/pdftotext (poppler-utils) rasterise the charts
# of Word report packs and let the pack tests read PDF text (decision 0028).
system-packages:
	@command -v pdftoppm >/dev/null 2>&1 || { echo "installing poppler-utils (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

install: $(VENV)/.installed system-packages

migrate: install
	@mkdir -p var
	DEBUG=true $(PY) manage.py migrate --noinput -v0

demo: migrate
	DEBUG=true $(PY) manage.py seed_demo

## make run: set up, load the demo, serve on http://127.0.0.1:$(PORT) with the task worker
run: demo
	@DEBUG=true PORT=$(PORT) PY=$(PY) ./scripts/serve.sh

## make test: set up, then the whole suite (SQLite; PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: install
	@mkdir -p var
	$(PY) -m pytest -q -n $${PYTEST_WORKERS:-2} -m "not browser"

browser: install
	$(PY) -m pytest -q -m browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: install
	$(VENV)/bin/mypy almen config

check: install
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=true $(PY) manage.py check

messages: install
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

totp: install
	@DEBUG=true $(PY) manage.py demo_totp

bench: install
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static

# OpenSIL — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed

# Modules held to mypy --strict (new modules join this list).
STRICT_MODULES := sil/env.py sil/cli.py sil/core/db sil/core/actions.py sil/core/web.py sil/core/forms.py sil/core/registry.py sil/navigation.py sil/api_urls.py sil/core/views.py sil/core/middleware.py sil/core/health.py \
	sil/core/schema.py sil/core/params.py sil/core/exports.py sil/core/text.py \
	sil/core/fiscal_code.py sil/core/audit.py sil/core/api.py sil/core/tasks.py sil/core/models.py \
	sil/core/admin.py sil/core/permissions.py sil/accounts/queries.py sil/territory/queries.py \
	sil/people/search.py sil/people/queries.py sil/people/bulk.py sil/scale bench/__main__.py \
	sil/employers sil/vacancies sil/matching/scoring.py sil/matching/profiles.py \
	sil/applications sil/dossier/cv.py sil/shortlists sil/notifications sil/appointments \
	sil/campaigns sil/core/worker.py

.PHONY: demo test test-dates lint format bench bench-small faults install messages clean-db help

help:
	@echo "make demo   - install everything, start PostgreSQL, load demo data, serve on http://127.0.0.1:8000/"
	@echo "make test   - run the whole test suite (embedded PostgreSQL, Debian's chromium for browser tests)"
	@echo "make lint   - ruff, djlint, import layers, migrations check, mypy on strict modules"
	@echo "make bench  - benchmarks at full size (1.6 M people, own cluster in var/bench; see bench/README.md)"
	@echo "make bench-small - the same at 2,000 people (what CI runs to check they work)"
	@echo "make test-dates - the date-sensitive tests on holiday weeks and near midnight (libfaketime)"
	@echo "make faults - the fault tests with a 60-second database outage (15 s in make test)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(STAMP): requirements/dev.lock pyproject.toml package-lock.json | $(UV)
	$(UV) pip install --python $(BIN)/python --quiet --require-hashes -r requirements/dev.lock
	$(UV) pip install --python $(BIN)/python --quiet --no-deps -e .
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/sil demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint sil --lint
	$(BIN)/lint-imports --no-cache
	SIL_TESTING=1 $(BIN)/sil makemigrations --check --dry-run
	SIL_TESTING=1 $(BIN)/mypy --strict $(STRICT_MODULES)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench

bench-small: $(STAMP)
	$(BIN)/python -m bench --small

# Database stopped for 60 s under a running dispatch, a stalled worker, a killed one.
faults: $(STAMP)
	SIL_FAULT_OUTAGE_S=60 $(BIN)/python -m pytest -m faults tests/core/test_faults.py

# The date-sensitive tests on awkward days (a holiday week, Christmas Eve near midnight, the
# week of Ferragosto), the whole process tree under libfaketime (apt-get install faketime).
# Tests that start worker processes of their own are left out: each child's fake clock would
# start again from the same instant.
FAKETIME_LIB := /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
TEST_DATES   := 2027-03-26T17:30:00 2026-12-23T23:30:00 2027-08-13T16:00:00
test-dates: $(STAMP)
	@test -f $(FAKETIME_LIB) || { echo "libfaketime missing: apt-get install faketime"; exit 1; }
	@for when in $(TEST_DATES); do \
	  echo "== tests as if it were $$when"; \
	  LD_PRELOAD=$(FAKETIME_LIB) FAKETIME="@$$(echo $$when | tr T ' ')" \
	    $(BIN)/python -m pytest -q -p no:cacheprovider tests/appointments tests/campaigns \
	    tests/services tests/notifications tests/did --deselect tests/notifications/test_reliability.py \
	    || exit 1; \
	done

messages: $(STAMP)
	cd sil && SIL_TESTING=1 SIL_DATA_DIR=$(CURDIR)/var ../$(BIN)/sil makemessages -l en --no-obsolete --no-wrap --ignore 'testing/*'
	cd sil && SIL_TESTING=1 SIL_DATA_DIR=$(CURDIR)/var ../$(BIN)/sil compilemessages

# Regenerate the hash-pinned lock files after changing dependencies in pyproject.toml.
lock: $(UV)
	$(UV) pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 -o requirements/main.lock -q
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -o requirements/dev.lock -q

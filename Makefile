# OpenSIL — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed

# Modules held to mypy --strict (new modules join this list).
STRICT_MODULES := sil/env.py sil/cli.py sil/core/db sil/core/registry.py sil/navigation.py sil/api_urls.py sil/core/views.py sil/core/middleware.py sil/core/health.py \
	sil/core/fiscal_code.py sil/core/audit.py sil/core/api.py sil/core/tasks.py sil/core/models.py \
	sil/core/admin.py sil/core/permissions.py sil/accounts/queries.py sil/territory/queries.py \
	sil/people/search.py sil/people/queries.py sil/people/bulk.py sil/scale bench/__main__.py \
	sil/employers sil/vacancies sil/matching/scoring.py sil/matching/profiles.py \
	sil/applications sil/dossier/cv.py sil/shortlists sil/notifications sil/appointments \
	sil/campaigns

.PHONY: demo test lint format bench bench-small install messages clean-db help

help:
	@echo "make demo   - install everything, start PostgreSQL, load demo data, serve on http://127.0.0.1:8000/"
	@echo "make test   - run the whole test suite (embedded PostgreSQL, Debian's chromium for browser tests)"
	@echo "make lint   - ruff, djlint, import layers, migrations check, mypy on strict modules"
	@echo "make bench  - benchmarks at full size (1.6 M people, own cluster in var/bench; see bench/README.md)"
	@echo "make bench-small - the same at 2,000 people (what CI runs to check they work)"

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

messages: $(STAMP)
	cd sil && SIL_TESTING=1 SIL_DATA_DIR=$(CURDIR)/var ../$(BIN)/sil makemessages -l en --no-obsolete --no-wrap --ignore 'testing/*'
	cd sil && SIL_TESTING=1 SIL_DATA_DIR=$(CURDIR)/var ../$(BIN)/sil compilemessages

# Regenerate the hash-pinned lock files after changing dependencies in pyproject.toml.
lock: $(UV)
	$(UV) pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 -o requirements/main.lock -q
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -o requirements/dev.lock -q

# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run serve-prod prod-stack smoke test install install-run lint bench load-test worker beat clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11+ is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# `make run` installs only what running needs; `make test` adds the test toolchain.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP) $(RUN_STAMP)

install-run: $(RUN_STAMP)
install: $(STAMP)

# Without REDIS_URL, imports and KPI runs started from a page run on background threads of this
# process (telesales/jobs.py), never in the request.
run: install-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production settings on this machine (needs SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS in the environment):
# collects the hashed static files first, which those settings serve.
serve-prod: export DJANGO_SETTINGS_MODULE = telesales.settings_production
serve-prod: install-run
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn telesales.wsgi:application --bind 127.0.0.1:8000 --workers 3

# The compose stack without Docker (needs DATABASE_URL, REDIS_URL, SECRET_KEY): static files,
# migrate, then gunicorn + Celery worker + beat from the Procfile (honcho). `make smoke` checks it.
prod-stack: install
	BIN=$(BIN) tools/prod_stack.sh

smoke: install
	$(BIN)/python tools/smoke.py $${SMOKE_URL:-http://127.0.0.1:8000}

# In parallel by default: one pytest-xdist worker per CPU, each with its own test database
# (pytest-django names them test_<db>_gw0, _gw1 …; on SQLite each worker has its own in-memory
# database). `--dist loadgroup` keeps each xdist_group on one worker (the fault tests share one
# private PostgreSQL cluster). `make test PYTEST_ARGS="-n 0 tests/calls"` overrides; .ci/run sets its own.
PYTEST_ARGS ?= -n auto --dist loadgroup

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

worker: install-run
	$(BIN)/celery -A telesales worker -l info

beat: install-run
	$(BIN)/celery -A telesales beat -l info

bench: install
	@rm -f bench/out/results.jsonl
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
	@$(BIN)/python bench/summary.py

# The issue's user mix under locust against gunicorn (production settings) on PostgreSQL, 2 minutes.
load-test: install
	$(BIN)/pip install -q -e ".[bench]"
	BIN=$(BIN) bench/load_test.sh

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

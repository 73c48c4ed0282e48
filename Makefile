# One command to run the site, one to test it. Each sets up what it needs first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check migrate seed superuser browser bench loadtest wrk clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

migrate: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_content

## make run: set up, migrate, seed and serve on http://127.0.0.1:8000/
run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make superuser: an admin account for your own machine (asks for a password)
superuser: migrate
	$(BIN)/python manage.py createsuperuser

# Browser tests drive Debian's Chromium, never a downloaded browser.
browser:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## make test: set up and run the whole suite (DATABASE_URL picks PostgreSQL)
test: $(BIN)/.installed browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmark and load test: production settings under gunicorn on loopback, a throwaway
# PostgreSQL database (dropped and recreated) and a Redis database that they empty.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lmi_bench
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lmi_load
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15

wrk:
	@command -v wrk >/dev/null || { \
		echo "Installing Debian's wrk for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

## make bench: requests/s and latency for four scenarios, each as a ratio to a reference view
bench: $(BIN)/.installed wrk
	$(BIN)/python -m benchmarks.bench --database-url $(BENCH_DATABASE_URL) --redis-url $(BENCH_REDIS_URL)

## make loadtest: 50 clients for 60 s against two instances while a guide is published
loadtest: $(BIN)/.installed
	$(BIN)/python -m benchmarks.load_test --database-url $(LOAD_DATABASE_URL) --redis-url $(BENCH_REDIS_URL)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

check: $(BIN)/.installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 collected-static test-media .pytest_cache

# One command to run the site, one to test it. Each sets up what it needs first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check migrate seed superuser browser clean

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

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

check: $(BIN)/.installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 collected-static test-media .pytest_cache

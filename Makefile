# One command to run the site, one to test it. Each sets up what it needs first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Production server sizing; the defaults suit the clinic's small machine.
WEB_CONCURRENCY ?= 3
GUNICORN_TIMEOUT ?= 30
# How often scheduled publishing ("Go live at", "Expiry") is checked, in seconds.
SCHEDULE_CHECK_SECONDS ?= 30
PRODUCTION := DJANGO_SETTINGS_MODULE=lmi_site.settings.production
# Each request's time, method, path (no query string), status, size and duration: never the reader's
# address, browser or the tracking parameters of a shared link, which would tell readers apart.
ACCESS_LOG_FORMAT := %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms
BACKUP_DIR ?= backups

.PHONY: run serve test lint check deploy-check migrate seed superuser browser varnish backup restore bench loadtest wrk nginx clean screenshots

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/.installed-production
	touch $@

# A server needs only what the site runs on, not the test and lint tools.
$(BIN)/.installed-production: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# The interface's Spanish (and any other language's) words: locale/<language>/LC_MESSAGES/django.po
# in the repository, compiled to the .mo files Django reads, in pure Python (no gettext needed).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
$(MO_FILES): %.mo: %.po | $(BIN)/.installed-production
	$(BIN)/python -m lmi_site.compile_translations

migrate: $(BIN)/.installed $(MO_FILES)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_content

## make run: set up, migrate, seed and serve on http://127.0.0.1:8000/
# Scheduled publishing ("Go live at") runs beside the server and stops with it.
run: seed
	$(BIN)/python manage.py publish_on_schedule --every $(SCHEDULE_CHECK_SECONDS) & scheduler=$$!; trap 'kill $$scheduler' EXIT; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make serve: the production server and scheduled publishing; a new, empty database gets the clinic's site. Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see docs/deploy.md).
serve: $(BIN)/.installed-production $(MO_FILES)
	$(PRODUCTION) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(PRODUCTION) $(BIN)/python manage.py migrate --noinput
	$(PRODUCTION) $(BIN)/python manage.py seed_content --if-empty
	@# What the site still lacks before patients may use it (make deploy-check refuses it); the site starts
	@# regardless, since some of it (the privacy notice's legal name) is entered in the admin.
	@$(PRODUCTION) $(BIN)/python manage.py check --deploy --database default --fail-level ERROR \
		|| echo "The site starts, but is not ready for patients: see the errors above (make deploy-check)."
	$(PRODUCTION) $(BIN)/python manage.py publish_on_schedule --every $(SCHEDULE_CHECK_SECONDS) & scheduler=$$!; \
		trap 'kill $$scheduler' EXIT; trap 'exit 143' TERM INT; \
		$(PRODUCTION) $(BIN)/gunicorn lmi_site.wsgi:application \
		--bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) --timeout $(GUNICORN_TIMEOUT) \
		--graceful-timeout $(GUNICORN_TIMEOUT) --access-logfile - --error-logfile - \
		--access-logformat '$(ACCESS_LOG_FORMAT)'

## make backup: pages with their revisions, people, settings, images and documents, in one file
backup: $(BIN)/.installed-production
	$(BIN)/python manage.py backup_content --output-dir $(BACKUP_DIR)

## make restore BACKUP=path: load a backup into an empty database (migrated first)
# The argument is checked before anything is installed or migrated.
restore:
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=backups/<file>.tar.gz"; exit 2; }
	@test -f "$(BACKUP)" || { echo "No backup file at $(BACKUP)"; exit 2; }
	$(MAKE) --no-print-directory migrate
	$(BIN)/python manage.py restore_content $(BACKUP)

## make superuser: an admin account for your own machine (asks for a password)
superuser: migrate
	$(BIN)/python manage.py createsuperuser

# Browser tests drive Debian's Chromium, never a downloaded browser.
browser:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Lighthouse for the best-practices test, from the npm registry as its lock file pins it. It drives
# Debian's Chromium (CHROME_PATH), so no browser is downloaded.
LIGHTHOUSE_DIR := tests/lighthouse
$(LIGHTHOUSE_DIR)/node_modules/.installed: $(LIGHTHOUSE_DIR)/package.json $(LIGHTHOUSE_DIR)/package-lock.json
	@command -v npm >/dev/null || { \
		echo "Installing Debian's nodejs and npm for Lighthouse"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	cd $(LIGHTHOUSE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The caching proxy's tests (tests/test_varnish.py) start Debian's varnishd on their own ports with
# deploy/varnish.vcl; the system service the package may start is not needed, so it is stopped.
varnish:
	@test -x /usr/sbin/varnishd || { \
		echo "Installing Debian's varnish for the caching proxy tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish >/dev/null; \
		service varnish stop >/dev/null 2>&1 || true; }

## make test: set up and run the whole suite (DATABASE_URL picks PostgreSQL)
test: $(BIN)/.installed $(MO_FILES) browser varnish $(LIGHTHOUSE_DIR)/node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make screenshots: retake the screenshots the docs show (other test runs leave them be)
screenshots: $(BIN)/.installed browser
	RETAKE_DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest -p no:cacheprovider -q \
		tests/browser/test_new_guide_by_role_in_browser.py::test_an_editors_never_reviewed_guide_previews_and_the_reviewer_can_read_it \
		tests/browser/test_staff_editing_in_browser.py::test_a_moderator_edits_a_paragraph_and_a_table_cell_lets_autosave_happen_and_publishes_once \
		tests/browser/test_staff_editing_in_browser.py::test_the_preview_panel_shows_the_guide_as_patients_will_see_it \
		searches/tests/test_search_in_browser.py \
		impact/tests/test_counting_in_browser.py::test_a_moderator_reads_the_guide_impact_report_and_its_charts \
		tests/browser/test_spanish_in_browser.py::test_when_the_english_guide_changes_the_spanish_reader_and_the_medical_reviewer_are_told \
		tests/browser/test_translation_journey_in_browser.py

# Benchmark and load test: production settings under gunicorn on loopback, a throwaway
# PostgreSQL database (dropped and recreated) and a Redis database that they empty.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lmi_bench
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lmi_load
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15

wrk:
	@command -v wrk >/dev/null || { \
		echo "Installing Debian's wrk for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# The benchmark's limit: the guide's bytes served as a static file by Debian's nginx.
nginx:
	@test -x /usr/sbin/nginx || { \
		echo "Installing Debian's nginx-light for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
		service nginx stop >/dev/null 2>&1 || true; }

## make bench: requests/s and latency for twelve scenarios, each as a ratio to a reference in the same run
bench: $(BIN)/.installed wrk varnish nginx
	$(BIN)/python -m benchmarks.bench --database-url $(BENCH_DATABASE_URL) --redis-url $(BENCH_REDIS_URL)

## make loadtest: 50 clients for 60 s against two instances while a guide is published, then again while Redis is killed for 20 s
loadtest: $(BIN)/.installed
	$(BIN)/python -m benchmarks.load_test --database-url $(LOAD_DATABASE_URL) --redis-url $(BENCH_REDIS_URL)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates */templates
	@# The shape of the imports: no circles, apps in layers (pyproject.toml, docs/architecture.md).
	$(BIN)/lint-imports --no-cache --no-logo

check: $(BIN)/.installed $(MO_FILES)
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## make deploy-check: Django's deployment checks under production settings
# With DATABASE_URL set (and the rest of the production environment), the site as it will go live:
# its settings and what its database must hold (the privacy notice's legal name and address).
# Without it, the settings alone, with placeholder values (as CI runs it).
deploy-check: $(BIN)/.installed $(MO_FILES)
ifneq ($(strip $(DATABASE_URL)),)
	$(PRODUCTION) $(BIN)/python manage.py check --deploy --database default --fail-level WARNING
else
	$(PRODUCTION) SECRET_KEY=check-deploy-$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
		ALLOWED_HOSTS=guides.example.org DATABASE_URL=sqlite:///:memory: \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
endif

clean:
	rm -f $(MO_FILES)
	rm -rf $(VENV) db.sqlite3 db.sqlite3-cache .dev-cache collected-static test-media .pytest_cache $(LIGHTHOUSE_DIR)/node_modules

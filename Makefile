# Every command a developer or CI needs. CI (.ci/run) calls these same targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# The test suite talks to real services; these are their defaults on a developer machine (when
# nothing answers there, `make test` starts throwaway ones: tests/services.py).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/outcry
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-unit faults docs lint format check check-deploy bench clean help messages country-names

help:
	@echo "make run    - the app with the embedded setup (SQLite, filesystem broker, .eml letters), demo data"
	@echo "make test   - the whole suite against PostgreSQL, Redis, a Celery worker and an SMTP server"
	@echo "make test-unit - the pure tests alone, without PostgreSQL or Redis (seconds)"
	@echo "make faults - the fault suite: worker kills, Redis and PostgreSQL outages, SMTP 4xx/5xx/hangs (about 10 minutes)"
	@echo "make lint   - ruff check and format check, import contracts (layers, no cycles)"
	@echo "make check  - Django system checks and missing-migration check"
	@echo "make check-deploy - manage.py check --deploy with production settings"
	@echo "make docs   - build the documentation site into var/site (warnings are errors)"
	@echo "make bench  - load benchmark against a bare Django reference (bench/README.md)"
	@echo "make messages - extract new interface strings into locale/*/LC_MESSAGES/django.po"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Translations: the .po catalogues are the source, the .mo files build output (not in git), compiled
# with GNU gettext's msgfmt, installed like Chromium below when it is missing and we may.
MSGFMT ?= /usr/bin/msgfmt
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po locale_countries/*/LC_MESSAGES/django.po))
$(MSGFMT):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq gettext >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq gettext)); \
	else \
		echo "msgfmt is missing: install Debian's package 'gettext' (sudo apt-get install gettext)."; exit 1; \
	fi

%/LC_MESSAGES/django.mo: %/LC_MESSAGES/django.po | $(MSGFMT)
	$(MSGFMT) --check -o $@ $<

messages: $(VENV)/.runtime | $(MSGFMT)
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=bench --ignore=tests --ignore=var --ignore=node_modules

# Country names in Azerbaijani and Turkish, which django-countries lacks, from CLDR (Babel).
country-names: $(VENV)/.dev
	$(BIN)/python locale_countries/build.py

run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime $(MO_FILES) pango
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Letters to targets are written as .eml files to $(CURDIR)/var/mail"
	@echo "Starting web (http://127.0.0.1:$(PORT)), Celery worker and beat; Ctrl-C stops all three."
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(PORT) $(BIN)/honcho start -f Procfile

# Browser tests drive Debian's Chromium; install it when missing and we may (CI runs as root).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)); \
	else \
		echo "Chromium is missing: install Debian's package 'chromium' (sudo apt-get install chromium)."; exit 1; \
	fi

# The delivery dossier's PDF (WeasyPrint) needs Debian's Pango and a font with every script; installed
# like Chromium when missing.
.PHONY: pango
pango:
	@if ! /sbin/ldconfig -p | grep -q libpangoft2-1.0.so.0 || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)); \
		else \
			echo "Pango is missing: install Debian's packages 'libpango-1.0-0', 'libpangoft2-1.0-0' and 'fonts-dejavu-core'."; exit 1; \
		fi; \
	fi

# The spam-score test pipes every kind of email to Debian's SpamAssassin; installed like Chromium.
SPAMASSASSIN ?= /usr/bin/spamassassin
$(SPAMASSASSIN):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq spamassassin >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq spamassassin)); \
	else \
		echo "SpamAssassin is missing: install Debian's package 'spamassassin' (sudo apt-get install spamassassin)."; exit 1; \
	fi

# The browser tests' accessibility checker, axe-core, from the npm registry (pinned in
# package-lock.json; never shipped). Node.js and npm are Debian's, installed like Chromium.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get install -y -qq nodejs npm >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nodejs npm)); \
		else \
			echo "npm is missing: install Debian's packages 'nodejs' and 'npm'."; exit 1; \
		fi; \
	fi
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# DATABASE_URL / REDIS_URL as given, else the local services above, else throwaway ones that
# tests/services.py starts in a temporary folder and removes afterwards.
test: $(VENV)/.dev $(CHROMIUM) $(SPAMASSASSIN) $(MO_FILES) $(AXE) pango
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL="$(TEST_REDIS_URL)" DEBUG=true \
		$(BIN)/python tests/services.py $(BIN)/pytest $(PYTEST_ARGS)

# The pure tests alone: no PostgreSQL, no Redis, no browser; seconds. `make test` runs them too.
test-unit: $(VENV)/.dev
	env -u DATABASE_URL -u REDIS_URL DEBUG=true OUTCRY_VAR_DIR="$$(mktemp -d)" $(BIN)/pytest -m unit $(PYTEST_ARGS)

faults: $(VENV)/.dev pango
	TEST_REDIS_URL="$(TEST_REDIS_URL)" DEBUG=true \
		$(BIN)/python tests/services.py --own-postgres $(BIN)/pytest tests/faults -rxX $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# `check --deploy` with production settings (DEBUG off; TLS redirect, secure cookies and HSTS are
# the defaults; HSTS preload is the operator's promise, so it is set here): no warning allowed, and
# no check is silenced. Nothing connects to the services named here; the key is made up on the spot.
check-deploy: $(VENV)/.runtime
	DEBUG=false SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		SIGNER_DATA_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
		ALLOWED_HOSTS=petitions.example.org DATABASE_URL=postgres://outcry@db.invalid:5432/outcry \
		REDIS_URL=redis://redis.invalid:6379/0 SECURE_HSTS_PRELOAD=true \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# The documentation site (mkdocs.yml, docs/): warnings are errors, so a broken link fails CI.
docs: $(VENV)/.dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache node_modules
	find locale locale_countries -name "*.mo" -delete

# The whole set-up: `make run` to try the site, `make test` to run every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Development defaults; a variable already set in the environment wins.
export DEBUG ?= 1

.PHONY: install run test lint security migrations-check messages messages-check gettext \
	deploy-check static bench clean

# The compiled translation catalogues (.mo) are made here from the .po files, never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

install: $(VENV)/.installed $(MO_FILES)

$(VENV)/.installed: pyproject.toml package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for Bootstrap's and Chart.js's files: install Node.js"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

# One pytest worker per core (pytest-xdist), each with its own test database. A later -n in
# PYTEST_ARGS wins: `make test PYTEST_ARGS="-n 0 -x"` runs in one process and stops at a failure.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

security: install
	$(BIN)/bandit --quiet --recursive --severity-level medium --exclude "*/migrations/*" \
		ims_clinic patients treatments content

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

# The translation catalogues (ims_clinic/management/commands/catalogues.py). `make messages`
# after writing or changing a translatable string, then translate its new entries in each
# locale/*/LC_MESSAGES/django.po: the check fails until then.
messages: install gettext
	$(MANAGE) catalogues

messages-check: install gettext
	$(MANAGE) catalogues --check --complete

# GNU gettext (msgfmt, xgettext, msgmerge), from Debian's packages when missing.
gettext:
	@command -v msgfmt >/dev/null || { echo "Installing gettext (Debian's package)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

%.mo: %.po | gettext
	msgfmt --check-format -o $@ $<

# Django's deployment checks (HTTPS redirect, HSTS, secure cookies, django-csp's own) with
# production settings: DEBUG off and a throwaway secret key made for this run.
deploy-check: install
	DEBUG=0 ALLOWED_HOSTS=clinic.example.org \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(MANAGE) check --deploy --fail-level WARNING

static: install
	$(MANAGE) collectstatic --noinput

# How the app scales (bench/run.py, the README's "Benchmark"): PostgreSQL only, about 20
# minutes, with wrk from Debian's packages. Not part of `make test`: tests do not time things.
bench: install
	@$(BIN)/python -c 'import os, bench.run as b; b.bench_database_urls(os.getenv("DATABASE_URL", ""))'
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian's package)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles var
	find locale -name "*.mo" -delete

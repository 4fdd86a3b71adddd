# The two commands of the README's quick start: `make run` and `make test`.
# Each sets up the virtual environment first if it is missing or out of date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# The browser tests drive Debian's Chromium; Playwright's own browser download is not used.
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint check chromium

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loadcontent
	$(BIN)/python manage.py setup_roles
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite, browser tests included. PYTEST_ARGS passes more to pytest, e.g.
# `make test PYTEST_ARGS="--ignore=tests/browser"` for all but the browser tests (as CI does on SQLite).
PYTEST_ARGS ?=

test: $(VENV)/.installed chromium
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

# Installs Chromium (and a font to draw text with) when it is missing: as root with apt-get, as
# CI does on a bare Debian machine; otherwise says what to install.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== Installing Chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM): sudo apt-get install chromium (or set CHROMIUM=...)" >&2; \
	    exit 1; \
	  fi; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(VENV)/.installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-schemas.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-schemas.txt
	touch $@

# hailong: `make serve` runs the site (gunicorn and one job worker), `make test` runs every
# test. Both start from a fresh clone with only Python 3.11+ (with venv) and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
MO := webapp/translations/vi/LC_MESSAGES/messages.mo
PO := webapp/translations/vi/LC_MESSAGES/messages.po
# The site's folder (database, secret key, demo logins); `hailong` reads the same one.
INSTANCE ?= instance
SECRET_FILE := $(INSTANCE)/secret_key
# The URL printed on posters and by `make serve`; set it to the public address in production.
HAILONG_BASE_URL ?= http://$(HOST):$(PORT)
export HAILONG_BASE_URL
SITE_ENV = SECRET_KEY=$$(cat $(SECRET_FILE)) HAILONG_ENV=production HAILONG_HTTPS=0 \
	HAILONG_INSTANCE=$(abspath $(INSTANCE))

.PHONY: serve site-files test lint install translations clean screenshots audit

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "hailong needs Python 3.11 or newer; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) $(MO)

$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d webapp/translations >/dev/null

translations: $(STAMP)
	$(BIN)/pybabel extract -F webapp/babel.cfg -k N_ -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations

$(SECRET_FILE):
	mkdir -p $(INSTANCE)
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $(SECRET_FILE)
	chmod 600 $(SECRET_FILE)

# The key and the address of the site, kept in $(INSTANCE)/ so that `hailong qr poster` (run in
# another shell) signs with the same key and prints the same address as the running server.
site-files: $(SECRET_FILE)
	@echo "$(HAILONG_BASE_URL)" > $(INSTANCE)/base_url

serve: install site-files
	$(SITE_ENV) $(BIN)/hailong db upgrade
	$(SITE_ENV) $(BIN)/hailong demo
	@echo "hailong is serving on http://$(HOST):$(PORT)  (Ctrl-C stops it and its job worker)"
	@# One job worker (exports) beside gunicorn; it stops when gunicorn stops, however it stops.
	$(SITE_ENV) $(BIN)/hailong worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(SITE_ENV) $(BIN)/gunicorn --preload --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logformat '%(r)s %(s)s %(b)s %(L)ss' wsgi:app

lint: install
	$(BIN)/ruff check .

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

# The staff guide's pictures (docs/img/vi, docs/img/en), taken by a browser test on demo data.
screenshots: install
	@command -v chromium >/dev/null || { echo "make screenshots needs chromium (apt-get install chromium)"; exit 1; }
	HAILONG_SCREENSHOTS=docs/img $(BIN)/pytest tests/browser/test_guide.py tests/browser/test_inclusion.py -q -k sqlite

# Known vulnerabilities in the installed dependencies (needs PyPI's JSON API or OSV online).
# --strict fails when a package could not be checked, so an unreachable service never passes
# for "no vulnerabilities" (see docs/security.md).
audit: install
	timeout 300 $(BIN)/pip-audit --strict --local --progress-spinner off

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO)

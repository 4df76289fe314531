# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint format bench setup db courses translations dist clean outside-verifier serve-prod

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed translations

translations: $(VENV)/.installed
	@if ls lms/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile --use-fuzzy -d lms/translations; fi

db: setup
	$(FLASK) db upgrade

courses: db
	$(FLASK) courses import
	$(FLASK) hub import-seed

run: courses
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production on this machine: gunicorn (gunicorn.conf.py), a Celery worker and beat, against the
# PostgreSQL and Redis named in the environment (README, "Production deployment").
serve-prod: setup
	deploy/serve-prod

lint: setup
	$(BIN)/ruff check lms tests bench tools wsgi.py setup.py gunicorn.conf.py
	$(BIN)/ruff format --check lms tests bench tools wsgi.py setup.py gunicorn.conf.py
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff format lms tests bench tools wsgi.py setup.py gunicorn.conf.py
	$(BIN)/ruff check --fix lms tests bench tools wsgi.py setup.py gunicorn.conf.py

# The credential verifiers written by others (tests/certificates/test_outside_verifier.py), from npm.
OUTSIDE := tests/certificates/outside
$(OUTSIDE)/node_modules/.package-lock.json: $(OUTSIDE)/package.json $(OUTSIDE)/package-lock.json
	npm ci --prefix $(OUTSIDE) --no-audit --no-fund --loglevel=error

outside-verifier: $(OUTSIDE)/node_modules/.package-lock.json

test: setup lint outside-verifier
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks need Locust (extra `bench`) and use Debian's wrk when installed (apt-get install wrk).
$(VENV)/.bench-installed: setup.cfg | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: db $(VENV)/.bench-installed
	$(BIN)/python -m bench $(BENCH_ARGS)

# A source distribution and a wheel in dist/ (see README, "Installing from a wheel").
dist: setup
	$(BIN)/python -m build --outdir dist .

# Extract strings for translators: `make messages`, then edit lms/translations/*/LC_MESSAGES/messages.po
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o lms/translations/messages.pot lms templates
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache build dist

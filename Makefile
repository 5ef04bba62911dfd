# The two commands a new clone needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test test-slow system-deps lint typecheck format clean messages screenshots loadtest bench-sessions lab bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-lab.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	PORT=$(PORT) $(BIN)/python -m authsite.run

# First the system packages (requirements-system.txt): as root they are installed with
# apt; otherwise it stops at once with the `sudo apt-get install` line to run.
test: system-deps $(VENV)/.installed-dev lint
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

# The tests marked slow (the lab, accessibility, failovers, schemathesis; pyproject.toml
# says which): over the default run's budget. CI runs them after `make test`.
test-slow: system-deps $(VENV)/.installed-dev
	$(BIN)/pytest -m slow $(PYTEST_ARGS)

system-deps:
	@PYTHON=$(PYTHON) scripts/system-deps

# ruff, the import layers (import-linter contracts in pyproject.toml) and mypy with
# django-stubs: all must pass, with no baseline and no blanket ignores.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy accounts authsite lab

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy accounts authsite lab

# Not part of `make test`: fills a Redis with 100,000 sessions and prints timings.
bench-sessions: $(VENV)/.installed-dev
	$(BIN)/python -m tests.bench_sessions

# 200 simulated users for 60 s against gunicorn (2 workers); prints rps, p50, p99.
loadtest: $(VENV)/.installed-dev
	$(BIN)/python -m tests.load $(LOADTEST_ARGS)

# README pictures of the site at phone and desktop widths, into docs/screenshots/.
screenshots: system-deps $(VENV)/.installed-dev
	$(BIN)/python -m tests.e2e.readme_screenshots

# Refresh the Korean catalogue from the code and templates, then compile it (needs gettext).
# Both files are committed, so `make run` needs no gettext.
MAKEMESSAGES_ARGS := -l ko --add-location=file --no-obsolete --ignore=.venv --ignore=tests --ignore=var --ignore=docs
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages $(MAKEMESSAGES_ARGS)
	$(BIN)/python manage.py compilemessages -l ko --ignore=.venv

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis

# The scale-out lab and the authentication benchmark (docs/lab.md).
lab: $(VENV)/.installed-dev
	$(BIN)/python manage.py scalelab --matrix --out var/lab

bench: $(VENV)/.installed-dev
	$(BIN)/python manage.py authbench --out var/bench

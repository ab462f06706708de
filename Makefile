# Newsroom: `make run` serves a demo site, `make test` runs the test suite.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# The first Python >= 3.12 found: PYTHON=... overrides; then python3.x on PATH,
# then pyenv's installed versions, newest first.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.*/bin/python3 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test test-browser check bench messages worker clean

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer was found. Install one (e.g. 'pyenv install 3.13')"; \
		echo "or name it: make run PYTHON=/path/to/python3.13"; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then rm -rf $(VENV); fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@touch $@

# Development server on http://127.0.0.1:8000/ with the demo content, plus the
# loop that re-checks comments whose spam check failed.
run: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

test: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv -v0
	$(PY) -m pytest

test-browser: $(VENV)/.installed
	$(PY) -m pytest -m browser

check: $(VENV)/.installed
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l it --ignore=.venv --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

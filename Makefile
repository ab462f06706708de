# Newsroom: `make run` serves a demo site, `make test` runs the test suite.
# `make help` lists every target.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Extra pytest arguments, e.g. make test ARGS="-k feeds -x"
ARGS ?=
# The development server's port: make run PORT=8001 when 8000 is taken.
PORT ?= 8000

# Python for the virtualenv: PYTHON=... if given, otherwise the first of
# python3.14 ... python3 on PATH, then pyenv's versions, newest first, that is
# at least 3.12.
PYTHON_OK := import sys; sys.exit(sys.version_info < (3, 12))
PYTHON_CANDIDATES := $(or $(PYTHON),python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.*/bin/python3 2>/dev/null | sort -rV))

.PHONY: help run test test-browser test-validator test-integration check messages compile-messages worker bench bench-import bench-faults clean

help:
	@echo "make run           install, migrate, load the demo content, serve on http://127.0.0.1:8000/ (PORT=8001 for another port)"
	@echo "make test          the test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make test-browser  the browser tests (Playwright + Debian's chromium)"
	@echo "make test-validator  the Nu HTML checker on the reader's pages (Java, npm)"
	@echo "make test-integration  gunicorn behind nginx's page cache, a backup restore (nginx-light, PostgreSQL)"
	@echo "make check         Django's system checks and missing migrations"
	@echo "make messages      extract the Italian catalogues and compile them"
	@echo "make worker        run queued background tasks (TASKS_BACKEND=database)"
	@echo "make bench         the benchmark (SIZE=large on PostgreSQL, BENCH_ARGS=--scale-out)"
	@echo "make bench-import  the WordPress import of 10,000 posts and 100,000 comments: time, peak memory"
	@echo "make bench-faults  Akismet down, slow, garbage and back while readers post (BENCH_ARGS=--task-workers 4)"
	@echo "make clean         remove .venv and generated files"

# The virtualenv, rebuilt when pyproject.toml changes or its Python is too old.
$(VENV)/.installed: pyproject.toml
	@if ! { [ -x $(PY) ] && $(PY) -c '$(PYTHON_OK)' 2>/dev/null; }; then \
		python=; \
		for p in $(PYTHON_CANDIDATES); do \
			if command -v "$$p" >/dev/null 2>&1 && "$$p" -c '$(PYTHON_OK)' 2>/dev/null; then \
				python=$$(command -v "$$p"); break; \
			fi; \
		done; \
		if [ -z "$$python" ]; then \
			if [ -n "$(PYTHON)" ]; then \
				echo "error: PYTHON=$(PYTHON) is not a working Python 3.12 or newer." >&2; \
			else \
				echo "error: no Python 3.12 or newer found (looked for python3.14 ... python3" >&2; \
				echo "on PATH and in $${PYENV_ROOT:-$$HOME/.pyenv}/versions)." >&2; \
			fi; \
			echo "Install one (e.g. 'pyenv install 3.13') or name it:" \
				"make run PYTHON=/path/to/python3.13" >&2; \
			exit 1; \
		fi; \
		echo "Creating $(VENV) with $$python ($$("$$python" --version))"; \
		rm -rf $(VENV) && "$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check ".[dev]"
	@touch $@

# Development server on http://127.0.0.1:8000/ with the demo content. Safe to
# run again: migrate and seed_demo only add what is missing. SITE_URL follows
# PORT (links in mail, the login address printed), unless set.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed compile-messages
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	@# The comment sweep runs in the background and stops with the server.
	DJANGO_DEBUG=1 $(MANAGE) recheck_comments --loop 30 & sweep=$$!; \
	trap 'kill $$sweep 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

# pytest's exit code 5 means "no tests collected": not a failure here.
define pytest
	@$(PY) -m pytest $(1); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "No tests collected."; rc=0; fi; exit $$rc
endef

test: $(VENV)/.installed compile-messages
	$(call pytest,$(ARGS))

# axe-core (from npm, into build/axe) for the accessibility check of the
# browser tests; without npm that one test is skipped.
AXE_VERSION := 4.14.1
build/axe/node_modules/axe-core/axe.min.js:
	-npm install --prefix build/axe --no-audit --no-fund --no-save axe-core@$(AXE_VERSION)

test-browser: $(VENV)/.installed compile-messages build/axe/node_modules/axe-core/axe.min.js
	$(call pytest,-m browser $(ARGS))

# The Nu HTML checker (the vnu-jar package from npm, into build/vnu) on the
# reader's pages with hostile comments; needs Java and npm.
VNU_VERSION := 26.9.27
build/vnu/node_modules/vnu-jar/build/dist/vnu.jar:
	npm install --prefix build/vnu --no-audit --no-fund --no-save vnu-jar@$(VNU_VERSION)

test-validator: $(VENV)/.installed compile-messages build/vnu/node_modules/vnu-jar/build/dist/vnu.jar
	$(call pytest,-m validator $(ARGS))

# gunicorn behind nginx with tests/nginx/newsroom.conf.template, on free local
# ports; Redis db 12 for the page cache when Redis answers on 127.0.0.1:6379.
# And a pg_dump restored into a fresh database (PostgreSQL on 127.0.0.1:5432).
test-integration: $(VENV)/.installed compile-messages
	$(call pytest,-m integration $(ARGS))

check: $(VENV)/.installed
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Each app's strings go to <app>/locale, templates and project strings to
# newsroom/locale (LOCALE_PATHS). Collected static files and uploads hold no
# strings of ours. There is no JavaScript of ours to translate: the djangojs
# catalogue in newsroom/locale holds admin strings Django lacks, kept by hand.
messages: $(VENV)/.installed
	$(MANAGE) makemessages -l it --ignore=.venv --ignore=build --ignore=tests \
		--ignore=staticfiles --ignore=media --ignore=test-results
	$(MANAGE) compilemessages --ignore=.venv --ignore=build

# gettext's msgfmt builds the .mo files; without it the ones already built are used.
compile-messages: $(VENV)/.installed
	@if [ -z "$$(find . -path ./.venv -prune -o -name '*.po' -print -quit)" ]; then \
		: no catalogue yet; \
	elif command -v msgfmt >/dev/null; then \
		$(MANAGE) compilemessages --ignore=.venv --ignore=build -v0; \
	else \
		echo "gettext's msgfmt not found: using the .mo files already built" \
			"(apt-get install gettext to rebuild them)."; \
	fi

# Runs tasks queued by processes started with TASKS_BACKEND=database.
worker: $(VENV)/.installed
	TASKS_BACKEND=database $(MANAGE) db_worker

# The benchmark (issue 5), not part of `make test`: SIZE=large for the big
# dataset (PostgreSQL), BENCH_ARGS="--scale-out" or "--duration 5" and so on.
bench: $(VENV)/.installed
	$(PY) -m tests.benchmark.run --size $(or $(SIZE),default) $(BENCH_ARGS)

# The WordPress import benchmark (issue 11), not part of `make test`: a generated
# export of 10,000 posts and 100,000 comments, its time and peak memory.
# BENCH_ARGS="--posts 1000" for a smaller one, "--database-url postgres://..."
# for an empty PostgreSQL database of its own.
bench-import: $(VENV)/.installed
	$(PY) -m tests.benchmark.wordpress_import $(BENCH_ARGS)

# Akismet ok, down, slow, garbage, ok while readers post (about 3 minutes).
bench-faults: $(VENV)/.installed
	$(PY) -m tests.benchmark.akismet_faults $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info staticfiles .pytest_cache test-results

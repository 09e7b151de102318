# Lotse: two commands for a newcomer.
#   make demo   set everything up and serve http://127.0.0.1:8000 (SQLite, Celery eager)
#   make test   set everything up and run the whole suite (ruff, import contracts, pytest)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test setup lint pytest browser-deps serve clean schema

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@# platform/ and the project root go on the venv's path *after* the standard library
	@# (a .pth entry is appended), so tools like lint-imports and celery find `config`.
	$(PY) -c 'import site, pathlib; pathlib.Path(site.getsitepackages()[0], "lotse-paths.pth").write_text("$(CURDIR)/platform\n$(CURDIR)\n")'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium missing: run 'sudo apt-get install chromium' for the browser tests"; fi; \
	fi

setup: $(VENV)/.installed node_modules/.installed

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_taxonomy
	$(PY) manage.py seed_demo
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0 || true
	$(PY) manage.py runserver 127.0.0.1:8000

serve:
	$(PY) manage.py runserver 127.0.0.1:8000

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=.:platform $(VENV)/bin/lint-imports

# PYTEST_WORKERS=2 runs the suite in two processes (pytest-xdist), a test module's tests in one
# process; the default (0) runs it in this process (a developer's quick run). CI (.ci/run) sets 2:
# what one test leaves behind for the next (a flushed taxonomy, the migrations' rows) is restored
# by the fixtures in tests/conftest.py and tests/fixtures/taxonomy.py, whatever ran before.
PYTEST_WORKERS ?= 0
pytest: setup browser-deps
	$(VENV)/bin/pytest $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder) $(PYTEST_ARGS)

test: lint pytest

# The API's OpenAPI schema, committed beside the code; tests/api/test_schema.py fails when it is stale.
schema: setup
	$(PY) manage.py spectacular --lang de --validate --fail-on-warn --file platform/api/openapi.yaml

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 .test-db*.sqlite3*

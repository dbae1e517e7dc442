# Two entry points (see README): `make lab` launches the workbench, `make test` runs every test.
# Both set up what they need on a fresh machine and are safe to run again.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
MLFLOW_VENV := .venv-mlflow
PY := $(VENV)/bin/python
PIP_QUIET := --quiet --disable-pip-version-check
CONSTRAINTS := tests/constraints.txt
# the stamp changes whenever the files that decide what gets installed change
STAMP = $(VENV)/.installed-$(shell cat pyproject.toml $(CONSTRAINTS) | sha1sum | cut -c1-12)
MLFLOW_STAMP = $(MLFLOW_VENV)/.installed-$(shell cat $(CONSTRAINTS) | sha1sum | cut -c1-12)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test setup system venv mlflow-venv js-deps lint lint-python lint-frontend pytest clean labextension ui-test

lab: venv
	$(VENV)/bin/jupyter lab --notebook-dir=tutorials $(ROOT_FLAG)

RESULTS := .test-results
# Every step runs even when an earlier one failed (as far as it can), and the closing line always
# counts what failed: test failures plus each step that failed without test results of its own.
STEP = $(MAKE) --no-print-directory
test:
	rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	$(STEP) system || echo system >> $(RESULTS)/failed-steps
	$(STEP) venv || echo venv >> $(RESULTS)/failed-steps
	$(STEP) mlflow-venv || echo mlflow-venv >> $(RESULTS)/failed-steps
	$(STEP) lint || echo lint >> $(RESULTS)/failed-steps
	$(STEP) pytest PYTEST_ARGS="--junitxml=$(abspath $(RESULTS))/pytest.xml" || echo pytest >> $(RESULTS)/failed-steps
	$(STEP) ui-test SERVEBOOK_UI_SUMMARY=$(abspath $(RESULTS))/ui.json || echo ui-test >> $(RESULTS)/failed-steps
	$(PYTHON) scripts/test_summary.py $(RESULTS)

setup: system venv mlflow-venv

# Debian packages: chromium for the browser tests, wrk for the serving benchmark.
SYSTEM_PACKAGES := chromium wrk
system:
	scripts/apt_install.sh $(SYSTEM_PACKAGES)

LABEXT_LINK := $(VENV)/share/jupyter/labextensions/servebook
venv: $(STAMP)
$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_QUIET) --upgrade pip
	@# A reinstall must not write the wheel's shared data through the development link into the build
	@# output (a second install.json there breaks every later install): unlink it first, relink below.
	if [ -L $(LABEXT_LINK) ]; then rm $(LABEXT_LINK); fi
	rm -f extension/servebook_lab/labextension/install.json
	$(PY) -m pip install $(PIP_QUIET) -c $(CONSTRAINTS) -e ".[lab,widgets,test]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	cd extension && ../$(VENV)/bin/jupyter-builder develop --overwrite servebook_lab >/dev/null
	rm -f $(VENV)/.installed-*
	touch $@

# MLflow is a test-only dependency and lives in its own virtualenv: servebook never imports it.
mlflow-venv: $(MLFLOW_STAMP)
$(MLFLOW_STAMP): $(CONSTRAINTS)
	test -x $(MLFLOW_VENV)/bin/python || $(PYTHON) -m venv $(MLFLOW_VENV)
	$(MLFLOW_VENV)/bin/python -m pip install $(PIP_QUIET) -c $(CONSTRAINTS) "mlflow==3.17.2" scikit-learn joblib
	rm -f $(MLFLOW_VENV)/.installed-*
	touch $@

# The extension's node_modules from the committed yarn.lock: the frontend linters, and the JSON Schema
# generator the REST contract test (tests/lab/test_rest_contract.py) runs. jlpm comes from .venv.
JS_DEPS := extension/node_modules/.yarn-state.yml
JS_ENV := PATH="$(abspath $(VENV))/bin:$$PATH"
js-deps: venv $(JS_DEPS)
$(JS_DEPS): extension/package.json extension/yarn.lock
	cd extension && { $(JS_ENV) jlpm install >jlpm-install.log 2>&1 || { cat jlpm-install.log; exit 1; }; }
	touch $@

# `lint` runs every linter. Python: ruff (rules and formatting) over the Python tree, then mypy with the
# configuration in pyproject.toml (strict, for Python 3.10) on the library and the server extension.
# Frontend: see lint-frontend below.
PY_SOURCES := kernel_helpers extension/servebook_lab tests benchmarks scripts
lint: lint-python lint-frontend

lint-python: venv
	$(VENV)/bin/ruff check $(PY_SOURCES)
	$(VENV)/bin/ruff format --check $(PY_SOURCES)
	$(VENV)/bin/mypy

pytest: venv mlflow-venv js-deps
	SERVEBOOK_MLFLOW_PYTHON=$(abspath $(MLFLOW_VENV))/bin/python $(PY) -m pytest $(PYTEST_ARGS)

# JupyterLab frontend. `make venv` builds it (editable install) and links it into .venv; this rebuilds the
# development build when its sources changed since. jlpm comes from .venv (jupyter-builder).
LABEXT_OUT := extension/servebook_lab/labextension/package.json
LABEXT_SRC := $(shell find extension/src extension/style extension/schema -type f 2>/dev/null) \
	extension/package.json extension/yarn.lock extension/tsconfig.json

labextension: venv $(LABEXT_OUT)
$(LABEXT_OUT): $(LABEXT_SRC)
	cd extension && { $(JS_ENV) jlpm install >jlpm-install.log 2>&1 || { cat jlpm-install.log; exit 1; }; }
	cd extension && $(JS_ENV) jlpm build >/dev/null
	cd extension && ../$(VENV)/bin/jupyter-builder develop --overwrite servebook_lab >/dev/null
	touch $@

# Frontend lint: eslint (the JupyterLab extension template's configuration, over src/ and the browser
# tests), prettier --check and stylelint; `cd extension && jlpm lint` applies their fixes.
lint-frontend: venv js-deps
	cd extension && $(JS_ENV) jlpm lint:check

# Frontend tests: the console's pure conversions (node's test runner), then the browser tests:
# Galata/Playwright on Debian's chromium against a real `jupyter lab` from .venv. The Playwright
# reporter prints a closing "N passed, N failed" line.
ui-test: system venv labextension
	cd extension && $(JS_ENV) jlpm test:unit
	cd extension/ui-tests && { $(JS_ENV) jlpm install >jlpm-install.log 2>&1 || { cat jlpm-install.log; exit 1; }; }
	cd extension/ui-tests && $(JS_ENV) SERVEBOOK_UI_SUMMARY=$(SERVEBOOK_UI_SUMMARY) jlpm playwright test

clean:
	rm -rf $(VENV) $(MLFLOW_VENV)

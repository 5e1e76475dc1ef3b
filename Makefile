# The two commands of the README: `make run` (the gateway, embedded setup) and `make test`;
# `make bench` measures the data path (bench/README.md; BENCH_ARGS=--quick for a short run).
# Each creates the virtualenv and installs what it needs on first use.

VENV ?= .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

BENCH_INSTALLED := $(VENV)/.installed-bench
BENCH_ARGS ?=

.PHONY: run test schema bench

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet --editable ".[sandboxes,test,dev]"
	touch $(INSTALLED)

$(BENCH_INSTALLED): $(INSTALLED)
	$(PYTHON) -m pip install --quiet --editable ".[bench]"
	touch $(BENCH_INSTALLED)

run: $(INSTALLED)
	$(VENV)/bin/recgate serve

test: $(INSTALLED)
	bash .ci/services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PYTHON) -m pytest

schema: $(INSTALLED)
	$(VENV)/bin/recgate export-schema --output schema.graphql

bench: $(BENCH_INSTALLED)
	bash .ci/services
	$(PYTHON) -m bench $(BENCH_ARGS)

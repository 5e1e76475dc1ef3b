# The two commands of the README: `make run` (the gateway, embedded setup) and `make test`.
# Each creates the virtualenv and installs what it needs on first use.

VENV ?= .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test schema

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet --editable ".[sandboxes,test,dev]"
	touch $(INSTALLED)

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

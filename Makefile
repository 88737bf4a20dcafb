# Two commands matter: `make run` (set up, build the graph, serve it) and
# `make test` (set up, run every check). Everything installs from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run build test lint typecheck bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: setup
	$(BIN)/nhskg build

run: build
	$(BIN)/nhskg stats
	$(BIN)/nhskg serve

# Speed and memory figures (not part of `make test`): writes benchmarks/results/.
bench: build
	$(BIN)/python -P benchmarks/network.py
	$(BIN)/python -P benchmarks/api.py

lint: setup
	$(BIN)/ruff check graph api tests benchmarks
	$(BIN)/ruff format --check graph api tests benchmarks

# mypy cannot follow the editable-install import hook, so it reads the code
# through a small tree of symlinks that mirrors the installed package names.
typecheck: setup
	rm -rf build/typecheck && mkdir -p build/typecheck/nhskg
	ln -s $(CURDIR)/graph build/typecheck/nhskg/graph
	ln -s $(CURDIR)/api build/typecheck/nhskg/api
	cd build/typecheck && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p nhskg.graph -p nhskg.api

test: setup lint typecheck
	$(BIN)/python -P -m pytest

clean:
	rm -rf build test-output

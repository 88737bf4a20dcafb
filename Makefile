# Two commands matter: `make run` (set up, build the graph, serve it) and
# `make test` (set up, run every check). Python packages install from pyproject.toml,
# the front-end packages (the network viewer, the accessibility checker) from
# package-lock.json into node_modules/, and the browser tests' Chromium and the query
# workers' memory allocator (jemalloc) from Debian.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM   := /usr/bin/chromium

.PHONY: setup run build test lint typecheck browser allocator bench w3c clean

setup: $(STAMP) $(NODE_STAMP) allocator

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# npm ci installs exactly what package-lock.json pins (it empties node_modules first).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# The browser tests drive Debian's Chromium through Playwright; Playwright never
# downloads a browser of its own. Installing it needs root (as CI runs).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	fi

# The query workers preload jemalloc where the system has it (NHSKG_QUERY_ALLOCATOR=auto):
# queries run about a quarter faster than on glibc's malloc, and stay as fast after a
# large answer. Installing it needs root (as CI runs); without it the product runs on
# the system's malloc, slower, and says so when it serves.
allocator:
	@if ! /sbin/ldconfig -p | grep -q 'libjemalloc\.so\.2 '; then \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libjemalloc2 || \
			(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libjemalloc2); \
		else \
			echo "note: libjemalloc2 is not installed (apt-get install libjemalloc2 as root); the query workers use the system's malloc"; \
		fi; \
	fi

build: setup
	$(BIN)/nhskg build

run: build
	$(BIN)/nhskg stats
	$(BIN)/nhskg serve

# Speed and memory figures (not part of `make test`): writes benchmarks/results/.
# scale.py builds synthetic landscapes up to ten million quads in /tmp/nhskg-bench
# (hours; `$(BIN)/python -P benchmarks/scale.py --quick` is a smoke run of minutes).
# benchmarks/store_modes.py --build-dir DIR --data-dir DIR (on one of those builds)
# compares the store read-only on disk with the same dump in memory.
# sparql_like_for_like.py sends the same SPARQL to /sparql and to `oxigraph
# serve-read-only` in turns, every request new, and times cold lookups and partners
# with as_of (about five minutes; `--quick` about two).
bench: build
	$(BIN)/python -P benchmarks/network.py
	$(BIN)/python -P benchmarks/api.py
	$(BIN)/python -P benchmarks/sparql_like_for_like.py
	$(BIN)/python -P benchmarks/scale.py

# The W3C SPARQL 1.1 test suite (tests/w3c-sparql11) against /sparql, on a real server
# on loopback (about 10 s; tests/test_w3c_sparql.py runs it in `make test` too): writes
# benchmarks/results/w3c-sparql11.json, summarised in docs/sparql-conformance.md.
w3c: setup
	$(BIN)/python -P benchmarks/w3c_sparql.py

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

test: setup browser lint typecheck
	$(BIN)/python -P -m pytest

clean:
	rm -rf build test-output

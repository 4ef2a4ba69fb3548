# mdm-hub: `make run` serves the API on the embedded store; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test check lint typecheck format unit neo4j-start neo4j-stop neo4j-status bench demo clean chromium

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

## Serve the GraphQL API on the embedded store (GraphiQL on) at http://$${MDM_HOST:-127.0.0.1}:$${MDM_PORT:-8000}/graphql
run: $(STAMP)
	$(BIN)/mdm-hub serve --dev

## Lint, type-check and run the whole suite; Neo4j is obtained, started and stopped by the suite.
test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

## The workbench's browser tests drive Debian's chromium (Playwright's own download is not used).
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

check: test

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

neo4j-start: $(STAMP)
	$(BIN)/mdm-hub neo4j start

neo4j-stop: $(STAMP)
	$(BIN)/mdm-hub neo4j stop

neo4j-status: $(STAMP)
	$(BIN)/mdm-hub neo4j status

bench: $(STAMP)
	$(BIN)/python bench/resolve_latency.py

## Load the example landscape (examples/landscape: six systems' exports of one firm) into a fresh
## embedded store, ./demo.db, and print what the hub made of it per entity type.
demo: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" MDM_EMBEDDED_PATH=./demo.db examples/landscape/demo.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo.db demo.db-* demo-rejects

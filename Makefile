# Two entry points a fresh clone needs: `make demo` and `make test`.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint assets clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --editable '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/handmesh hand render --out demo_out

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerates every generated file that is committed; `git diff` should then be empty.
assets: setup
	$(BIN)/handmesh hand build

clean:
	rm -rf $(VENV) demo_out .pytest_cache .ruff_cache

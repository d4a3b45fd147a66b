# Two entry points a fresh clone needs: `make demo` and `make test`.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Debian packages behind the renderer (headless EGL and Mesa's software rasterizer) and the
# Unity client's C# tests (Mono's compiler and runtime, NUnit 2.6 and its console runner).
APT_PACKAGES := libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri \
	mono-devel nunit-console libnunit-cil-dev

.PHONY: setup system-deps demo test lint assets clean

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
		elif command -v dpkg-query >/dev/null; then \
			echo "missing system packages: sudo apt-get install $$missing"; exit 1; fi; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --editable '.[dev,mlagents]'
	touch $(STAMP)

setup: system-deps $(STAMP)

# The whole product on this machine: the server with the bundled checkpoint, the bundled
# sample streamed through it, the overlay video, contact sheet and latency in demo_out/.
demo: setup
	$(BIN)/handmesh demo --out demo_out

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

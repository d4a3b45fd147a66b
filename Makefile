# Two entry points a fresh clone needs: `make demo` and `make test`.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Debian packages behind the renderer: headless EGL and Mesa's software rasterizer.
APT_PACKAGES := libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri

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
	$(BIN)/pip install --quiet --editable '.[dev]'
	touch $(STAMP)

setup: system-deps $(STAMP)

# Until the streaming demo lands: the most end-to-end path that exists — the hand posed and
# rendered, synthetic training samples and their ground truth drawn.
demo: setup
	$(BIN)/handmesh hand render --out demo_out
	$(BIN)/handmesh synth --out demo_out/synth --n 24 --seed 1
	$(BIN)/handmesh sheet demo_out/synth --out demo_out/synth_samples.jpg
	@echo "demo: see demo_out/hand_poses.png and demo_out/synth_samples.jpg"

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

# gr-semsat: `make demo` sets everything up and runs the main job; `make test` runs the test suite.
# Each target runs the idempotent set-up first (Debian packages, venv, pip, build, install).

VENV ?= $(CURDIR)/.venv
PYTHON := $(VENV)/bin/python
OUT ?= $(CURDIR)/out
export GRC_BLOCKS_PATH := $(VENV)/share/gnuradio/grc/blocks

.PHONY: setup build demo test lint bench clean

setup:
	@bash scripts/setup.sh

build: setup

demo: setup
	@bash scripts/demo.sh "$(OUT)"

test: setup
	@bash scripts/run-tests.sh

lint: setup
	$(VENV)/bin/ruff check python apps/semsat-pass apps/semsat-bench
	$(VENV)/bin/ruff format --check python apps/semsat-pass apps/semsat-bench

bench: setup
	$(PYTHON) apps/semsat-bench channel

clean:
	rm -rf build out

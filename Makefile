# Developer shortcuts. CI runs `bash .ci/run` (a fresh venv, then the README's test command).
PY ?= python

.PHONY: check lint format test snapshots screens bench

check: lint test            ## ruff (lint + format), import contracts, mypy, then the whole suite

lint:
	$(PY) -m ruff check esurety_tui tests scripts benchmarks
	$(PY) -m ruff format --check esurety_tui tests scripts benchmarks
	lint-imports
	$(PY) -m mypy

format:                     ## apply ruff's formatter and its safe fixes
	$(PY) -m ruff format esurety_tui tests scripts benchmarks
	$(PY) -m ruff check --fix esurety_tui tests scripts benchmarks

test:
	$(PY) -m pytest

snapshots:                  ## after reviewing snapshot_report.html
	$(PY) -m pytest tests/test_snapshots_*.py --snapshot-update

screens:
	$(PY) scripts/screenshots.py

bench:                      ## every figure of issue 11 at 1,000,000 contracts (pip install -e '.[bench]')
	$(PY) benchmarks/run.py $(BENCH_ARGS)

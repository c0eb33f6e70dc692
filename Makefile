# Developer shortcuts. CI runs `bash .ci/run` (a fresh venv, then the README's test command).
PY ?= python

.PHONY: check lint test snapshots screens bench

check: lint test            ## ruff, import contracts, mypy, then the whole suite

lint:
	$(PY) -m ruff check esurety_tui tests scripts benchmarks
	lint-imports
	$(PY) -m mypy

test:
	$(PY) -m pytest

snapshots:                  ## after reviewing snapshot_report.html
	$(PY) -m pytest tests/test_snapshots_*.py --snapshot-update

screens:
	$(PY) scripts/screenshots.py

bench:
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/key_lookup.py
	$(PY) benchmarks/notice_bench.py
	$(PY) benchmarks/contract_list.py

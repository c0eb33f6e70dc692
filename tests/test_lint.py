"""The README's test command (pytest) also runs the linters, so CI runs them: ruff's rules and its
formatter over the tree, and the import-linter contracts of pyproject.toml (layers; only tui imports Textual; tui never
imports the store) and mypy over domain and services."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*cmd: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


TREE = ("esurety_tui", "tests", "scripts", "benchmarks")


def test_ruff_finds_no_problems_in_the_tree():
    done = _run(sys.executable, "-m", "ruff", "check", "--no-cache", *TREE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_leaves_the_tree_unchanged():
    done = _run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *TREE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = _run(str(lint_imports), "--no-cache")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_mypy_finds_no_type_errors_in_domain_and_services():
    # [tool.mypy] in pyproject.toml names the packages; a throwaway cache keeps runs independent.
    done = _run(sys.executable, "-m", "mypy", "--cache-dir", os.devnull)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "Success: no issues found" in done.stdout
